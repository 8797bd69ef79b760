import type { PageWindow } from '../model/window.js';
import { type PlacedLog } from '../model/placed-log.js';
import { compareInstants, parseInstant, type Instant } from '../model/instant.js';
import type { Boundary } from './cursor.js';
import { MAX_PAGE_SIZE } from '../model/audit-log.js';
import { suffixWindow } from './plan.js';

/**
 * The part of a walk a page reads from: the logs strictly between the `after` cut
 * and the `before` cut. Pure: it plans upstream windows and selects logs from what
 * they returned; the resolver does the calls. See docs/pagination.md.
 *
 * Upstream windows: a cut at timestamp T bounds the read with `EndDate = T` (after)
 * or `StartDate = T` (before), T sent back exactly as the upstream wrote it. Logs at
 * T itself are then decided by id (`admits`): which ties the cursor lists, and on
 * which side of its own log.
 */

/** One cut of the walk at a boundary timestamp. */
export interface Cut {
  /** The boundary timestamp as the upstream wrote it. */
  text: string;
  instant: Instant;
  /** Whether a log at exactly this timestamp lies on the page's side of the cut. */
  admits(digest: string): boolean;
  /**
   * How many logs at this timestamp the cut is expected to turn away: exact for
   * listed ids, a hint (what the cursor's read saw) for ties that are not listed.
   */
  expectedDropped: number;
  /** Set when the cut turns away exactly these ids and no other tie (so what lies past a read can be counted). */
  turnsAway: ReadonlySet<string> | null;
}

function cut(boundary: Boundary, listed: ReadonlySet<string>, admitListed: boolean, expectedDropped: number): Cut {
  const instant = parseInstant(boundary.timestamp);
  if (instant === null) throw new RangeError('a boundary timestamp must be ISO-8601');
  return {
    text: boundary.timestamp,
    instant,
    admits: (digest) => listed.has(digest) === admitListed,
    expectedDropped,
    turnsAway: admitListed ? null : listed,
  };
}

const own = (boundary: Boundary): string => (boundary.side === 'newer' ? boundary.ids.at(-1)! : boundary.ids[0]!);

/** Logs after the cursor's log: at its timestamp, the ties not before it in walk order. */
export function afterCut(boundary: Boundary): Cut {
  if (boundary.side === 'newer') return cut(boundary, new Set(boundary.ids), false, boundary.ids.length);
  // The listed older ties are the only ones after it; the newer ones (not listed) are turned away.
  const later = new Set(boundary.ids);
  later.delete(own(boundary));
  return cut(boundary, later, true, boundary.otherSide + 1);
}

/** Logs before the cursor's log: at its timestamp, the ties before it in walk order. */
export function beforeCut(boundary: Boundary): Cut {
  if (boundary.side === 'older') return cut(boundary, new Set(boundary.ids), false, boundary.ids.length);
  const earlier = new Set(boundary.ids);
  earlier.delete(own(boundary));
  return cut(boundary, earlier, true, boundary.otherSide + 1);
}

/** Between `after` (newer side, `hi`) and `before` (older side, `lo`); either may be absent. */
export interface ReadRange {
  hi: Cut | null;
  lo: Cut | null;
}

/** True when the cuts leave no room at all (the before cut is newer than the after cut): no call is needed. */
export function isEmptyRange({ hi, lo }: ReadRange): boolean {
  return hi !== null && lo !== null && compareInstants(lo.instant, hi.instant) > 0;
}

/** Whether a log the upstream returned for the range's window lies strictly between the cuts. */
export function inRange(log: PlacedLog, { hi, lo }: ReadRange): boolean {
  if (hi) {
    const order = compareInstants(log.instant, hi.instant);
    if (order > 0 || (order === 0 && !hi.admits(log.digest))) return false;
  }
  if (lo) {
    const order = compareInstants(log.instant, lo.instant);
    if (order < 0 || (order === 0 && !lo.admits(log.digest))) return false;
  }
  return true;
}

const capped = (size: number): number => Math.min(MAX_PAGE_SIZE, Math.max(1, size));

/**
 * The first (often only) window of a forward page of `count`: page 1 of the range's
 * window, large enough for the logs the after cut turns away, the page and one more
 * (which tells whether another page follows).
 */
export function forwardWindow(count: number, range: ReadRange): PageWindow {
  return { pageNumber: 1, pageSize: firstReadSize(count, range.hi?.expectedDropped ?? 0) };
}

/**
 * What the first read of a page of `count` asks for: the page, one log more (it tells
 * whether another page follows) and the ties a cut is expected to turn away, within
 * the largest page. The budget's estimate counts pages with it too.
 */
export function firstReadSize(count: number, expectedDropped = 0): number {
  return capped(count + 1 + expectedDropped);
}

/** The second window of a forward page whose first read was full but held too few logs of the range: the next one of the same size. */
export function forwardFollowUp(first: PageWindow): PageWindow {
  return { pageNumber: first.pageNumber + 1, pageSize: first.pageSize };
}

export interface ForwardSelection {
  /** The page, newest first. */
  page: PlacedLog[];
  /** Logs of the range follow the page (as of this read). */
  hasMore: boolean;
  /** The read could not tell; one more window (`forwardFollowUp`) would. */
  needMore: boolean;
}

/**
 * The page from a forward read: `read` is the window's logs from its start, in the
 * upstream's order; `exhausted` when the upstream had no more (a short answer);
 * `windowTotal` the totalCount the upstream gave for the window. With `lastCall` the
 * page is what there is (possibly short) and never asks for more.
 */
export function selectForward(
  read: readonly PlacedLog[],
  exhausted: boolean,
  count: number,
  range: ReadRange,
  lastCall: boolean,
  windowTotal = Infinity,
): ForwardSelection {
  const kept: PlacedLog[] = [];
  for (const log of read) {
    if (!inRange(log, range)) continue;
    if (kept.length === count) return { page: kept, hasMore: true, needMore: false };
    kept.push(log);
  }
  if (exhausted || windowTotal <= read.length) return { page: kept, hasMore: false, needMore: false };
  if (kept.length === count && range.lo === null && (range.hi === null || range.hi.turnsAway !== null)) {
    // A full page from a read that stopped one short of telling: count what lies past the read.
    // Only the after cut's listed ids not met yet can be turned away there.
    const turnsAway = range.hi?.turnsAway;
    let unmet = turnsAway?.size ?? 0;
    if (turnsAway) for (const log of read) if (turnsAway.has(log.digest)) unmet--;
    if (windowTotal - read.length > unmet) return { page: kept, hasMore: true, needMore: false };
  }
  if (!lastCall) return { page: kept, hasMore: false, needMore: true };
  // The window held more, beyond what two reads may fetch: they lie in the range unless turned away at a cut.
  return { page: kept, hasMore: true, needMore: false };
}

/**
 * The first window of a backward page: page 1 of the range's window, large enough
 * that a small range is read whole in one call. Its totalCount places the tail.
 */
export function backwardWindow(count: number, range: ReadRange): PageWindow {
  return { pageNumber: 1, pageSize: capped(count + 1 + (range.lo?.expectedDropped ?? 0) + (range.hi?.expectedDropped ?? 0)) };
}

/**
 * The second window of a backward page, once the first told the window's total:
 * one window holding the last logs of the window (the page, one more, and the ties
 * the before cut is expected to turn away), or, when no single window holds them
 * all, the longest such suffix one window holds.
 */
export function backwardFollowUp(count: number, range: ReadRange, total: number): PageWindow {
  const want = capped(count + 1 + (range.lo?.expectedDropped ?? 0));
  return suffixWindow(Math.max(0, total - want), total);
}

/** Logs the upstream returned for a window, placed at their positions in the range's window. */
export interface ReadSegment {
  /** Position of `logs[0]` in the window (0 = newest). */
  offset: number;
  logs: readonly PlacedLog[];
}

export interface BackwardSelection {
  page: PlacedLog[];
  /** Logs of the range precede the page (as of this read). */
  hasMore: boolean;
  /** The contiguous logs the page was cut from (for cursor hints). */
  read: PlacedLog[];
  /** Position of `read[0]` in the window. */
  readOffset: number;
}

/**
 * The page from a backward read: the last `count` logs of the range, cut from the
 * contiguous run of known positions that ends at the window's end (`total`).
 * Positions before that run that no read saw lie in the range unless a cut turns
 * them away, so they count as preceding logs.
 */
export function selectBackward(segments: readonly ReadSegment[], total: number, count: number, range: ReadRange): BackwardSelection {
  const known = new Map<number, PlacedLog>();
  for (const segment of segments) segment.logs.forEach((log, i) => known.set(segment.offset + i, log));
  let start = total;
  while (start > 0 && known.has(start - 1)) start--;
  const read: PlacedLog[] = [];
  for (let position = start; position < total; position++) read.push(known.get(position)!);
  const kept = read.filter((log) => inRange(log, range));
  const page = kept.slice(Math.max(0, kept.length - count));
  let hasMore = kept.length > count;
  if (!hasMore && start > 0) {
    let unseen = false;
    for (let position = 0; position < start && !unseen; position++) {
      const log = known.get(position);
      unseen = log === undefined || inRange(log, range);
    }
    hasMore = unseen;
  }
  return { page, hasMore, read, readOffset: start };
}

/**
 * A backward page's first window when its cursor knows how many logs the window
 * held (`newerCount`, see cursor.ts): the tail it expects, with some room either side
 * for logs written or removed since. Null without a hint; the page then learns the
 * total first (`backwardWindow`).
 */
export function hintedBackwardWindow(count: number, range: ReadRange, newerCount: number): PageWindow | null {
  if (newerCount <= 0) return null;
  const want = capped(count + 1 + (range.lo?.expectedDropped ?? 0));
  const slack = Math.min(Math.ceil(want / 2), 50, Math.floor((MAX_PAGE_SIZE - want) / 2));
  return suffixWindow(Math.max(0, newerCount - want - slack), newerCount + slack);
}

/** Whether a window read for the tail holds it: every position from `total - want` to the end. */
export function holdsTail(window: PageWindow, count: number, range: ReadRange, total: number): boolean {
  const want = capped(count + 1 + (range.lo?.expectedDropped ?? 0));
  const from = (window.pageNumber - 1) * window.pageSize;
  return from <= Math.max(0, total - want) && from + window.pageSize >= total;
}
