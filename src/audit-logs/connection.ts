import type { GatewayContext } from '../context.js';
import { badUserInput } from '../errors.js';
import type { CursorPayload } from '../pagination/cursor.js';
import { pageInfoFor } from '../pagination/page-info.js';
import { planWindows, sliceFromWindows } from '../pagination/plan.js';
import { resolveSlice } from '../pagination/slice.js';
import { planTailFollowUp } from '../pagination/tail.js';
import { pinWindow, type PinnedWindow } from '../pagination/window.js';
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

/** An empty string counts as absent (contract section 4). */
const presentCursor = (cursor: string | null | undefined): string | undefined =>
  cursor === null || cursor === undefined || cursor === '' ? undefined : cursor;

function decodeWalkCursor(
  context: GatewayContext,
  cursor: string | undefined,
  fingerprint: string,
  name: 'after' | 'before',
): CursorPayload | undefined {
  if (cursor === undefined) return undefined;
  const payload = context.cursors.decode(cursor);
  if (payload.fingerprint !== fingerprint) {
    throw badUserInput(`The ${name} cursor was made for another filter.`);
  }
  return payload;
}

function walkWindow(after: CursorPayload | undefined, before: CursorPayload | undefined): PinnedWindow | undefined {
  if (after && before && (after.start !== before.start || after.end !== before.end)) {
    throw badUserInput('The after and before cursors belong to different walks.');
  }
  const cursor = after ?? before;
  return cursor ? { start: cursor.start, end: cursor.end } : undefined;
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
  const after = decodeWalkCursor(context, presentCursor(args.after), filter.fingerprint, 'after');
  const before = decodeWalkCursor(context, presentCursor(args.before), filter.fingerprint, 'before');
  const slice = resolveSlice({ first: args.first, last: args.last, after: after?.offset, before: before?.offset });
  const walk = walkWindow(after, before) ?? pinWindow(filter, context.now);

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

  const encodeAt = context.cursors.forWalk(filter.fingerprint, walk.start, walk.end);
  const edges = items.map((node, index): AuditLogEdgeShape => ({
    // Cursors are encoded only when a client selects them.
    get cursor() {
      return encodeAt(start + index);
    },
    node,
  }));
  const { hasNextPage, hasPreviousPage } = pageInfoFor(start, start + items.length, total);
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
