import { badUserInput } from '../errors.js';
import type { TimeWindow } from '../model/window.js';

/**
 * One calendar month before `at`, in UTC, the way the upstream (.NET `AddMonths(-1)`)
 * counts it: the same day and time of the previous month, or that month's last day
 * when it is shorter (31 March → 28/29 February, not 3 March).
 */
export function oneMonthBefore(at: Date): number {
  const result = new Date(at.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() - 1);
  const lastDay = new Date(result.getTime());
  lastDay.setUTCMonth(lastDay.getUTCMonth() + 1, 0);
  result.setUTCDate(Math.min(day, lastDay.getUTCDate()));
  return result.getTime();
}

function time(name: string, date: Date): number {
  const value = date.getTime();
  if (!Number.isFinite(value)) throw badUserInput(`"${name}" is not a valid date`);
  return value;
}

/**
 * Pins the result set of a new walk. `end` is `endDate`, but never later than
 * `now`, so logs written after the first page was read can never enter the walk;
 * `start` is `startDate`, else one calendar month before `now` (the upstream's
 * documented default, made explicit so every call of the walk sends the same
 * window). A `startDate` after the pinned end gives an empty window; it is passed
 * on as it is.
 */
export function pinWindow(filter: { startDate?: Date | null; endDate?: Date | null }, now: Date): TimeWindow {
  const nowMs = now.getTime();
  if (!Number.isFinite(nowMs)) throw new RangeError('now is not a valid date');
  const end = filter.endDate ? Math.min(time('endDate', filter.endDate), nowMs) : nowMs;
  const start = filter.startDate ? time('startDate', filter.startDate) : oneMonthBefore(now);
  return { start, end };
}
