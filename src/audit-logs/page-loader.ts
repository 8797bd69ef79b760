import DataLoader from 'dataloader';
import { buildSearchParams } from '../upstream/query.js';
import type { AuditLogQuery, ForwardedHeaders, PageWindow, UpstreamClient, UpstreamPage } from '../upstream/types.js';

export interface PageRequest {
  query: AuditLogQuery;
  window: PageWindow;
}

export interface PageLoader {
  load(request: PageRequest): Promise<UpstreamPage>;
}

/**
 * One per request: identical upstream requests of an operation (aliases, repeated
 * fields) share one call. The headers are the request's own, so nothing is shared
 * across callers.
 */
export function createPageLoader(
  upstream: UpstreamClient,
  headers: () => ForwardedHeaders,
  stats: { upstreamCalls: number },
): PageLoader {
  return new DataLoader<PageRequest, UpstreamPage, string>(
    async ([request]) => {
      stats.upstreamCalls += 1;
      return [await upstream.listAuditLogs({ ...request!, headers: headers() })];
    },
    { batch: false, cacheKeyFn: ({ query, window }) => buildSearchParams(query, window) },
  );
}
