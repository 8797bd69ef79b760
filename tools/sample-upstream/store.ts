import { randomUUID } from 'node:crypto';
import { normalizeUuid, parseDateTime, subMillisecondNanos } from './params.js';
import { SAMPLE_CUSTOMERS, SAMPLE_RESELLERS, compareNewestFirst } from './seed.js';
import type { PaginationParameters, SampleLog, SampleLogInput, SamplePage, SampleQuery } from './types.js';

/**
 * A stored log with everything filtering needs precomputed, so a query is one
 * pass of cheap comparisons, and its JSON, so a page is serialised by joining.
 */
export interface StoreEntry {
  readonly log: SampleLog;
  readonly json: string;
  readonly ms: number;
  /** Nanoseconds past `ms` (the timestamp's digits finer than a millisecond), so ties and bounds are exact. */
  readonly sub: number;
  readonly id: string;
  readonly operation: string | undefined;
  readonly status: string | undefined;
  readonly resellerName: string | undefined;
  readonly customerName: string | undefined;
  readonly resellerId: string | undefined;
}

export interface SampleStore {
  /** Stores a log, filling missing fields (timestamp defaults to now); returns the stored log. */
  insert(log?: SampleLogInput): SampleLog;
  /** Removes the logs with these ids; returns how many were stored. */
  delete(ids: readonly string[]): number;
  /**
   * Changes a stored log (e.g. its status, or its timestamp, which moves it); the id
   * stays. Returns the stored log, or undefined when no log has that id.
   */
  update(id: string, changes: SampleLogInput): SampleLog | undefined;
  /** Every stored log, newest first. */
  all(): SampleLog[];
  /** One page of the logs matching `query`, as the upstream would answer it. */
  query(query: SampleQuery): SamplePage;
  /** The same page as the upstream's 200 body, already serialised. */
  queryJson(query: SampleQuery): string;
  readonly size: number;
  clear(): void;
}

export interface SampleStoreOptions {
  logs?: readonly SampleLogInput[];
  /** Epoch milliseconds "now", for default timestamps. Default Date.now. */
  clock?: () => number;
}

export function createSampleStore({ logs = [], clock = Date.now }: SampleStoreOptions = {}): SampleStore {
  let entries: StoreEntry[] = [];
  const ids = new Set<string>();

  const add = (input: SampleLogInput): StoreEntry => {
    const entry = toEntry(fillLog(input, clock()));
    if (ids.has(entry.id)) throw new Error(`A log with id ${entry.id} is already stored`);
    ids.add(entry.id);
    return entry;
  };

  entries = logs.map(add).sort(compareNewestFirst);

  return {
    insert(input = {}) {
      const entry = add(input);
      entries.splice(insertionIndex(entries, entry), 0, entry);
      return entry.log;
    },
    delete(remove) {
      const gone = new Set(remove.filter((id) => ids.delete(id)));
      if (gone.size > 0) entries = entries.filter((e) => !gone.has(e.id));
      return gone.size;
    },
    update(id, changes) {
      const index = entries.findIndex((e) => e.id === id);
      if (index === -1) return undefined;
      const entry = toEntry(fillLog({ ...entries[index]!.log, ...changes, id }, clock()));
      entries.splice(index, 1);
      entries.splice(insertionIndex(entries, entry), 0, entry);
      return entry.log;
    },
    all: () => entries.map((e) => e.log),
    query(query) {
      const { page, totalCount } = selectPage(entries, query);
      return { items: page.map((e) => e.log), paginationParameters: paginate(totalCount, query.pageNumber, query.pageSize) };
    },
    queryJson(query) {
      const { page, totalCount } = selectPage(entries, query);
      return pageJson(page, paginate(totalCount, query.pageNumber, query.pageSize));
    },
    get size() {
      return entries.length;
    },
    clear() {
      entries = [];
      ids.clear();
    },
  };
}

/** The upstream's 200 body for a page of entries; each item's JSON is reused, not re-serialised. */
export function pageJson(page: readonly StoreEntry[], pagination: PaginationParameters): string {
  let items = '';
  for (let i = 0; i < page.length; i++) items += (i === 0 ? '' : ',') + (page[i] as StoreEntry).json;
  return `{"items":[${items}],"paginationParameters":${JSON.stringify(pagination)},"continuationToken":null}`;
}

/** Missing fields filled with sample values; key order as the documented item has them, extra keys kept after. */
export function fillLog(input: SampleLogInput, nowMs: number): SampleLog {
  const given = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as SampleLogInput;
  if (given.id !== undefined && typeof given.id !== 'string') throw new TypeError('id must be a string');
  if (given.timestamp !== undefined && (typeof given.timestamp !== 'string' || parseDateTime(given.timestamp) === undefined)) {
    throw new TypeError('timestamp must be an ISO-8601 date-time string');
  }
  const customer = SAMPLE_CUSTOMERS.find((c) => c.id === given.customerId) ?? (SAMPLE_CUSTOMERS[0] as (typeof SAMPLE_CUSTOMERS)[0]);
  const reseller =
    SAMPLE_RESELLERS.find((r) => r.id === given.resellerId) ??
    (SAMPLE_RESELLERS.find((r) => r.id === customer.resellerId) as (typeof SAMPLE_RESELLERS)[0]);
  const defaults: SampleLog = {
    id: randomUUID(),
    timestamp: new Date(nowMs).toISOString(),
    operation: 'CreateOrder',
    status: 'Succeded',
    resellerId: reseller.id,
    resellerName: reseller.name,
    customerId: customer.id,
    customerName: customer.name,
    userName: 'alice@contoso.example',
    correlationId: randomUUID(),
    details: `Order created for ${customer.name}`,
  };
  return { ...defaults, ...given } as SampleLog;
}

/** Freezes the log so its precomputed JSON can never go stale. */
export function toEntry(log: SampleLog): StoreEntry {
  Object.freeze(log);
  return {
    log,
    json: JSON.stringify(log),
    ms: parseDateTime(log.timestamp) as number,
    sub: subMillisecondNanos(log.timestamp),
    id: log.id,
    operation: lower(log.operation),
    status: lower(log.status),
    resellerName: lower(log.resellerName),
    customerName: lower(log.customerName),
    resellerId: typeof log.resellerId === 'string' ? (normalizeUuid(log.resellerId) ?? log.resellerId.toLowerCase()) : undefined,
  };
}

function lower(value: unknown): string | undefined {
  return typeof value === 'string' ? value.toLowerCase() : undefined;
}

/** Where `entry` goes to keep `entries` newest first (after any entry it ties with). */
export function insertionIndex(entries: readonly StoreEntry[], entry: StoreEntry): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareNewestFirst(entries[mid] as StoreEntry, entry) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose timestamp is <= ms + sub ns (entries are newest first). */
function firstAtOrBefore(entries: readonly StoreEntry[], ms: number, sub = 0): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const entry = entries[mid] as StoreEntry;
    if (entry.ms > ms || (entry.ms === ms && entry.sub > sub)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether an entry passes the non-date filters of `query`. */
export function matchesFilters(entry: StoreEntry, query: SampleQuery): boolean {
  if (query.status !== undefined && entry.status !== query.status) return false;
  if (query.resellerId !== undefined && entry.resellerId !== query.resellerId) return false;
  if (query.operations !== undefined && (entry.operation === undefined || !query.operations.includes(entry.operation))) return false;
  if (query.reseller !== undefined && (entry.resellerName === undefined || !entry.resellerName.includes(query.reseller))) return false;
  if (query.customer !== undefined && (entry.customerName === undefined || !entry.customerName.includes(query.customer))) return false;
  return true;
}

/**
 * The entries of page `query.pageNumber` and the total count of matches. The
 * date window is found by binary search; the other filters take one pass over it.
 */
export function selectPage(entries: readonly StoreEntry[], query: SampleQuery): { page: StoreEntry[]; totalCount: number } {
  const from = firstAtOrBefore(entries, query.endMs, query.endSub);
  // Just before the start: the last nanosecond before it.
  const startSub = query.startSub ?? 0;
  const justBefore = startSub > 0 ? firstAtOrBefore(entries, query.startMs, startSub - 1) : firstAtOrBefore(entries, query.startMs - 1, 999_999);
  const to = Math.max(from, justBefore); // a start after the end is an empty window
  const skip = (query.pageNumber - 1) * query.pageSize;
  const hasFilters =
    query.status !== undefined ||
    query.resellerId !== undefined ||
    query.operations !== undefined ||
    query.reseller !== undefined ||
    query.customer !== undefined;
  if (!hasFilters) {
    const start = Math.min(from + skip, to);
    return { page: entries.slice(start, Math.min(start + query.pageSize, to)), totalCount: to - from };
  }
  const page: StoreEntry[] = [];
  let totalCount = 0;
  for (let i = from; i < to; i++) {
    const entry = entries[i] as StoreEntry;
    if (!matchesFilters(entry, query)) continue;
    if (totalCount >= skip && page.length < query.pageSize) page.push(entry);
    totalCount++;
  }
  return { page, totalCount };
}

/** The upstream's pagination block (PagedList semantics). */
export function paginate(totalCount: number, pageNumber: number, pageSize: number): PaginationParameters {
  const totalPages = Math.ceil(totalCount / pageSize);
  return { totalPages, totalCount, hasPreviousPage: pageNumber > 1, hasNextPage: pageNumber < totalPages };
}
