import { SETTINGS } from '../settings.js';
import { upstreamCallKey } from './call-key.js';
import type { ListAuditLogsRequest, UpstreamClient } from './types.js';
import type { UpstreamPage } from '../model/audit-log.js';

export interface ResponseCacheOptions {
  /** How long a page is served from memory after it arrived. */
  ttlMs: number;
  /** Upper bound on the items held by all cached pages together (memory). Default 10 000. */
  maxItems?: number;
  /** Clock, epoch ms. */
  now?: () => number;
}

interface Entry {
  page: UpstreamPage;
  expiresAt: number;
}

/**
 * A short-lived cache of successful upstream pages, keyed like coalescing
 * (`upstreamCallKey`: credentials and query), so one caller is never served
 * another's page. Errors are never cached. A page may be up to `ttlMs` old: an
 * audit log whose status changed meanwhile (PROCESSING → SUCCEEDED) shows the old
 * status until then. Least recently stored pages go first once `maxItems` is reached.
 */
export function withResponseCache(upstream: UpstreamClient, options: ResponseCacheOptions): UpstreamClient {
  const { ttlMs } = options;
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError('ttlMs must be a positive number');
  const maxItems = options.maxItems ?? SETTINGS.upstreamCacheMaxItems.default;
  const now = options.now ?? Date.now;
  // Map order is insertion order: the first entries are the oldest.
  const entries = new Map<string, Entry>();
  let items = 0;

  const drop = (key: string, entry: Entry): void => {
    entries.delete(key);
    items -= entry.page.items.length;
  };

  const store = (key: string, page: UpstreamPage): void => {
    const size = page.items.length;
    if (size > maxItems) return;
    const previous = entries.get(key);
    if (previous) drop(key, previous);
    const storedAt = now();
    // Every entry lives ttlMs, so the oldest ones expire first.
    for (const [oldKey, oldEntry] of entries) {
      if (oldEntry.expiresAt > storedAt) break;
      drop(oldKey, oldEntry);
    }
    for (const [oldKey, oldEntry] of entries) {
      if (items + size <= maxItems) break;
      drop(oldKey, oldEntry);
    }
    entries.set(key, { page, expiresAt: storedAt + ttlMs });
    items += size;
  };

  async function listAuditLogs(request: ListAuditLogsRequest): Promise<UpstreamPage> {
    const key = upstreamCallKey(request);
    const cached = entries.get(key);
    if (cached !== undefined) {
      if (cached.expiresAt > now()) return cached.page;
      drop(key, cached);
    }
    const page = await upstream.listAuditLogs(request);
    store(key, page);
    return page;
  }

  return { ...upstream, listAuditLogs };
}
