import type { PageWindow } from './window.js';
import { MAX_PAGE_SIZE, planWindows } from './plan.js';

/**
 * The first call of `last: count` without `before`: the newest `count` items. It
 * learns the total, and when the result set holds at most `count` items it already
 * is the answer. Follow it with `planTailFollowUp`.
 */
export function planTail(count: number): PageWindow {
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${count}`);
  return { pageNumber: 1, pageSize: count };
}

export interface TailFollowUpInput {
  /** `last`. */
  count: number;
  /** The first offset the page may hold: after + 1, else 0. */
  lowerBound: number;
  /** The total the first call (`planTail`) reported. */
  total: number;
  maxPageSize?: number;
}

/** The rest of a `last` (no `before`) page once the first call told the total. */
export interface TailPlan {
  /** The page is the slice [start, end) of the result set. */
  start: number;
  end: number;
  /**
   * Windows still to fetch besides the first call; empty when the first call
   * already holds the whole slice. Cut the page out with
   * `sliceFromWindows([planTail(count), ...windows], [firstPage, ...pages], start, end)`.
   */
  windows: PageWindow[];
}

/**
 * The single window that holds the longest suffix of [minStart, end): every window
 * holding the last item (end - 1) is tried, and the one reaching furthest back wins
 * (the smaller page size on ties, for less transfer).
 */
function longestCoveredSuffix(minStart: number, end: number, maxPageSize: number): { start: number; window: PageWindow } {
  let best = { start: end, window: { pageNumber: 1, pageSize: 1 } };
  for (let pageSize = 1; pageSize <= maxPageSize; pageSize++) {
    const index = Math.floor((end - 1) / pageSize);
    const start = Math.max(index * pageSize, minStart);
    if (start < best.start) best = { start, window: { pageNumber: index + 1, pageSize } };
    if (start === minStart) break;
  }
  return best;
}

/**
 * Decides, purely, the rest of a `last: count` page without `before` once the total
 * is known: the slice is the last `count` items at or after `lowerBound`, in at most
 * one more call (two in all, as the contract promises).
 *
 * The first call holds [0, min(count, total)); only the part of the slice beyond it
 * is planned. So when the slice is empty or total <= count there is no second call,
 * and when total < 2·count the rest is always one window (page 2 of size count
 * covers it). For larger totals the tail [total - count, total) usually fits one
 * window too (always for count <= 1000 in exhaustive checks); when it does not
 * (large `last`, e.g. 2000 of 5001), the page is cut to the longest suffix one window
 * holds: fewer items than `last`, the oldest ones, with `hasPreviousPage` true, so a
 * client walking backward with `before` loses nothing.
 */
export function planTailFollowUp({ count, lowerBound, total, maxPageSize = MAX_PAGE_SIZE }: TailFollowUpInput): TailPlan {
  planTail(count);
  for (const [name, value] of [
    ['lowerBound', lowerBound],
    ['total', total],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
  const start = Math.max(lowerBound, total - count);
  const end = Math.max(start, total);
  const rest = Math.max(start, Math.min(count, total));
  if (rest >= end) return { start, end, windows: [] };
  const windows = planWindows(rest, end, maxPageSize);
  if (windows.length === 1) return { start, end, windows };
  const suffix = longestCoveredSuffix(rest, end, maxPageSize);
  return { start: suffix.start, end, windows: [suffix.window] };
}
