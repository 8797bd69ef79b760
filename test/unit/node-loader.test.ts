import { describe, expect, it } from 'vitest';
import type { AuditLogNodeKey } from '../../src/nodes/node-id.js';
import { createNodeLoader, type LookupReader } from '../../src/nodes/node-loader.js';
import type { AuditLogQuery } from '../../src/model/audit-log.js';
import type { PageWindow } from '../../src/model/window.js';
import { GatewayError } from '../../src/errors.js';
import { createSampleStore } from '../../tools/sample-upstream/store.js';
import { decodeAuditLogPage } from '../../src/upstream/decode.js';

/**
 * The node loader over the sample upstream's in-memory store (its real paging and
 * date filtering, its real JSON, our real decoder), without HTTP.
 */

const NOW = new Date('2026-11-20T12:00:00.000Z');

interface PageRequest {
  query: AuditLogQuery;
  window: PageWindow;
}

/** Reads of the store, as the request's reader would make them; `requireCaller` passes unless told to refuse. */
function storePages(options: { fail?: (request: PageRequest) => Error | undefined; refuse?: Error } = {}) {
  const store = createSampleStore({ logs: [], clock: () => NOW.getTime() });
  const requests: PageRequest[] = [];
  const pages: LookupReader = {
    requireCaller() {
      if (options.refuse) throw options.refuse;
    },
    async load(query, window) {
      const request = { query, window };
      requests.push(request);
      const failure = options.fail?.(request);
      if (failure) throw failure;
      const json = store.queryJson({
        pageNumber: request.window.pageNumber,
        pageSize: request.window.pageSize,
        startMs: Date.parse(request.query.startDate),
        endMs: Date.parse(request.query.endDate),
      });
      return decodeAuditLogPage(JSON.parse(json));
    },
  };
  return { store, pages, requests };
}

const keyOf = (log: { id: string; timestamp: string }): AuditLogNodeKey => ({ timestampMs: Date.parse(log.timestamp), auditLogId: log.id });

describe('createNodeLoader', () => {
  it('batches the lookups of one tick into one call per window', async () => {
    const { store, pages, requests } = storePages();
    const a = store.insert({ timestamp: '2026-11-20T10:00:00.000Z' });
    const b = store.insert({ timestamp: '2026-11-20T10:20:00.000Z' });
    const c = store.insert({ timestamp: '2026-11-01T08:00:00.000Z' });
    const loader = createNodeLoader(pages);
    const found = await Promise.all([a, b, c].map((log) => loader.load(keyOf(log))));
    expect(found.map((record) => record?.auditLogId)).toEqual([a.id, b.id, c.id]);
    expect(requests).toHaveLength(2);
    // The same key again in the same request is answered from the loader's cache.
    expect((await loader.load(keyOf(a)))?.auditLogId).toBe(a.id);
    expect(requests).toHaveLength(2);
  });

  it('refuses before queueing anything when the caller headers are missing', async () => {
    const { pages, requests } = storePages({ refuse: new GatewayError('UNAUTHENTICATED', 'no token') });
    const loader = createNodeLoader(pages);
    await expect(loader.load({ timestampMs: NOW.getTime() - 1000, auditLogId: 'x' })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(requests).toHaveLength(0);
  });

  it("fails the keys of a window whose call failed, and only those", async () => {
    const { store, pages } = storePages({
      fail: (request) => (request.query.startDate.startsWith('2026-11-01') ? new GatewayError('UPSTREAM_ERROR', 'boom') : undefined),
    });
    const ok = store.insert({ timestamp: '2026-11-20T10:00:00.000Z' });
    const broken = store.insert({ timestamp: '2026-11-01T08:00:00.000Z' });
    const loader = createNodeLoader(pages);
    const [good, bad] = await Promise.allSettled([loader.load(keyOf(ok)), loader.load(keyOf(broken))]);
    expect(good).toMatchObject({ status: 'fulfilled', value: { auditLogId: ok.id } });
    expect(bad).toMatchObject({ status: 'rejected', reason: { code: 'UPSTREAM_ERROR' } });
  });

  it('gives up on a crowded window after maxRounds, with an error (not a false null) and a report', async () => {
    const { store, pages, requests } = storePages();
    // 2001 logs in one second: the oldest is on page 2, which one round does not reach.
    const crowd = Array.from({ length: 2001 }, (_, i) =>
      store.insert({ id: `c0000000-0000-4000-8000-${String(i).padStart(12, '0')}`, timestamp: '2026-11-19T09:00:00.500Z' }),
    );
    const reported: AuditLogNodeKey[][] = [];
    const loader = createNodeLoader(pages, { maxRounds: 1, onGiveUp: (keys) => reported.push([...keys]) });
    await expect(loader.load(keyOf(crowd[0]!))).rejects.toThrow(/gave up/);
    expect(reported).toEqual([[keyOf(crowd[0]!)]]);
    expect(requests).toHaveLength(1);

    const patient = createNodeLoader(pages);
    expect((await patient.load(keyOf(crowd[0]!)))?.auditLogId).toBe(crowd[0]!.id);
  });
});
