import { SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import type { Plugin } from 'graphql-yoga';
import { contextFromRequestHeaders, traceHeadersOfSpan, type SpanStarter, type TraceHeaders } from '../tracing.js';
import { correlationIdOf } from './use-correlation-id.js';
import { operationRecordOf, summarizeResult } from './operation-record.js';

interface OperationTrace {
  span: Span;
  /** What the operation's upstream calls continue (see `traceHeadersOf`). */
  headers: TraceHeaders;
}

const traces = new WeakMap<Request, OperationTrace>();

/** The `traceparent`/`tracestate` of the request's operation span, for the forwarded headers. */
export function traceHeadersOf(request: Request): TraceHeaders {
  return traces.get(request)?.headers ?? {};
}

/** The operation's trace id, for the log line; undefined when the request carried no operation. */
export function traceIdOf(request: Request): string | undefined {
  return traces.get(request)?.span.spanContext().traceId;
}

/**
 * A span per GraphQL operation, continuing the caller's W3C trace context (a new trace
 * when it sent none). It starts when the operation's parameters are read, before the
 * context is built, so the context can hand its `traceparent` to the upstream calls.
 */
export function useTracing(tracer: SpanStarter): Plugin {
  return {
    onParams({ request }) {
      const span = tracer.startSpan('GraphQL operation', { kind: SpanKind.SERVER }, contextFromRequestHeaders(request.headers));
      traces.set(request, { span, headers: traceHeadersOfSpan(span) });
    },
    onResultProcess({ request, result }) {
      const operation = traces.get(request);
      if (!operation) return;
      const { span } = operation;
      if (span.isRecording()) {
        const record = operationRecordOf(request);
        const { outcome, errorCodes } = summarizeResult(result);
        if (record?.type) span.updateName(record.name ? `${record.type} ${record.name}` : record.type);
        span.setAttributes({
          ...(record?.name ? { 'graphql.operation.name': record.name } : {}),
          ...(record?.type ? { 'graphql.operation.type': record.type } : {}),
          'gateway.correlation_id': correlationIdOf(request),
          'gateway.outcome': outcome,
          'gateway.upstream_calls': record?.stats?.upstreamCalls ?? 0,
        });
        if (errorCodes.length > 0) {
          span.setAttribute('gateway.error_codes', errorCodes);
          span.setStatus({ code: SpanStatusCode.ERROR, message: errorCodes.join(',') });
        }
      }
      span.end();
    },
  };
}
