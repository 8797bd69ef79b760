import type { PageWindow } from '../model/window.js';
import { planWindows } from './plan.js';
import { MAX_PAGE_SIZE } from '../model/audit-log.js';

/**
 * The single PageNumber/PageSize window that holds the positions [from, to) of a
 * result set, or, when none does (windows are aligned to their size), the one that
 * holds the longest suffix of it: every window holding the last position (to - 1) is
 * tried, and the one reaching furthest back wins (the smaller page size on ties,
 * for less transfer). Pure. `to - from` must be 1..maxPageSize; an empty range
 * gives the cheapest window there is.
 */
export function tailWindow(from: number, to: number, maxPageSize: number = MAX_PAGE_SIZE): PageWindow {
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
