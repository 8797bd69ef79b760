import {
  DiagLogLevel,
  ROOT_CONTEXT,
  diag,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  isSpanContextValid,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { randomFillSync } from 'node:crypto';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { GatewayError } from '../errors.js';
import { wellFormedTracestate } from './trace-state.js';
import type { UpstreamClient } from '../upstream/types.js';
import type { ForwardedHeaders } from '../model/caller.js';

/** The part of a tracer the gateway uses. */
export type SpanStarter = Pick<Tracer, 'startSpan'>;

export interface Tracing {
  tracer: SpanStarter;
  /** True when spans are recorded and exported. */
  exporting: boolean;
  /** Flushes spans still buffered; call on shutdown. */
  shutdown(): Promise<void>;
}

/** The W3C headers that carry a span's context to the next hop. */
export interface TraceHeaders {
  traceparent?: string;
  tracestate?: string;
}

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

// Semantic-convention attribute names, spelled out: the conventions package is large.
const ATTR_HTTP_REQUEST_METHOD = 'http.request.method';
const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
const ATTR_ERROR_TYPE = 'error.type';

const propagator = new W3CTraceContextPropagator();

const headersGetter = {
  // The caller's tracestate only when well-formed (contract 5); see trace-state.ts.
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

/**
 * A span per upstream call, child of the operation span whose context the forwarded
 * headers carry, and that span's `traceparent` sent upstream in its place. A wrapper
 * rather than the client's `onCall` hook: the span must exist before the request is sent
 * so that its id can go upstream.
 */
export function traceUpstreamCalls(upstream: UpstreamClient, tracer: SpanStarter): UpstreamClient {
  return {
    ...upstream,
    async listAuditLogs(request) {
      const parent = propagator.extract(ROOT_CONTEXT, request.headers, recordGetter);
      const span = tracer.startSpan('GET /v1/AuditLogs', { kind: SpanKind.CLIENT }, parent);
      if (span.isRecording()) {
        span.setAttributes({
          [ATTR_HTTP_REQUEST_METHOD]: 'GET',
          'cloudcockpit.page_number': request.window.pageNumber,
          'cloudcockpit.page_size': request.window.pageSize,
          'gateway.correlation_id': request.headers.correlationId,
        });
      }
      const headers: ForwardedHeaders = { ...request.headers, ...traceHeadersOfSpan(span) };
      try {
        const page = await upstream.listAuditLogs({ ...request, headers });
        if (span.isRecording()) span.setAttributes({ [ATTR_HTTP_RESPONSE_STATUS_CODE]: 200, 'cloudcockpit.items': page.items.length });
        return page;
      } catch (error) {
        if (span.isRecording()) recordUpstreamFailure(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  };
}

function recordUpstreamFailure(span: Span, error: unknown): void {
  const code = error instanceof GatewayError ? error.code : 'INTERNAL_SERVER_ERROR';
  const status = error instanceof GatewayError ? (error.extensions.upstream as { status?: unknown } | undefined)?.status : undefined;
  if (typeof status === 'number') span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
  span.setAttribute(ATTR_ERROR_TYPE, code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: code });
}
