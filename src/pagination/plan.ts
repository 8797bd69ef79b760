import { MAX_PAGE_SIZE } from '../model/audit-log.js';
import type { PageWindow } from '../model/window.js';

function assertOffset(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
}

/**
 * The smallest page size p in [from, to] for which `windows` consecutive upstream
 * windows of size p cover [start, end); 0 when there is none.
 *
 * With k = floor(start / p), windows k+1 .. k+windows cover [k·p, (k+windows)·p),
 * so p works iff (k + windows)·p >= end, i.e. p >= ceil(end / (k + windows)).
 * When p fails, every p' between p and that bound fails too (k' <= k makes the
 * bound for p' at least as large), so the search jumps straight to the bound. It
 * visits one p per distinct value of k, never more than `to - from + 1`.
 */
function smallestPageSize(start: number, end: number, from: number, to: number, windows: number): number {
  let p = from;
  while (p <= to) {
    const bound = Math.ceil(end / (Math.floor(start / p) + windows));
    if (bound <= p) return p;
    p = bound;
  }
  return 0;
}

/**
 * The upstream windows to fetch for the half-open slice [start, end) of a walk's
 * result set (0-based offsets, newest first).
 *
 * - One window whenever a single `PageNumber`/`PageSize` window covers the slice;
 *   of those, the one with the smallest page size (least transfer). A walk with a
 *   constant page size n (start = k·n, n items) always gets `{ k+1, n }`.
 * - Otherwise two consecutive windows of the smallest page size that covers the
 *   slice in two (page size = end - start always does).
 * - An empty slice still needs one call to learn the total (for `totalCount` and
 *   `pageInfo`): `{ pageNumber: 1, pageSize: 1 }`, the cheapest call there is, and
 *   the same for every empty slice so identical requests can be shared.
 *
 * Throws RangeError (a programming error, not a user error) when the slice is not
 * a valid range of at most `maxPageSize` items.
 */
export function planWindows(start: number, end: number, maxPageSize: number = MAX_PAGE_SIZE): PageWindow[] {
  assertOffset('start', start);
  assertOffset('end', end);
  if (!Number.isSafeInteger(maxPageSize) || maxPageSize < 1) {
    throw new RangeError(`maxPageSize must be a positive integer, got ${maxPageSize}`);
  }
  const count = end - start;
  if (count < 0 || count > maxPageSize) {
    throw new RangeError(`cannot plan the slice [${start}, ${end}): it must hold 0..${maxPageSize} items`);
  }
  if (count === 0) return [{ pageNumber: 1, pageSize: 1 }];

  const single = smallestPageSize(start, end, count, maxPageSize, 1);
  if (single > 0) return [{ pageNumber: Math.floor(start / single) + 1, pageSize: single }];

  // Two windows of size p cover at most 2p items, so p >= ceil(count / 2); p = count always works.
  const pageSize = smallestPageSize(start, end, Math.ceil(count / 2), count, 2);
  const pageNumber = Math.floor(start / pageSize) + 1;
  return [
    { pageNumber, pageSize },
    { pageNumber: pageNumber + 1, pageSize },
  ];
}

/**
 * The single PageNumber/PageSize window that holds the positions [from, to) of a
 * result set, or, when none does (windows are aligned to their size), the one that
 * holds the longest suffix of it: every window holding the last position (to - 1) is
 * tried, and the one reaching furthest back wins (the smaller page size on ties,
 * for less transfer). Pure. `to - from` must be 1..maxPageSize; an empty range
 * gives the cheapest window there is.
 */
export function suffixWindow(from: number, to: number, maxPageSize: number = MAX_PAGE_SIZE): PageWindow {
  const windows = planWindows(from, to, maxPageSize);
  if (windows.length === 1 || to <= from) return windows[0]!;
  let best = { start: to, window: { pageNumber: 1, pageSize: 1 } };
  for (let pageSize = 1; pageSize <= maxPageSize; pageSize++) {
    const index = Math.floor((to - 1) / pageSize);
    const start = Math.max(index * pageSize, from);
    if (start < best.start) best = { start, window: { pageNumber: index + 1, pageSize } };
    if (start === from) break;
  }
  return best.window;
}
