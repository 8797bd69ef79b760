import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { type AuditLogFilter, type GatewayWalkPageQueryVariables } from '../../generated/operations.js';
import { useHarness } from '../../support/use-harness.js';
import { expectNoBearerTokenLeaks } from '../../support/secrecy.js';
import { walkPage, type WalkPage } from '../../support/walk.js';

/**
 * A cursor pins its walk's result set: logs written after the first page was read
 * never appear in, shift or duplicate the later pages, while a new walk sees them.
 */

const FILTER: AuditLogFilter = { status: 'PROCESSING' };
const PAGE_SIZE = 10;

type Page = WalkPage;

const h = useHarness();

afterAll(async () => {
  expect(expectNoBearerTokenLeaks(h)).toBeGreaterThan(0);
});

const page = (variables: GatewayWalkPageQueryVariables): Promise<Page> => walkPage(h, variables);

const ids = (current: Page) => current.edges.map((edge) => edge.node.auditLogId);

/** New logs matching FILTER, stamped after the walk's pinned end. */
async function insertNewLogs(pinnedEnd: number, count: number): Promise<string[]> {
  // Inserted logs are stamped "now": make sure now is past the pinned (inclusive) end.
  while (Date.now() <= pinnedEnd) await sleep(2);
  const inserted: string[] = [];
  for (let i = 0; i < count; i++) {
    inserted.push(h.sample.store.insert({ status: 'Processing', timestamp: new Date().toISOString() }).id);
  }
  return inserted;
}

describe('a walk pinned by its cursors', () => {
  it('continues exactly while new logs are inserted between pages; a fresh first page shows them', async () => {
    const reference = await page({ filter: FILTER, first: 2000 });
    const total = reference.totalCount;
    expect(total).toBeGreaterThan(3 * PAGE_SIZE);
    const expected = ids(reference);

    const first = await page({ filter: FILTER, first: PAGE_SIZE });
    const pinnedEnd = Date.parse(h.sample.requests.at(-1)!.query.EndDate!);
    const pages = [first];
    const inserted: string[] = [];
    let current = first;
    while (current.pageInfo.hasNextPage) {
      // Between every two pages, more matching logs arrive, newest first.
      inserted.push(...(await insertNewLogs(pinnedEnd, 3)));
      current = await page({ filter: FILTER, first: PAGE_SIZE, after: current.pageInfo.endCursor });
      pages.push(current);
      // Every later call of the walk sends the window the first page pinned.
      expect(Date.parse(h.sample.requests.at(-1)!.query.EndDate!)).toBe(pinnedEnd);
    }

    const walked = pages.flatMap(ids);
    expect(walked).toEqual(expected);
    expect(walked.some((id) => inserted.includes(id))).toBe(false);
    expect(pages.every((p) => p.totalCount === total)).toBe(true);
    expect(pages).toHaveLength(Math.ceil(total / PAGE_SIZE));

    // A new walk pins a new window, which holds the new logs, newest first.
    const fresh = await page({ filter: FILTER, first: PAGE_SIZE });
    expect(fresh.totalCount).toBe(total + inserted.length);
    const newest = h.sample.store.all().filter((log) => log.status === 'Processing').slice(0, PAGE_SIZE);
    expect(ids(fresh)).toEqual(newest.map((log) => log.id));
    expect(ids(fresh).every((id) => inserted.includes(id))).toBe(true);
  });

  it('keeps a backward walk exact too', async () => {
    const first = await page({ filter: FILTER, first: 2000 });
    const pinnedEnd = Date.parse(h.sample.requests.at(-1)!.query.EndDate!);
    const expected = ids(first);
    const lastCursor = first.pageInfo.endCursor;

    await insertNewLogs(pinnedEnd, 5);
    const back = await page({ filter: FILTER, last: PAGE_SIZE, before: lastCursor });
    expect(ids(back)).toEqual(expected.slice(-PAGE_SIZE - 1, -1));
    expect(back.totalCount).toBe(first.totalCount);
  });
});
