import {
  DiagLogLevel,
  ROOT_CONTEXT,
  diag,
  TraceFlags,
  isSpanContextValid,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { randomFillSync } from 'node:crypto';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { wellFormedTracestate } from './trace-state.js';
import type { SpanStarter, TraceExporterKind, TraceHeaders, Tracing } from './tracing-types.js';

export type { SpanStarter, TraceHeaders, Tracing } from './tracing-types.js';




/**
 * Sends the SDK's own warnings and errors (a collector that cannot be reached, spans
 * dropped from a full queue) to the gateway's log; without this they are silent.
 * OpenTelemetry's diagnostic logger is process-wide: call it once, from main.ts.
 */
export function logTracingProblems(logger: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void }): void {
  const noop = () => {};
  diag.setLogger(
    {
      error: (message, ...args) => logger.error({ details: args.map(String) }, `tracing: ${message}`),
      warn: (message, ...args) => logger.warn({ details: args.map(String) }, `tracing: ${message}`),
      info: noop,
      debug: noop,
      verbose: noop,
    },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
}

/**
 * Continues the caller's trace with new span ids and records nothing: the cheapest way
 * to propagate W3C trace context when no exporter is configured. The caller's sampled
 * flag and tracestate pass through unchanged, so a downstream service that does record
 * keeps the caller's decision.
 */
export function propagatingTracer(): SpanStarter {
  const ids = randomIds();
  return {
    startSpan(_name, _options, context = ROOT_CONTEXT) {
      const parent = trace.getSpanContext(context);
      const valid = parent !== undefined && isSpanContextValid(parent);
      return trace.wrapSpanContext({
        traceId: valid ? parent.traceId : ids.generateTraceId(),
        spanId: ids.generateSpanId(),
        traceFlags: valid ? parent.traceFlags : TraceFlags.NONE,
        ...(valid && parent.traceState ? { traceState: parent.traceState } : {}),
      });
    },
  };
}

/** Random W3C trace and span ids (never all zeros), from a pooled buffer so a span costs no syscall. */
function randomIds(): { generateTraceId(): string; generateSpanId(): string } {
  const pool = Buffer.alloc(4096);
  let offset = pool.length;
  const hex = (bytes: number): string => {
    for (;;) {
      if (offset + bytes > pool.length) {
        randomFillSync(pool);
        offset = 0;
      }
      const id = pool.toString('hex', offset, offset + bytes);
      offset += bytes;
      if (!/^0+$/.test(id)) return id;
    }
  };
  return { generateTraceId: () => hex(16), generateSpanId: () => hex(8) };
}

const propagator = new W3CTraceContextPropagator();

const headersGetter = {
  // The caller's tracestate only when well-formed; see trace-state.ts.
  get: (carrier: Headers, key: string) => (key === 'tracestate' ? wellFormedTracestate(carrier.get(key)) : (carrier.get(key) ?? undefined)),
  keys: (carrier: Headers) => [...carrier.keys()],
};

const recordGetter = {
  get: (carrier: TraceHeaders, key: string) => carrier[key as keyof TraceHeaders],
  keys: (carrier: TraceHeaders) => Object.keys(carrier),
};

const recordSetter = {
  set: (carrier: TraceHeaders, key: string, value: string) => {
    carrier[key as keyof TraceHeaders] = value;
  },
};

/** The caller's trace context from its `traceparent`/`tracestate` headers (root when absent or invalid). */
export function contextFromRequestHeaders(headers: Headers): Context {
  return propagator.extract(ROOT_CONTEXT, headers, headersGetter);
}

/** The `traceparent`/`tracestate` that make the next hop a child of `span`. */
export function traceHeadersOfSpan(span: Span): TraceHeaders {
  const headers: TraceHeaders = {};
  propagator.inject(trace.setSpan(ROOT_CONTEXT, span), headers, recordSetter);
  return headers;
}

/** The trace context that W3C headers carry (root when absent or invalid). */
export function contextFromTraceHeaders(headers: TraceHeaders): Context {
  return propagator.extract(ROOT_CONTEXT, headers, recordGetter);
}

/**
 * With exporters: the OpenTelemetry SDK (loaded only then: it is a sizeable part of the
 * process's memory), see tracing-export.ts. Without: a propagation-only tracer that
 * records nothing.
 */
export async function createTracing(exporters: readonly TraceExporterKind[] = []): Promise<Tracing> {
  if (exporters.length === 0) return { tracer: propagatingTracer(), exporting: false, shutdown: async () => {} };
  const { createExportingTracing } = await import('./tracing-export.js');
  return createExportingTracing(exporters);
}
