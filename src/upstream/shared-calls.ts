import { withCoalescing } from './coalesce.js';
import { withResponseCache } from './response-cache.js';
import type { UpstreamClient } from './types.js';

export interface SharedCallOptions {
  /** Coalesce identical upstream calls in flight across operations (same credentials, same query). */
  coalesce?: boolean;
  /** Serve identical calls from memory for this long; 0 or absent: no cache. */
  cacheTtlMs?: number;
  /** Items all cached pages may hold together. */
  cacheMaxItems?: number;
}

/**
 * The upstream client with the cross-operation sharing a deployment asked for;
 * both kinds are off by default. The cache sits outside coalescing, so concurrent
 * misses of one key still make a single call.
 */
export function shareUpstreamCalls(upstream: UpstreamClient, options: SharedCallOptions = {}): UpstreamClient {
  let client = upstream;
  if (options.coalesce) client = withCoalescing(client);
  if (options.cacheTtlMs !== undefined && options.cacheTtlMs > 0) {
    client = withResponseCache(client, { ttlMs: options.cacheTtlMs, maxItems: options.cacheMaxItems });
  }
  return client;
}
