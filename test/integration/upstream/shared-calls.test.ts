import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/errors.js';
import { startSampleUpstream, type SampleUpstream } from '../../../tools/sample-upstream/index.js';
import { upstreamClient } from '../../support/upstream-client.js';
import { shareUpstreamCalls } from '../../../src/upstream/shared-calls.js';
import type { ListAuditLogsRequest, UpstreamClient } from '../../../src/upstream/types.js';

const ALICE = { authorization: 'Bearer alice-token', tenant: 'contoso.example' };
const BOB = { authorization: 'Bearer bob-token', tenant: 'contoso.example' };

let sample: SampleUpstream;
let raw: UpstreamClient;
let window = { start: '', end: '' };

const call = (caller: { authorization: string; tenant: string }, options: { pageNumber?: number; correlationId?: string } = {}): ListAuditLogsRequest => ({
  query: { startDate: window.start, endDate: window.end },
  window: { pageNumber: options.pageNumber ?? 1, pageSize: 5 },
  headers: { ...caller, correlationId: options.correlationId ?? crypto.randomUUID() },
});

/** Each kind of sharing alone, as UPSTREAM_COALESCE and UPSTREAM_CACHE_TTL_MS switch them on. */
const COALESCE_ONLY = { coalesce: true, cacheTtlMs: 0, cacheMaxItems: 10_000 };
const CACHE_ONLY = { coalesce: false, cacheTtlMs: 60_000, cacheMaxItems: 10_000 };

/** Keeps the upstream's answers in flight long enough for concurrent calls to overlap. */
const slowUpstream = () => sample.faults.add({ action: { type: 'delay', ms: 150 } });

beforeAll(async () => {
  sample = await startSampleUpstream({ count: 50 });
  raw = upstreamClient({ upstreamTimeoutMs: 5_000, upstreamRetries: 0 }, { baseUrl: sample.url });
  const now = Date.now();
  window = { start: new Date(now - 40 * 86_400_000).toISOString(), end: new Date(now).toISOString() };
});

afterEach(() => {
  sample.faults.clear();
  sample.resetRequests();
});

afterAll(async () => {
  await raw.close();
  await sample.close();
});

describe('coalescing identical upstream calls across operations', () => {
  it('makes one upstream call for identical concurrent calls, and each caller gets the page', async () => {
    slowUpstream();
    const client = shareUpstreamCalls(raw, COALESCE_ONLY);
    const pages = await Promise.all(Array.from({ length: 5 }, () => client.listAuditLogs(call(ALICE))));
    expect(sample.requests).toHaveLength(1);
    expect(sample.requests[0]!.headers.authorization).toBe(ALICE.authorization);
    for (const page of pages) expect(page.items.map((i) => i.auditLogId)).toEqual(pages[0]!.items.map((i) => i.auditLogId));
    expect(pages[0]!.items).toHaveLength(5);
  });

  it('never merges two callers, nor two tenants of one token, nor two pages', async () => {
    slowUpstream();
    const client = shareUpstreamCalls(raw, COALESCE_ONLY);
    await Promise.all([
      client.listAuditLogs(call(ALICE)),
      client.listAuditLogs(call(BOB)),
      client.listAuditLogs(call({ ...ALICE, tenant: 'fabrikam.example' })),
      client.listAuditLogs(call(ALICE, { pageNumber: 2 })),
      client.listAuditLogs(call(ALICE)),
    ]);
    expect(sample.requests).toHaveLength(4);
    const seen = sample.requests.map((r) => `${r.headers.authorization} ${r.headers['x-tenant']} ${r.query.PageNumber}`).sort();
    expect(seen).toEqual([
      'Bearer alice-token contoso.example 1',
      'Bearer alice-token contoso.example 2',
      'Bearer alice-token fabrikam.example 1',
      'Bearer bob-token contoso.example 1',
    ]);
  });

  it('calls again once the shared call has settled', async () => {
    const client = shareUpstreamCalls(raw, COALESCE_ONLY);
    await client.listAuditLogs(call(ALICE));
    await client.listAuditLogs(call(ALICE));
    expect(sample.requests).toHaveLength(2);
  });

  it('gives every caller its own copy of a shared failure', async () => {
    sample.faults.add({ times: 1, action: { type: 'status', status: 403 } });
    const client = shareUpstreamCalls(raw, COALESCE_ONLY);
    const errors = await Promise.all(Array.from({ length: 3 }, () => client.listAuditLogs(call(ALICE)).catch((e: unknown) => e)));
    expect(sample.requests).toHaveLength(1);
    for (const error of errors) {
      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).extensions.code).toBe('FORBIDDEN');
      expect((error as GatewayError).extensions.upstream).toEqual({ status: 403 });
    }
    expect(new Set(errors).size).toBe(3);
  });

  it('lets a caller give up without failing the others', async () => {
    slowUpstream();
    const client = shareUpstreamCalls(raw, COALESCE_ONLY);
    const leaver = new AbortController();
    const leaving = client.listAuditLogs({ ...call(ALICE), signal: leaver.signal }).catch((e: unknown) => e);
    const staying = client.listAuditLogs(call(ALICE));
    leaver.abort();
    expect(await leaving).toBeInstanceOf(GatewayError);
    expect((await staying).items).toHaveLength(5);
    expect(sample.requests).toHaveLength(1);
  });
});

describe('the short-lived response cache', () => {
  it('serves an identical call from memory within the TTL, and calls again after it', async () => {
    let now = 1_000;
    const client = shareUpstreamCalls(raw, { ...CACHE_ONLY, cacheTtlMs: 500, now: () => now });
    const first = await client.listAuditLogs(call(ALICE));
    const second = await client.listAuditLogs(call(ALICE, { correlationId: crypto.randomUUID() }));
    expect(second).toBe(first);
    expect(sample.requests).toHaveLength(1);
    now += 500;
    await client.listAuditLogs(call(ALICE));
    expect(sample.requests).toHaveLength(2);
  });

  it('keys entries by caller and query', async () => {
    const client = shareUpstreamCalls(raw, CACHE_ONLY);
    const alice = await client.listAuditLogs(call(ALICE));
    const bob = await client.listAuditLogs(call(BOB));
    await client.listAuditLogs(call(ALICE, { pageNumber: 2 }));
    expect(bob).not.toBe(alice);
    expect(sample.requests).toHaveLength(3);
  });

  it('never caches a failure', async () => {
    sample.faults.add({ times: 1, action: { type: 'status', status: 400 } });
    const client = shareUpstreamCalls(raw, CACHE_ONLY);
    await expect(client.listAuditLogs(call(ALICE))).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    const page = await client.listAuditLogs(call(ALICE));
    expect(page.items).toHaveLength(5);
    expect(sample.requests).toHaveLength(2);
  });

  it('holds at most maxItems items, dropping the oldest pages first', async () => {
    const client = shareUpstreamCalls(raw, { ...CACHE_ONLY, cacheMaxItems: 10 });
    await client.listAuditLogs(call(ALICE, { pageNumber: 1 }));
    await client.listAuditLogs(call(ALICE, { pageNumber: 2 }));
    await client.listAuditLogs(call(ALICE, { pageNumber: 3 })); // evicts page 1
    await client.listAuditLogs(call(ALICE, { pageNumber: 3 }));
    await client.listAuditLogs(call(ALICE, { pageNumber: 2 }));
    expect(sample.requests).toHaveLength(3);
    await client.listAuditLogs(call(ALICE, { pageNumber: 1 }));
    expect(sample.requests).toHaveLength(4);
  });
});

describe('shareUpstreamCalls', () => {
  it('is the client itself when nothing is switched on', () => {
    expect(shareUpstreamCalls(raw, { coalesce: false, cacheTtlMs: 0, cacheMaxItems: 10_000 })).toBe(raw);
  });

  it('with both on, concurrent misses make one call and later hits none', async () => {
    slowUpstream();
    const client = shareUpstreamCalls(raw, { coalesce: true, cacheTtlMs: 60_000, cacheMaxItems: 10_000 });
    await Promise.all(Array.from({ length: 4 }, () => client.listAuditLogs(call(ALICE))));
    await client.listAuditLogs(call(ALICE));
    expect(sample.requests).toHaveLength(1);
    expect(client.probe).toBe(raw.probe);
  });
});
