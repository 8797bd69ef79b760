/** Where a page stands in its result set. */
export interface PagePosition {
  /** Items precede the page. */
  hasPreviousPage: boolean;
  /** Items follow the page. */
  hasNextPage: boolean;
  /** The page's actual slice [start, end), clamped to the result set. */
  start: number;
  end: number;
}

/**
 * Exact `pageInfo` for the slice [start, end) of a result set of `total` items,
 * whichever way the walk goes: `hasPreviousPage` when an item precedes the page,
 * `hasNextPage` when an item follows it. A slice past the end clamps to the empty
 * slice [total, total) (preceded by everything, followed by nothing).
 */
export function pageInfo(start: number, end: number, total: number): PagePosition {
  const clampedStart = Math.min(start, total);
  const clampedEnd = Math.max(clampedStart, Math.min(end, total));
  return {
    hasPreviousPage: clampedStart > 0,
    hasNextPage: clampedEnd < total,
    start: clampedStart,
    end: clampedEnd,
  };
}

