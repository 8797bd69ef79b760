import type { Plugin } from 'graphql-yoga';
import type { GatewayMetrics } from '../observability/metrics.js';
import { METRICS_PATH } from '../observability/metrics-endpoint.js';
import { durationMsOf, type OperationReporter } from './operation-record.js';

/**
 * Serves the registry in Prometheus text format at `/metrics` unless `servePath` is
 * false (METRICS_PORT set: main.ts serves it on that port alone).
 */
export function useMetrics(metrics: GatewayMetrics, { servePath = true }: { servePath?: boolean } = {}): Plugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (!servePath || url.pathname !== METRICS_PATH || request.method !== 'GET') return;
      return metrics.registry.metrics().then((body) => {
        endResponse(new fetchAPI.Response(body, { status: 200, headers: { 'content-type': metrics.registry.contentType } }));
      });
    },
  };
}

/** Records each operation's duration, outcome and error codes, and the operations in flight. */
export function operationMetricsReporter(metrics: GatewayMetrics): OperationReporter {
  const started = new WeakSet<Request>();
  return {
    started(request) {
      started.add(request);
      metrics.operationStarted();
    },
    finished({ request, record, summary: { outcome, errorCodes } }) {
      if (!started.delete(request)) return;
      metrics.operationFinished({ operationName: record.name, outcome, durationMs: durationMsOf(record), errorCodes });
    },
  };
}
