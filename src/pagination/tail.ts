import type { PageWindow } from '../upstream/types.js';
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
 * Decides, purely, the rest of a `last: count` page without `before` once the total
 * is known: the slice is the last `count` items at or after `lowerBound`.
 *
 * The first call holds [0, min(count, total)); only the part of the slice beyond it
 * is planned. So when the slice is empty or total <= count there is no second call,
 * and when total < 2·count the rest is always one window (page 2 of size count
 * covers it): 2 calls at most. For larger totals the tail [total - count, total) is
 * planned on its own and takes two windows when no single one covers it, so such a
 * page costs 3 calls. How often depends on count: for count <= 1000 it has never
 * been seen (checked exhaustively for starts below 3·10^6 and on random starts below
 * 2^31); above 1000 it is rare at first (0.14% of starts below 10^6 at 1500) and the
 * rule near 2000 (one window of 2000 covers the tail only when total is a multiple
 * of 2000).
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
  return { start, end, windows: rest < end ? planWindows(rest, end, maxPageSize) : [] };
}
