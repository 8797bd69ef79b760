import type { GatewayContext } from '../context.js';
import { decodeCursorArgs, type WalkCursorEncoder } from '../pagination/cursor.js';
import { pageInfo } from '../pagination/page-info.js';
import { planWindows, sliceFromWindows } from '../pagination/plan.js';
import { resolveSlice } from '../pagination/slice.js';
import { planTailFollowUp } from '../pagination/tail.js';
import { pinWindow } from '../pagination/window.js';
import type { AuditLogQuery, AuditLogRecord } from '../upstream/types.js';
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

/**
 * Resolves one page of audit logs. Every check that can fail on the caller's input
 * runs before the first upstream call; a page costs one call whenever one
 * PageNumber/PageSize window covers it, never more than two.
 */
export async function resolveAuditLogConnection(
  context: GatewayContext,
  filterArgs: AuditLogFilterArgs | null | undefined,
  args: ConnectionArgs,
): Promise<AuditLogConnectionShape> {
  context.forwardedHeaders();
  const filter = normalizeFilter(filterArgs);
  // An empty string as after/before counts as absent; a cursor of another filter or walk is refused.
  const cursors = decodeCursorArgs(context.cursors, filter.fingerprint, args);
  const slice = resolveSlice({ first: args.first, last: args.last, after: cursors.after, before: cursors.before });
  const walk = cursors.window ?? pinWindow(filter, context.now);

  const query: AuditLogQuery = {
    ...filter.query,
    startDate: new Date(walk.start).toISOString(),
    endDate: new Date(walk.end).toISOString(),
  };
  const load = (window: { pageNumber: number; pageSize: number }) => context.pages.load({ query, window });

  let start: number;
  let items: AuditLogRecord[];
  let total: number;
  if (slice.kind === 'range') {
    const windows = planWindows(slice.start, slice.end);
    const pages = await Promise.all(windows.map(load));
    total = pages[0]!.totalCount;
    start = slice.start;
    items = sliceFromWindows(windows, pages.map((page) => page.items), slice.start, slice.end);
  } else {
    // `last` without `before`: the first call learns the total, the second (if any) fetches the tail.
    const probeWindow = { pageNumber: 1, pageSize: slice.count };
    const probe = await load(probeWindow);
    total = probe.totalCount;
    const followUp = planTailFollowUp({ count: slice.count, lowerBound: slice.lowerBound, total });
    start = followUp.start;
    const windows = [probeWindow, ...followUp.windows];
    const pages = [probe.items, ...(await Promise.all(followUp.windows.map(load))).map((page) => page.items)];
    items = sliceFromWindows(windows, pages, followUp.start, followUp.end);
  }

  // Cursors are encoded only when a client selects them: the walk's HMAC once, then
  // the page's edge cursors in one batch, or a single one for startCursor/endCursor.
  let walkEncoder: WalkCursorEncoder | undefined;
  const encoder = () => (walkEncoder ??= context.cursors.forWalk(filter.fingerprint, walk.start, walk.end));
  const encodeAt = (offset: number) => encoder()(offset);
  let edgeCursors: string[] | undefined;
  const edgeCursor = (index: number) => (edgeCursors ??= encoder().cursors(start, items.length))[index]!;
  const edges = new Array<AuditLogEdgeShape>(items.length);
  for (let i = 0; i < items.length; i++) edges[i] = new AuditLogEdge(items[i]!, i, edgeCursor);
  const { hasNextPage, hasPreviousPage } = pageInfo(start, start + items.length, total);
  return {
    edges,
    totalCount: total,
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      get startCursor() {
        return items.length > 0 ? encodeAt(start) : null;
      },
      get endCursor() {
        return items.length > 0 ? encodeAt(start + items.length - 1) : null;
      },
    },
  };
}
