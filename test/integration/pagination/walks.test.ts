import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import type { SampleLog } from '../../../tools/sample-upstream/index.js';
import { type AuditLogFilter, type GatewayWalkPageQueryVariables } from '../../generated/operations.js';
import { CALLER } from '../../support/harness.js';
import { useHarness } from '../../support/use-harness.js';
import { expectNoBearerTokenLeaks } from '../../support/secrecy.js';
import { walkPage, type WalkPage } from '../../support/walk.js';

/**
 * Full walks through the gateway over a filtered set of a few hundred logs, checked
 * against the sample upstream's own data: the same ids in the same order, exact
 * pageInfo and totalCount on every page, and one upstream call per page.
 */

// FAILED logs of every reseller whose name contains "er" (Contoso Reseller,
// Northwind Traders, Tailspin Partners): about 350 of the 5000 seeded logs.
const FILTER: AuditLogFilter = { status: 'FAILED', reseller: 'er' };
const matchesFilter = (log: SampleLog): boolean =>
  log.status === 'Failed' && (log.resellerName ?? '').toLowerCase().includes('er');

type Page = WalkPage;

const h = useHarness();

afterAll(async () => {
  expect(expectNoBearerTokenLeaks(h)).toBeGreaterThan(0);
});

const page = (variables: GatewayWalkPageQueryVariables): Promise<Page> => walkPage(h, variables);

/** The pinned window the last upstream call was made with, in epoch ms. */
function lastPinnedWindow(): { start: number; end: number; startDate: string; endDate: string } {
  const { StartDate, EndDate } = h.sample.requests.at(-1)!.query;
  expect(StartDate).toBeDefined();
  expect(EndDate).toBeDefined();
  return { start: Date.parse(StartDate!), end: Date.parse(EndDate!), startDate: StartDate!, endDate: EndDate! };
}

/** The sample upstream's own list for the filter in the pinned window (inclusive bounds), newest first. */
function expectedIds(window: { start: number; end: number }): string[] {
  return h.sample.store
    .all()
    .filter((log) => {
      const ms = Date.parse(log.timestamp);
      return ms >= window.start && ms <= window.end && matchesFilter(log);
    })
    .map((log) => log.id);
}

interface Walk {
  pages: Page[];
  ids: string[];
  /** Upstream calls each page cost. */
  callsPerPage: number[];
  /** The PageNumber/PageSize each upstream call asked for. */
  windows: string[];
  window: { start: number; end: number; startDate: string; endDate: string };
}

/** Walks forward with a constant page size until hasNextPage is false. */
async function walkForward(first: number): Promise<Walk> {
  const pages: Page[] = [];
  const callsPerPage: number[] = [];
  const windows: string[] = [];
  let after: string | null = null;
  let window: Walk['window'] | undefined;
  for (;;) {
    const before = h.sample.requests.length;
    const current = await page({ filter: FILTER, first, after });
    const calls = h.sample.requests.slice(before);
    callsPerPage.push(calls.length);
    windows.push(...calls.map((call) => `${call.query.PageNumber}/${call.query.PageSize}`));
    window ??= lastPinnedWindow();
    pages.push(current);
    if (!current.pageInfo.hasNextPage) break;
    after = current.pageInfo.endCursor;
    expect(pages.length).toBeLessThan(1000);
  }
  return { pages, ids: pages.flatMap((p) => p.edges.map((e) => e.node.auditLogId)), callsPerPage, windows, window: window! };
}

function expectExactPageInfo(pages: Page[], total: number): void {
  pages.forEach((current, index) => {
    expect(current.totalCount).toBe(total);
    expect(current.pageInfo.hasPreviousPage).toBe(index > 0);
    expect(current.pageInfo.hasNextPage).toBe(index < pages.length - 1);
    expect(current.edges.length).toBeGreaterThan(0);
    expect(current.pageInfo.startCursor).toBe(current.edges[0]!.cursor);
    expect(current.pageInfo.endCursor).toBe(current.edges.at(-1)!.cursor);
  });
}

describe('a forward walk through the gateway', () => {
  it.each([1, 7, 25, 2000])('with first: %i returns exactly the upstream list, one upstream call per page', async (size) => {
    const walk = await walkForward(size);
    const expected = expectedIds(walk.window);
    expect(expected.length).toBeGreaterThan(200);
    expect(expected.length).toBeLessThan(2000);

    expect(walk.ids).toEqual(expected);
    expect(new Set(walk.ids).size).toBe(walk.ids.length);
    expect(walk.pages).toHaveLength(Math.ceil(expected.length / size));
    expectExactPageInfo(walk.pages, expected.length);
    walk.pages.forEach((current, index) => {
      const remaining = expected.length - index * size;
      expect(current.edges).toHaveLength(Math.min(size, remaining));
      for (const edge of current.edges) {
        expect(edge.node.status).toBe('FAILED');
        expect(edge.node.resellerName!.toLowerCase()).toContain('er');
      }
    });
    // One call per page: page 1 of the logs at or before the boundary, sized for the page,
    // one more (is there a next page?) and the boundary's own log (no two logs share a timestamp here).
    expect(walk.callsPerPage.every((calls) => calls === 1)).toBe(true);
    expect(walk.windows).toEqual(walk.pages.map((_, index) => `1/${Math.min(2000, size + (index === 0 ? 1 : 2))}`));
  });

  it('equals the upstream queried directly with PageSize=2000 and the same pinned window', async () => {
    const walk = await walkForward(25);
    const query = new URLSearchParams({
      PageNumber: '1',
      PageSize: '2000',
      StartDate: walk.window.startDate,
      EndDate: walk.window.endDate,
      Status: 'Failed',
      Reseller: 'er',
    });
    const response = await request(`${h.sample.url}/v1/AuditLogs?${query}`, { headers: CALLER });
    expect(response.statusCode).toBe(200);
    const body = (await response.body.json()) as { items: SampleLog[]; paginationParameters: { totalCount: number } };
    expect(walk.ids).toEqual(body.items.map((item) => item.id));
    expect(walk.pages[0]!.totalCount).toBe(body.paginationParameters.totalCount);
  });

  it('costs exactly 10 upstream calls for a 10-page walk', async () => {
    const total = (await page({ filter: FILTER, first: 1 })).totalCount;
    const size = Math.ceil(total / 10);
    expect(Math.ceil(total / size)).toBe(10);
    const before = h.sample.requests.length;
    const walk = await walkForward(size);
    expect(walk.pages).toHaveLength(10);
    expect(h.sample.requests.length - before).toBe(10);
    expect(walk.ids).toEqual(expectedIds(walk.window));
  });

  it('stays exact when the page size changes from page to page, at most two upstream calls a page', async () => {
    const sizes = [3, 17, 1, 250, 40, 2, 33, 64, 5, 2000];
    const pages: Page[] = [];
    const callsPerPage: number[] = [];
    let after: string | null = null;
    let window: Walk['window'] | undefined;
    for (let index = 0; ; index++) {
      const first = sizes[index % sizes.length]!;
      const before = h.sample.requests.length;
      const current = await page({ filter: FILTER, first, after });
      callsPerPage.push(h.sample.requests.length - before);
      window ??= lastPinnedWindow();
      pages.push(current);
      if (!current.pageInfo.hasNextPage) break;
      expect(current.edges).toHaveLength(first);
      after = current.pageInfo.endCursor;
    }
    const expected = expectedIds(window!);
    expect(pages.flatMap((p) => p.edges.map((e) => e.node.auditLogId))).toEqual(expected);
    expectExactPageInfo(pages, expected.length);
    expect(Math.max(...callsPerPage)).toBeLessThanOrEqual(2);
  });

  it('gives an empty page with null cursors after the last item and for a filter that matches nothing', async () => {
    const walk = await walkForward(100);
    const total = walk.pages[0]!.totalCount;
    const past = await page({ filter: FILTER, first: 100, after: walk.pages.at(-1)!.pageInfo.endCursor });
    expect(past.edges).toEqual([]);
    expect(past.totalCount).toBe(total);
    expect(past.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null });

    const none = await page({ filter: { ...FILTER, reseller: 'no reseller is called this' }, first: 10 });
    expect(none.totalCount).toBe(0);
    expect(none.edges).toEqual([]);
    expect(none.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null });
  });
});

describe('a backward walk through the gateway', () => {
  it('from the end cursor of the last page returns the same items in the same order, page by page, in at most two calls each', async () => {
    const size = 7;
    const forward = await walkForward(size);
    const total = forward.ids.length;

    const pages: Page[] = [];
    const callsPerPage: number[] = [];
    let before: string | null = forward.pages.at(-1)!.pageInfo.endCursor;
    for (;;) {
      const calls = h.sample.requests.length;
      const current = await page({ filter: FILTER, last: size, before });
      callsPerPage.push(h.sample.requests.length - calls);
      pages.unshift(current);
      if (!current.pageInfo.hasPreviousPage) break;
      before = current.pageInfo.startCursor;
      expect(pages.length).toBeLessThan(1000);
    }

    // Everything before the last item, which the first `before` cursor excludes.
    let end = total - 1;
    for (const current of [...pages].reverse()) {
      const start = Math.max(0, end - size);
      expect(current.edges.map((e) => e.node.auditLogId)).toEqual(forward.ids.slice(start, end));
      expect(current.totalCount).toBe(total);
      expect(current.pageInfo).toEqual({
        hasPreviousPage: start > 0,
        hasNextPage: true,
        startCursor: current.edges[0]!.cursor,
        endCursor: current.edges.at(-1)!.cursor,
      });
      end = start;
    }
    expect(end).toBe(0);
    // The first backward page starts from a forward cursor: it learns the total of the logs
    // newer than its boundary, then reads their tail. Backward cursors know that total, so
    // every later page reads its tail in one call.
    expect(callsPerPage[0]).toBeLessThanOrEqual(2);
    expect(callsPerPage.slice(1).every((calls) => calls === 1)).toBe(true);
  });

  it('last without before gives the oldest items, in at most two upstream calls', async () => {
    const forward = await walkForward(2000);
    const total = forward.ids.length;
    for (const last of [1, 5, 30]) {
      const calls = h.sample.requests.length;
      const tail = await page({ filter: FILTER, last });
      expect(h.sample.requests.length - calls).toBeLessThanOrEqual(2);
      expect(tail.edges.map((e) => e.node.auditLogId)).toEqual(forward.ids.slice(total - last));
      expect(tail.totalCount).toBe(total);
      expect(tail.pageInfo.hasNextPage).toBe(false);
      expect(tail.pageInfo.hasPreviousPage).toBe(true);
      expect(tail.pageInfo.startCursor).toBe(tail.edges[0]!.cursor);
      expect(tail.pageInfo.endCursor).toBe(tail.edges.at(-1)!.cursor);
    }
  });
});
