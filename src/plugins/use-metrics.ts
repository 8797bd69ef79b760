import type { Plugin } from 'graphql-yoga';
import type { GatewayMetrics } from '../observability/metrics.js';
import { METRICS_PATH } from '../observability/metrics-endpoint.js';
import { durationMsOf, operationRecordOf, summarizeResult } from './operation-record.js';

/**
 * Records each operation's duration, outcome and error codes, and serves the registry
 * in Prometheus text format at `/metrics` unless `servePath` is false (METRICS_PORT
 * set: main.ts serves it on that port alone). Reads the operation record, so it comes
 * after `useOperationRecord()` in the plugin list.
 */
export function useMetrics(metrics: GatewayMetrics, { servePath = true }: { servePath?: boolean } = {}): Plugin {
  const started = new WeakSet<Request>();
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (!servePath || url.pathname !== METRICS_PATH || request.method !== 'GET') return;
      return metrics.registry.metrics().then((body) => {
        endResponse(new fetchAPI.Response(body, { status: 200, headers: { 'content-type': metrics.registry.contentType } }));
      });
    },
    onParams({ request }) {
      started.add(request);
      metrics.operationStarted();
    },
    onResultProcess({ request, result }) {
      const record = operationRecordOf(request);
      if (!record || !started.delete(request)) return;
      const { outcome, errorCodes } = summarizeResult(result);
      metrics.operationFinished({ operationName: record.name, outcome, durationMs: durationMsOf(record), errorCodes });
    },
  };
}
