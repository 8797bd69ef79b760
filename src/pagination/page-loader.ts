import { buildSearchParams } from '../upstream/query.js';
import type { PageWindow } from '../model/window.js';
import type { CallBudget, UpstreamClient } from '../upstream/types.js';
import type { ForwardedHeaders } from '../model/caller.js';
import type { AuditLogQuery, UpstreamPage } from '../model/audit-log.js';

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
 * across callers. A failed call is forgotten, so a later field of the operation may
 * try again. (A map of promises: nothing here needs DataLoader's batching.)
 */
export function createPageLoader(
  upstream: UpstreamClient,
  headers: () => ForwardedHeaders,
  stats: { upstreamCalls: number },
  budget?: CallBudget,
): PageLoader {
  const calls = new Map<string, Promise<UpstreamPage>>();
  return {
    load(request) {
      const key = buildSearchParams(request.query, request.window);
      let call = calls.get(key);
      if (call === undefined) {
        call = callUpstream(request);
        calls.set(key, call);
        call.catch(() => calls.delete(key));
      }
      return call;
    },
  };

  async function callUpstream(request: PageRequest): Promise<UpstreamPage> {
    stats.upstreamCalls += 1;
    return upstream.listAuditLogs({ query: request.query, window: request.window, headers: headers(), budget });
  }
}
