import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { contextFromRequestHeaders, traceHeadersOfSpan, type SpanStarter } from '../observability/tracing.js';
import type { OperationReporter } from './operation-record.js';

/**
 * A span per GraphQL operation, continuing the caller's W3C trace context (a new trace
 * when it sent none). It starts when the operation's parameters are read, before the
 * context is built, so the context can hand its `traceparent` to the upstream calls.
 */
export function operationTracingReporter(tracer: SpanStarter): OperationReporter {
  return {
    started(request, state) {
      const span = tracer.startSpan('GraphQL operation', { kind: SpanKind.SERVER }, contextFromRequestHeaders(request.headers));
      state.trace = { span, headers: traceHeadersOfSpan(span) };
    },
    finished({ state, record, summary: { outcome, errorCodes } }) {
      const operation = state.trace;
      if (!operation) return;
      const { span } = operation;
      if (span.isRecording()) {
        if (record.type) span.updateName(record.name ? `${record.type} ${record.name}` : record.type);
        span.setAttributes({
          ...(record.name ? { 'graphql.operation.name': record.name } : {}),
          ...(record.type ? { 'graphql.operation.type': record.type } : {}),
          'gateway.correlation_id': state.correlationId,
          'gateway.outcome': outcome,
          'gateway.upstream_calls': record.stats?.upstreamCalls ?? 0,
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
