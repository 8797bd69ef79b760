import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../tools/sample-upstream/prng.js';
import type { SampleLog } from '../../../tools/sample-upstream/index.js';
import type { AuditLogFilter } from '../../generated/operations.js';
import { useHarness } from '../../support/use-harness.js';
import { walkPage, type WalkPage } from '../../support/walk.js';

/**
 * Walks under change, end to end: a 10-page walk of a "what is still running" view
 * while 50 backdated logs arrive (some at the exact timestamp of a page boundary)
 * and 30 running operations complete; deletes in front of the walk; a boundary log
 * that is deleted or leaves the filter; a tie group larger than a page; 7-digit
 * timestamps at the boundary. Changes go through the sample upstream's control API.
 */

const FILTER: AuditLogFilter = { status: 'PROCESSING' };

const h = useHarness();

async function control(path: string, body: unknown): Promise<unknown> {
  const response = await request(`${h.sample.url}/__sample/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.statusCode).toBeLessThan(300);
  return response.body.json();
}

const processing = () => h.sample.store.all().filter((log) => log.status === 'Processing');
const ids = (page: WalkPage) => page.edges.map((edge) => edge.node.auditLogId);

interface WalkResult {
  pages: WalkPage[];
  walked: string[];
  calls: number[];
}

/** Walks forward with `first: size`, calling `between(page)` before each page after the first. */
async function walk(size: number, between: (previous: WalkPage, index: number) => Promise<void>, filter = FILTER): Promise<WalkResult> {
  const pages: WalkPage[] = [];
  const calls: number[] = [];
  let after: string | null = null;
  for (let index = 0; ; index++) {
    if (index > 0) await between(pages.at(-1)!, index);
    const before = h.sample.requests.length;
    const page = await walkPage(h, { filter, first: size, after });
    calls.push(h.sample.requests.length - before);
    pages.push(page);
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
    expect(index).toBeLessThan(100);
  }
  return { pages, walked: pages.flatMap(ids), calls };
}

describe('a walk under change', () => {
  it('a 10-page walk with 50 backdated inserts and 30 status flips costs one call a page and is exact', async () => {
    const random = mulberry32(11);
    const initial = processing();
    const total = initial.length;
    const size = Math.ceil(total / 10);
    const stillRunning = new Set(initial.map((log) => log.id));
    const flipped = new Set<string>();
    const inserted = new Set<string>();
    const result = await walk(size, async (previous, index) => {
      if (index > 9) return;
      const boundary = previous.edges.at(-1)!;
      const boundaryLog = h.sample.store.all().find((log) => log.id === boundary.node.auditLogId)!;
      // 50 inserts over 9 gaps: older than the page being read, one at the boundary's own timestamp.
      const count = index <= 5 ? 6 : 5;
      const logs = Array.from({ length: count }, (_, i) => ({
        timestamp: i === 0 ? boundaryLog.timestamp : new Date(Date.parse(boundaryLog.timestamp) - 1 - Math.floor(random() * 86_400_000)).toISOString(),
        status: 'Processing',
      }));
      const stored = (await control('logs', logs)) as SampleLog[];
      for (const log of stored) inserted.add(log.id);
      // 30 flips over 9 gaps: running operations complete, ahead of the walk and behind it.
      const running = processing().filter((log) => stillRunning.has(log.id) && !flipped.has(log.id));
      const flips = Array.from({ length: index <= 3 ? 4 : 3 }, () => running.splice(Math.floor(random() * running.length), 1)[0]!);
      await control('logs/update', flips.map((log) => ({ id: log.id, status: 'Succeded' })));
      for (const log of flips) flipped.add(log.id);
    });

    expect(inserted.size).toBe(50);
    expect(flipped.size).toBe(30);
    const walked = new Set(result.walked);
    expect(walked.size).toBe(result.walked.length);
    for (const id of stillRunning) if (!flipped.has(id)) expect(walked.has(id)).toBe(true);
    for (const id of result.walked) expect(stillRunning.has(id) || inserted.has(id)).toBe(true);
    expect(result.pages.every((page) => page.totalCount === total)).toBe(true);
    expect(result.calls.every((calls) => calls === 1)).toBe(true);
    expect(result.pages.length).toBeGreaterThanOrEqual(9);
    expect(result.pages.length).toBeLessThanOrEqual(12);
  });

  it('deleting logs in front of the walk skips none, and a deleted boundary log still resumes', async () => {
    const expected = processing().map((log) => log.id);
    const result = await walk(7, async (previous) => {
      const boundary = previous.edges.at(-1)!.node.auditLogId;
      const ahead = processing().filter((log) => !previous.edges.some((edge) => edge.node.auditLogId === log.id));
      // Retention removes the boundary log and some logs already delivered; nothing ahead is touched.
      const delivered = processing().filter((log) => !ahead.includes(log) && log.id !== boundary).slice(0, 2);
      await control('logs/delete', [boundary, ...delivered.map((log) => log.id)]);
    });
    expect(result.walked).toEqual(expected);
  });

  it('resumes past a tie group larger than a page, sub-millisecond stamps included', async () => {
    const stamp = '2026-01-02T03:04:05.6789012Z';
    const resellerId = '1c9e4d2a-7b3f-4e8a-9c1d-2f5b6a7e8d90';
    const filter: AuditLogFilter = { status: 'FAILED', customer: 'Tie Group' };
    await control('logs', [
      ...Array.from({ length: 20 }, () => ({ timestamp: stamp, status: 'Failed', customerName: 'Tie Group Ltd', resellerId })),
      { timestamp: '2026-01-02T03:04:05.6789013Z', status: 'Failed', customerName: 'Tie Group Ltd', resellerId },
      { timestamp: '2026-01-02T03:04:05.6789011Z', status: 'Failed', customerName: 'Tie Group Ltd', resellerId },
    ]);
    const expected = h.sample.store.all().filter((log) => log.customerName === 'Tie Group Ltd').map((log) => log.id);
    expect(expected).toHaveLength(22);
    const result = await walk(3, async () => {}, { ...filter, startDate: '2026-01-01T00:00:00Z' } as AuditLogFilter);
    expect(result.walked).toEqual(expected);
    expect(result.calls.every((calls) => calls === 1)).toBe(true);
    // The cursor in the middle of the tie group names the exact 7-digit timestamp in the next call.
    const calls = h.sample.requests.slice(-result.pages.length + 1);
    expect(calls.some((call) => call.query.EndDate === stamp)).toBe(true);
  });

  it('walks 2000 at a time: one call for the first page, at most two after a cursor (the read is capped at 2000)', async () => {
    const monthAgo = Date.now() - 27 * 86_400_000; // well inside the pinned month, whatever its length
    const expected = h.sample.store.all().filter((log) => Date.parse(log.timestamp) >= monthAgo).map((log) => log.id);
    expect(expected.length).toBeGreaterThan(4000);
    const result = await walk(2000, async (previous) => {
      // A log behind the walk and one in front of it, both backdated.
      const last = Date.parse(previous.edges.at(-1)!.node.timestamp);
      await control('logs', [{ timestamp: new Date(last + 1).toISOString() }]);
    }, null as unknown as AuditLogFilter);
    expect(result.walked.slice(0, 2000)).toEqual(expected.slice(0, 2000));
    const walked = new Set(result.walked);
    expect(walked.size).toBe(result.walked.length);
    expect(expected.filter((id) => !walked.has(id))).toEqual([]);
    expect(result.calls[0]).toBe(1);
    expect(Math.max(...result.calls)).toBeLessThanOrEqual(2);
  });
});
