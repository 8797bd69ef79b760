import { GatewayError } from '../errors.js';
import { callerIdentity } from '../model/caller.js';
import type { UpstreamPage } from '../model/audit-log.js';
import { errorForTransportFailure } from './errors.js';
import { buildSearchParams } from './query.js';
import type { ListAuditLogsRequest, UpstreamClient } from './types.js';

/**
 * Sharing identical upstream calls across GraphQL operations, both off by default:
 * coalescing calls in flight, and a short-lived cache of pages. "Identical" is
 * `upstreamCallKey`: the same caller and the same query, so two callers never share.
 */

export interface SharedCallOptions {
  /** Coalesce identical upstream calls in flight across operations (UPSTREAM_COALESCE). */
  coalesce: boolean;
  /** Serve identical calls from memory for this long; 0: no cache (UPSTREAM_CACHE_TTL_MS). */
  cacheTtlMs: number;
  /** Items all cached pages may hold together (UPSTREAM_CACHE_MAX_ITEMS). */
  cacheMaxItems: number;
  /** Clock, epoch ms. */
  now?: () => number;
}

/**
 * The upstream client with the sharing a deployment asked for. The cache sits outside
 * coalescing, so concurrent misses of one key still make a single call.
 */
export function shareUpstreamCalls(upstream: UpstreamClient, options: SharedCallOptions): UpstreamClient {
  let client = upstream;
  if (options.coalesce) client = withCoalescing(client);
  if (options.cacheTtlMs > 0) client = withResponseCache(client, { ttlMs: options.cacheTtlMs, maxItems: options.cacheMaxItems, now: options.now });
  return client;
}

/**
 * What makes two upstream calls the same call: the caller as the upstream sees it
 * (`callerIdentity`: the same token and tenant however the headers are spelled) and
 * the whole query string. Two callers never share a key, so nothing one caller may
 * see reaches another. The correlation id and trace context are left out: they
 * label a call, they do not change its answer. Neither header value can hold a line
 * break, so the parts cannot run into each other.
 */
export function upstreamCallKey(request: ListAuditLogsRequest): string {
  return `${callerIdentity(request.headers)}\n${buildSearchParams(request.query, request.window)}`;
}

/**
 * Coalesces identical upstream calls in flight at the same moment, across GraphQL
 * operations: the second caller of a call that is already on its way waits for its
 * answer instead of sending another. "Identical" is `upstreamCallKey`: the same
 * credentials and the same query, so two callers are never merged.
 *
 * The shared call carries the first caller's correlation id and trace context, and
 * belongs to none of the callers: one that gives up (its signal aborts) stops
 * waiting, the call goes on for the others. Each caller gets its own copy of an
 * error, since the error is stamped with the caller's correlation id later on.
 * Pages are shared as they are: nothing downstream modifies them.
 */
function withCoalescing(upstream: UpstreamClient): UpstreamClient {
  const inFlight = new Map<string, Promise<UpstreamPage>>();

  function listAuditLogs(request: ListAuditLogsRequest): Promise<UpstreamPage> {
    const key = upstreamCallKey(request);
    const shared = inFlight.get(key);
    if (shared !== undefined) return follow(shared, request.signal);

    const { signal, ...detached } = request;
    const call = upstream.listAuditLogs(detached);
    inFlight.set(key, call);
    const forget = (): void => {
      if (inFlight.get(key) === call) inFlight.delete(key);
    };
    call.then(forget, forget);
    return signal === undefined ? call : abandonable(call, signal);
  }

  return { ...upstream, listAuditLogs };
}

/** A follower's view of a shared call: its own copy of an error, its own way out. */
function follow(call: Promise<UpstreamPage>, signal: AbortSignal | undefined): Promise<UpstreamPage> {
  const own = call.catch((error: unknown) => {
    throw copyOf(error);
  });
  return signal === undefined ? own : abandonable(own, signal);
}

function copyOf(error: unknown): unknown {
  if (!(error instanceof GatewayError)) return error;
  const copy = new GatewayError(error.code, error.message, { cause: error });
  (copy as { extensions: Record<string, unknown> }).extensions = { ...error.extensions };
  return copy;
}

/** Settles with `call`, or fails as soon as `signal` aborts (the call itself goes on). */
function abandonable(call: Promise<UpstreamPage>, signal: AbortSignal): Promise<UpstreamPage> {
  if (signal.aborted) return Promise.reject(errorForTransportFailure(signal.reason));
  return new Promise<UpstreamPage>((resolve, reject) => {
    const onAbort = (): void => reject(errorForTransportFailure(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    call.then(
      (page) => {
        signal.removeEventListener('abort', onAbort);
        resolve(page);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

interface ResponseCacheOptions {
  /** How long a page is served from memory after it arrived. */
  ttlMs: number;
  /** Upper bound on the items held by all cached pages together (memory). */
  maxItems: number;
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
function withResponseCache(upstream: UpstreamClient, options: ResponseCacheOptions): UpstreamClient {
  const { ttlMs } = options;
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError('ttlMs must be a positive number');
  const { maxItems } = options;
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
