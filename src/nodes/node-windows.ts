import type { TimeWindow } from '../model/window.js';
import { nodeKeyString, type AuditLogNodeKey } from './node-id.js';

/**
 * Planning the upstream calls that find audit logs by global id. The upstream
 * has no get-by-id endpoint, so each item is found by listing a narrow time
 * window around its timestamp and matching the upstream `id` inside it.
 * Everything here is pure; the node loader does the I/O.
 */

/** One upstream call: a page of a time window, and the keys it is meant to find. */
export interface NodeWindowRequest {
  window: TimeWindow;
  pageNumber: number;
  keys: AuditLogNodeKey[];
  /** Set when the lookup's ordinary page size is too small: a crowded single second (see `settleWindowPage`). */
  pageSize?: number;
}

/** What a fetched page settles, and what is left to fetch. */
export interface SettledWindowPage<T> {
  found: Array<{ key: AuditLogNodeKey; item: T }>;
  /** Keys whose item is surely not in the upstream (any more): they resolve to null. */
  absent: AuditLogNodeKey[];
  /** Follow-up calls for keys the page could not settle (only when the window held more than a page). */
  next: NodeWindowRequest[];
}

const SECOND_MS = 1000;

/**
 * The `PageSize` of a node lookup's window (node, nodes, _entities). Lookups spend
 * the budget like any call, so they ask for small pages: 100 lookups of distinct
 * windows spend 5000 items, the default UPSTREAM_BUDGET_ITEMS.
 */
export const LOOKUP_PAGE_SIZE = 50;

/**
 * Windows whose span stays within this are merged into one call. An hour of audit
 * logs is assumed to fit in one 2000-item page for most tenants; when it does not,
 * the loader narrows the window (see `settleWindowPage`), so a wrong guess costs
 * calls, never correctness.
 */
export const DEFAULT_MAX_MERGED_SPAN_MS = 60 * 60 * SECOND_MS;

/**
 * The narrowest window that surely holds an item of this timestamp: the whole
 * second around it, [⌊t⌋s, ⌊t⌋s + 1s]. Padded outward to whole seconds so an
 * upstream that keeps sub-millisecond digits (.NET ticks) or compares dates at
 * second precision still finds it.
 */
export function windowAround(timestampMs: number): TimeWindow {
  const start = Math.floor(timestampMs / SECOND_MS) * SECOND_MS;
  return { start, end: start + SECOND_MS };
}

const span = (window: TimeWindow): number => window.end - window.start;

/**
 * Groups keys into as few windows as possible: sorted by time, each key's
 * narrowest window joins the previous window when the merged window spans at
 * most `maxSpanMs` (a window around a single second is never split). Keys in the
 * same second always share a window. Every key lands in exactly one window, and
 * the window covers its narrowest window.
 */
export function planNodeWindows(
  keys: readonly AuditLogNodeKey[],
  maxSpanMs: number = DEFAULT_MAX_MERGED_SPAN_MS,
): NodeWindowRequest[] {
  const sorted = [...keys].sort((a, b) => a.timestampMs - b.timestampMs);
  const requests: NodeWindowRequest[] = [];
  let current: NodeWindowRequest | undefined;
  for (const key of sorted) {
    const around = windowAround(key.timestampMs);
    if (current !== undefined) {
      const merged = { start: current.window.start, end: Math.max(current.window.end, around.end) };
      if (span(merged) <= Math.max(maxSpanMs, span(around))) {
        current.window = merged;
        current.keys.push(key);
        continue;
      }
    }
    current = { window: around, pageNumber: 1, keys: [key] };
    requests.push(current);
  }
  return requests;
}

/** An upstream item as far as matching needs it. */
export interface MatchableItem {
  auditLogId: string;
  timestamp: Date;
}

const keyOf = (auditLogId: string, timestampMs: number): string => nodeKeyString({ timestampMs, auditLogId });

/**
 * Settles the keys of `request` against the page the upstream returned for it
 * (newest first, `pageSize` items at most, `totalCount` in the whole window).
 *
 * - A key matches an item with the same upstream id and timestamp (timestamps can
 *   tie, so the id decides; the timestamp must agree too, so a node's id is the id
 *   it was asked for).
 * - When the window held no more than this page, an unmatched key is absent.
 * - Otherwise the page covers [oldest item, window end]: a key newer than the
 *   oldest item would have been on it, so it is absent; the older keys are looked
 *   up again, in windows at most half the span the page covered (the upstream's
 *   density there said a wider one would overflow again), or, when the window is
 *   already the narrowest for its keys, on the next page of the same window (in
 *   pages of `crowdedPageSize` from then on: a second that overflows a small page is
 *   read in large ones, which the operation's budget pays for).
 *   Each follow-up is strictly narrower or a later page, so this terminates.
 */
export function settleWindowPage<T extends MatchableItem>(
  request: NodeWindowRequest,
  page: { items: readonly T[]; totalCount: number },
  defaultPageSize: number,
  crowdedPageSize: number = defaultPageSize,
): SettledWindowPage<T> {
  const pageSize = request.pageSize ?? defaultPageSize;
  const byKey = new Map<string, T>();
  for (const item of page.items) byKey.set(keyOf(item.auditLogId, item.timestamp.getTime()), item);

  const found: SettledWindowPage<T>['found'] = [];
  const unmatched: AuditLogNodeKey[] = [];
  for (const key of request.keys) {
    const item = byKey.get(keyOf(key.auditLogId, key.timestampMs));
    if (item !== undefined) found.push({ key, item });
    else unmatched.push(key);
  }

  const seen = (request.pageNumber - 1) * pageSize + page.items.length;
  const oldest = page.items.at(-1);
  if (unmatched.length === 0 || oldest === undefined || page.items.length < pageSize || seen >= page.totalCount) {
    return { found, absent: unmatched, next: [] };
  }

  const oldestMs = oldest.timestamp.getTime();
  const absent = unmatched.filter((key) => key.timestampMs > oldestMs);
  const remaining = unmatched.filter((key) => key.timestampMs <= oldestMs);
  if (remaining.length === 0) return { found, absent, next: [] };

  const narrowest = remaining.every((key) => {
    const around = windowAround(key.timestampMs);
    return around.start === request.window.start && around.end === request.window.end;
  });
  if (narrowest) {
    // One second holds more than a small page: read it again in pages of the crowded size.
    const next: NodeWindowRequest =
      pageSize < crowdedPageSize
        ? { window: request.window, pageNumber: 1, keys: remaining, pageSize: crowdedPageSize }
        : { window: request.window, pageNumber: request.pageNumber + 1, keys: remaining, ...(request.pageSize === undefined ? {} : { pageSize }) };
    return { found, absent, next: [next] };
  }
  const covered = Math.max(0, request.window.end - oldestMs);
  return { found, absent, next: planNodeWindows(remaining, Math.floor(covered / 2)) };
}
