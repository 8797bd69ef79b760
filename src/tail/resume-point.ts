import { isAbsentCursor, decodeCursorArgs, type Boundary, type CursorCodec } from '../pagination/cursor.js';
import { idDigest } from '../model/placed-log.js';
import type { PageWindow } from '../model/window.js';
import { MAX_PAGE_SIZE, type AuditLogQuery, type AuditLogRecord } from '../model/audit-log.js';
import type { EventCursorCodec } from './event-cursor.js';
import type { ResumePoint } from './items.js';

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

/**
 * Where a stream resumes, from the `after` argument: the one place that knows
 * cursor formats. An event cursor carries its point; a page cursor names a log and
 * its timestamp, whose ties are read (one upstream call): the stream resumes after
 * that log and after the ties that follow it in upstream order (a page walk reads
 * them as older, so they are not newer than it). null for no cursor.
 */
export async function resumePointFromCursor(cursor: string | null | undefined, deps: ResumeDeps): Promise<ResumePoint | null> {
  if (isAbsentCursor(cursor)) return null;
  if (deps.events.looksLikeOne(cursor)) return deps.events.decode(cursor, deps.fingerprint);

  const boundary = decodeCursorArgs(deps.pages, deps.fingerprint, { after: cursor }).after!;
  // The logs at the boundary's exact timestamp, in upstream order (one call).
  const query: AuditLogQuery = { ...deps.filterQuery, startDate: boundary.timestamp, endDate: boundary.timestamp };
  const { items } = await deps.read(query, { pageNumber: 1, pageSize: MAX_PAGE_SIZE });
  const ties = items.map((record) => record.auditLogId);
  return { timestamp: boundary.timestamp, ids: seenTies(boundary, ties) };
}

/**
 * Of the logs at a page cursor's timestamp (upstream order), those the stream counts
 * as delivered: the cursor's own log and the ties after it, which a page walk reads as
 * older. The ties before it are newer than the cursor's log, so the stream delivers
 * them. When the own log is gone, the cursor's listed ties decide. Pure.
 */
export function seenTies(boundary: Boundary, ties: readonly string[]): string[] {
  const own = boundary.side === 'newer' ? boundary.ids.at(-1)! : boundary.ids[0]!;
  const at = ties.findIndex((id) => idDigest(id) === own);
  if (at >= 0) return ties.slice(at);
  const listed = new Set(boundary.ids);
  // A `newer` cursor lists the ties before its own log (newer: deliver them); an `older` one those after it (seen).
  return boundary.side === 'newer' ? ties.filter((id) => !listed.has(idDigest(id))) : ties.filter((id) => listed.has(idDigest(id)));
}
