import { placeLog, type PlacedLog } from '../model/placed-log.js';
import { decodeCursorArgs, type Boundary, type CursorCodec, type WalkState } from './cursor.js';
import { backwardBoundaries, forwardBoundaries } from './edges.js';
import {
  afterCut,
  backwardFollowUp,
  backwardWindow,
  beforeCut,
  forwardFollowUp,
  forwardWindow,
  hintedBackwardWindow,
  holdsTail,
  isEmptyRange,
  selectBackward,
  selectForward,
  type ReadRange,
  type ReadSegment,
} from './range.js';
import { resolveSlice } from './slice.js';
import { pinWindow } from './window.js';
import type { PageWindow } from '../model/window.js';
import type { AuditLogQuery, AuditLogRecord, UpstreamPage } from '../model/audit-log.js';
import { normalizeFilter, type AuditLogFilterArgs } from './filter.js';

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface AuditLogEdgeShape {
  readonly cursor: string;
  readonly node: AuditLogRecord;
}

export interface AuditLogConnectionShape {
  edges: AuditLogEdgeShape[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
}

/** An edge whose cursor is made only if a client asks for it. */
class AuditLogEdge implements AuditLogEdgeShape {
  constructor(
    readonly node: AuditLogRecord,
    private readonly index: number,
    private readonly cursorAt: (index: number) => string,
  ) {}

  get cursor(): string {
    return this.cursorAt(this.index);
  }
}

/** What the reads of one page gave. */
interface PageRead {
  page: PlacedLog[];
  /** The contiguous logs the page was cut from, in upstream order. */
  read: PlacedLog[];
  /** Logs of the range lie beyond the page in its direction. */
  hasMore: boolean;
  /** totalCount of the first call (the whole pinned window when the page has no cursor). */
  firstTotal: number;
  /** Position of `read[0]` in the read's window (backward reads). */
  readOffset?: number;
}

type Load = (window: PageWindow) => Promise<{ items: AuditLogRecord[]; totalCount: number }>;

/** A forward page: one call, a second only when the first was full yet held too few logs of the range. */
async function readForward(load: Load, count: number, range: ReadRange): Promise<PageRead> {
  const first = forwardWindow(count, range);
  const answer = await load(first);
  let read = answer.items.map(placeLog);
  let selection = selectForward(read, read.length < first.pageSize, count, range, false, answer.totalCount);
  if (selection.needMore) {
    const second = forwardFollowUp(first);
    const more = (await load(second)).items.map(placeLog);
    read = read.concat(more);
    selection = selectForward(read, more.length < second.pageSize, count, range, true, answer.totalCount);
  }
  return { page: selection.page, read, hasMore: selection.hasMore, firstTotal: answer.totalCount };
}

/**
 * A backward page: the first call reads a small range whole or learns the window's
 * total; the second reads its tail. When the cursor knows how many logs the window
 * held, the first call reads the expected tail instead, and a second is made only
 * if the total moved too far for it.
 */
async function readBackward(load: Load, count: number, range: ReadRange, newerCount: number): Promise<PageRead> {
  const hinted = hintedBackwardWindow(count, range, newerCount);
  if (hinted !== null) {
    const answer = await load(hinted);
    const total = answer.totalCount;
    if (holdsTail(hinted, count, range, total)) {
      const offset = (hinted.pageNumber - 1) * hinted.pageSize;
      const selection = selectBackward([{ offset, logs: answer.items.map(placeLog) }], total, count, range);
      return { page: selection.page, read: selection.read, hasMore: selection.hasMore, firstTotal: total, readOffset: selection.readOffset };
    }
    const tail = backwardFollowUp(count, range, total);
    const logs = (await load(tail)).items.map(placeLog);
    const selection = selectBackward([{ offset: (tail.pageNumber - 1) * tail.pageSize, logs }], total, count, range);
    return { page: selection.page, read: selection.read, hasMore: selection.hasMore, firstTotal: total, readOffset: selection.readOffset };
  }
  const first = backwardWindow(count, range);
  const answer = await load(first);
  const total = answer.totalCount;
  const segments: ReadSegment[] = [{ offset: 0, logs: answer.items.map(placeLog) }];
  if (answer.items.length === first.pageSize && answer.items.length < total) {
    const tail = backwardFollowUp(count, range, total);
    const logs = (await load(tail)).items.map(placeLog);
    segments.push({ offset: (tail.pageNumber - 1) * tail.pageSize, logs });
  }
  // A short first answer is the whole window, whatever its total said.
  const known = segments.length === 1 ? Math.min(total, answer.items.length) : total;
  const selection = selectBackward(segments, known, count, range);
  return { page: selection.page, read: selection.read, hasMore: selection.hasMore, firstTotal: total, readOffset: selection.readOffset };
}

/** What reading a page needs of its request: the port all of its I/O goes through. */
export interface PageReader {
  /** Throws the error that stops any upstream call (missing or malformed credentials). */
  requireCaller(): void;
  /** "Now" of the operation: every field of it pins the same window. */
  now: Date;
  cursors: CursorCodec;
  /** One upstream read of a window of the query, shared within the operation. */
  load(query: AuditLogQuery, window: PageWindow): Promise<UpstreamPage>;
}

/**
 * One page of audit logs (both `Query.auditLogs` and `Reseller.auditLogs`). Every
 * check that can fail on the caller's input runs before the first upstream call; a
 * page costs at most two calls (docs/pagination.md).
 */
export async function readConnectionPage(
  reader: PageReader,
  filterArgs: AuditLogFilterArgs | null | undefined,
  args: ConnectionArgs,
): Promise<AuditLogConnectionShape> {
  reader.requireCaller();
  const filter = normalizeFilter(filterArgs);
  // An empty string as after/before counts as absent; a cursor of another filter or walk is refused.
  const cursors = decodeCursorArgs(reader.cursors, filter.fingerprint, args);
  const slice = resolveSlice({ first: args.first, last: args.last });
  const pinned = cursors.walk ?? pinWindow(filter, reader.now);
  const range: ReadRange = {
    hi: cursors.after ? afterCut(cursors.after) : null,
    lo: cursors.before ? beforeCut(cursors.before) : null,
  };

  // The cuts narrow the pinned window to [before's timestamp, after's timestamp], sent back as the upstream wrote them.
  const query: AuditLogQuery = {
    ...filter.query,
    startDate: range.lo?.text ?? new Date(pinned.start).toISOString(),
    endDate: range.hi?.text ?? new Date(pinned.end).toISOString(),
  };
  const load: Load = (window) => reader.load(query, window);

  let result: PageRead;
  if (isEmptyRange(range)) result = { page: [], read: [], hasMore: false, firstTotal: 0 };
  else if (slice.direction === 'forward') result = await readForward(load, slice.count, range);
  // The hint counts from the pinned end: it fits only a window that still reaches it.
  else result = await readBackward(load, slice.count, range, range.hi === null ? (cursors.before?.newerCount ?? 0) : 0);

  const walk: WalkState = cursors.walk ?? { fingerprint: filter.fingerprint, start: pinned.start, end: pinned.end, total: result.firstTotal };
  const { page, read } = result;
  const forward = slice.direction === 'forward';

  // Cursors are made only when a client selects one: the page's boundaries once, then each cursor on demand.
  let boundaries: Boundary[] | undefined;
  const madeCursors: (string | undefined)[] = new Array(page.length);
  const cursorAt = (index: number): string => {
    boundaries ??= forward
      ? forwardBoundaries(page, read, cursors.after)
      : backwardBoundaries(page, read, cursors.before, range.hi === null ? (result.readOffset ?? null) : null);
    return (madeCursors[index] ??= reader.cursors.encode({ ...walk, boundary: boundaries[index]! }));
  };
  const edges = new Array<AuditLogEdgeShape>(page.length);
  for (let i = 0; i < page.length; i++) edges[i] = new AuditLogEdge(page[i]!.record, i, cursorAt);

  // As of this page's read; the far side of a cursor is not read again: its own log precedes (after) or follows (before).
  const hasNextPage = forward ? result.hasMore || cursors.before !== null : cursors.before !== null;
  const hasPreviousPage = forward ? cursors.after !== null : result.hasMore || cursors.after !== null;
  return {
    edges,
    totalCount: walk.total,
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      get startCursor() {
        return page.length > 0 ? cursorAt(0) : null;
      },
      get endCursor() {
        return page.length > 0 ? cursorAt(page.length - 1) : null;
      },
    },
  };
}
