import { badUserInput } from '../errors.js';
import { decodeCursorArgs, type CursorCodec } from '../pagination/cursor.js';
import { planWindows, sliceFromWindows } from '../pagination/plan.js';
import type { PageWindow } from '../pagination/window.js';
import type { AuditLogQuery, AuditLogRecord } from '../upstream/types.js';
import type { EventCursorCodec } from './event-cursor.js';
import { toTailItem, type ResumePoint } from './items.js';

export type { ResumePoint };

export interface ResumeDeps {
  /** Fingerprint of the subscription's filter: a cursor of another filter is BAD_USER_INPUT. */
  fingerprint: string;
  filterQuery: Omit<AuditLogQuery, 'startDate' | 'endDate'>;
  events: EventCursorCodec;
  pages: CursorCodec;
  /** One upstream read with the subscriber's own headers. */
  read(query: AuditLogQuery, window: PageWindow): Promise<{ items: AuditLogRecord[] }>;
}

/** How many logs after a page cursor's own are read to find those sharing its timestamp. */
const TIE_SCAN = 100;

/**
 * Where a stream resumes, from the `after` argument: the one place that knows
 * cursor formats. An event cursor carries its point; a page cursor points at a log,
 * which is read (one or two upstream calls): the stream resumes after that log and
 * after the logs sharing its timestamp that follow it in the walk's order (older in
 * upstream order, so the page reader has not seen them as newer). null for no cursor.
 */
export async function resumePointFromCursor(cursor: string | null | undefined, deps: ResumeDeps): Promise<ResumePoint | null> {
  if (cursor == null || cursor === '') return null;
  if (deps.events.looksLikeOne(cursor)) return deps.events.decode(cursor, deps.fingerprint);

  const decoded = decodeCursorArgs(deps.pages, deps.fingerprint, { after: cursor });
  const offset = decoded.after!;
  const walk = decoded.window!;
  const query: AuditLogQuery = {
    ...deps.filterQuery,
    startDate: new Date(walk.start).toISOString(),
    endDate: new Date(walk.end).toISOString(),
  };
  const windows = planWindows(offset, offset + TIE_SCAN);
  const pages = await Promise.all(windows.map((window) => deps.read(query, window)));
  const items = sliceFromWindows(windows, pages.map((page) => page.items), offset, offset + TIE_SCAN).map(toTailItem);
  const log = items[0];
  if (log === undefined) throw badUserInput('"after" points at an audit log that is no longer there; resume without it.');
  const ties = items.filter((item) => item.timestamp === log.timestamp).map((item) => item.record.auditLogId);
  return { timestamp: log.timestamp, ids: ties };
}
