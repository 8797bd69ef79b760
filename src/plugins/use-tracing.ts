import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { Plugin } from 'graphql-yoga';
import { requestState } from '../observability/request-state.js';
import { contextFromRequestHeaders, traceHeadersOfSpan, type SpanStarter } from '../observability/tracing.js';
import { summarizeResult } from './operation-record.js';

/** The operation's trace id, for the log line; undefined when the request carried no operation. */
export function traceIdOf(request: Request): string | undefined {
  return requestState(request).trace?.span.spanContext().traceId;
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
      requestState(request).trace = { span, headers: traceHeadersOfSpan(span) };
    },
    onResultProcess({ request, result }) {
      const state = requestState(request);
      const operation = state.trace;
      if (!operation) return;
      const { span } = operation;
      if (span.isRecording()) {
        const record = state.record;
        const { outcome, errorCodes } = summarizeResult(result);
        if (record?.type) span.updateName(record.name ? `${record.type} ${record.name}` : record.type);
        span.setAttributes({
          ...(record?.name ? { 'graphql.operation.name': record.name } : {}),
          ...(record?.type ? { 'graphql.operation.type': record.type } : {}),
          'gateway.correlation_id': state.correlationId,
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
