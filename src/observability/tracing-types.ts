import type { Tracer } from '@opentelemetry/api';

/** What the gateway knows of tracing, apart from the SDK (tracing-export.ts), which loads only when spans are exported. */

/** The part of a tracer the gateway uses. */
export type SpanStarter = Pick<Tracer, 'startSpan'>;

/** The W3C headers that carry a span's context to the next hop. */
export interface TraceHeaders {
  traceparent?: string;
  tracestate?: string;
}

/** Where finished spans go; an empty list means spans are never recorded, only propagated. */
export type TraceExporterKind = 'otlp-http/protobuf' | 'otlp-http/json' | 'console';

export interface Tracing {
  tracer: SpanStarter;
  /** True when spans are recorded and exported. */
  exporting: boolean;
  /** Flushes spans still buffered; call on shutdown. */
  shutdown(): Promise<void>;
}

