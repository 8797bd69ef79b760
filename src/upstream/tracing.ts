import { SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import { GatewayError } from '../errors.js';
import type { ForwardedHeaders } from '../model/caller.js';
import { contextFromTraceHeaders, traceHeadersOfSpan, type SpanStarter } from '../observability/tracing.js';
import type { UpstreamClient } from './types.js';

// Semantic-convention attribute names, spelled out: the conventions package is large.
const ATTR_HTTP_REQUEST_METHOD = 'http.request.method';
const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
const ATTR_ERROR_TYPE = 'error.type';

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
      const parent = contextFromTraceHeaders(request.headers);
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
