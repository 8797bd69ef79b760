import { beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startSampleUpstream } from '../../../tools/sample-upstream/index.js';
import { SAMPLE_RESELLERS } from '../../../tools/sample-upstream/seed.js';
import type { SampleLog } from '../../../tools/sample-upstream/types.js';
import { useSampleUpstream } from '../../support/use-sample-upstream.js';

const NOW = new Date('2026-11-20T10:15:30.123Z');
const AUTH = { authorization: 'Bearer test-token', 'x-tenant': 'contoso.example' };

const upstream = useSampleUpstream({ now: NOW, count: 1200, seed: 99 });
let seeded: SampleLog[];

beforeAll(() => {
  seeded = upstream.store.all();
});

async function get(query: Record<string, string> = {}, headers: Record<string, string> = AUTH, path = '/v1/AuditLogs') {
  const qs = new URLSearchParams(query).toString();
  const res = await request(`${upstream.url}${path}${qs ? `?${qs}` : ''}`, { headers });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) };
}

/** All pages of a query, walked with the upstream's own paging. */
async function ids(query: Record<string, string>): Promise<string[]> {
  const res = await get({ PageSize: '2000', StartDate: '2026-01-01T00:00:00Z', ...query });
  expect(res.status).toBe(200);
  return res.json().items.map((i: SampleLog) => i.id);
}

const wide = (predicate: (log: SampleLog) => boolean) => seeded.filter(predicate).map((l) => l.id);

describe('GET /v1/AuditLogs', () => {
  it('answers the documented 200 shape, 25 newest items by default', async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json();
    expect(Object.keys(body)).toEqual(['items', 'paginationParameters', 'continuationToken']);
    expect(body.continuationToken).toBeNull();
    expect(body.items).toEqual(seeded.slice(0, 25));
    // The default window is one month: the 30-day seed spills over it by a little.
    const inMonth = seeded.filter((l) => Date.parse(l.timestamp) >= Date.parse('2026-10-20T10:15:30.123Z')).length;
    expect(inMonth).toBeGreaterThan(1000);
    expect(body.paginationParameters).toEqual({
      totalPages: Math.ceil(inMonth / 25),
      totalCount: inMonth,
      hasPreviousPage: false,
      hasNextPage: true,
    });
  });

  it('orders newest first', async () => {
    const res = await get({ PageSize: '2000', StartDate: '2026-01-01' });
    const items: SampleLog[] = res.json().items;
    expect(items).toHaveLength(1200);
    for (let i = 1; i < items.length; i++) {
      expect(Date.parse(items[i - 1]!.timestamp)).toBeGreaterThanOrEqual(Date.parse(items[i]!.timestamp));
    }
  });

  it('matches path and parameter names case-insensitively', async () => {
    const res = await get({ pagesize: '3', PAGENUMBER: '2' }, AUTH, '/V1/auditlogs');
    expect(res.status).toBe(200);
    expect(res.json().items.map((i: SampleLog) => i.id)).toEqual(seeded.slice(3, 6).map((l) => l.id));
  });

  it.each([
    ['Operations', { Operations: 'CreateOrder|cancelsubscription' }, (l: SampleLog) => ['CreateOrder', 'CancelSubscription'].includes(l.operation!)],
    ['Status', { Status: 'processing' }, (l: SampleLog) => l.status === 'Processing'],
    ['Status Succeded', { Status: 'Succeded' }, (l: SampleLog) => l.status === 'Succeded'],
    ['Reseller', { Reseller: 'works' }, (l: SampleLog) => l.resellerName === 'Adventure Works Cloud'],
    ['Customer', { Customer: 'WINERY' }, (l: SampleLog) => l.customerName === 'Coho Winery'],
    ['resellerId', { resellerId: SAMPLE_RESELLERS[3]!.id }, (l: SampleLog) => l.resellerId === SAMPLE_RESELLERS[3]!.id],
    ['combined', { Status: 'Failed', Reseller: 'contoso', Operations: 'CreateOrder|UpdateSubscription' }, (l: SampleLog) =>
      l.status === 'Failed' && l.resellerName === 'Contoso Reseller' && ['CreateOrder', 'UpdateSubscription'].includes(l.operation!)],
  ])('filters by %s', async (_name, query, predicate) => {
    const expected = wide(predicate);
    expect(expected.length).toBeGreaterThan(0);
    expect(await ids(query)).toEqual(expected);
  });

  it('treats StartDate and EndDate as inclusive', async () => {
    const [newer, middle, older] = [seeded[100]!, seeded[101]!, seeded[102]!];
    expect(await ids({ StartDate: older.timestamp, EndDate: newer.timestamp })).toEqual([newer.id, middle.id, older.id]);
    const after = new Date(Date.parse(older.timestamp) + 1).toISOString();
    const before = new Date(Date.parse(newer.timestamp) - 1).toISOString();
    expect(await ids({ StartDate: after, EndDate: before })).toEqual([middle.id]);
  });

  it('walks page boundaries with exact totals', async () => {
    const window = { StartDate: seeded[56]!.timestamp, EndDate: seeded[0]!.timestamp, PageSize: '19' };
    const pages = [];
    for (const n of ['1', '2', '3', '4']) pages.push((await get({ ...window, PageNumber: n })).json());
    expect(pages.map((p) => p.items.length)).toEqual([19, 19, 19, 0]);
    expect(pages.flatMap((p) => p.items.map((i: SampleLog) => i.id))).toEqual(seeded.slice(0, 57).map((l) => l.id));
    expect(pages.map((p) => p.paginationParameters)).toEqual([
      { totalPages: 3, totalCount: 57, hasPreviousPage: false, hasNextPage: true },
      { totalPages: 3, totalCount: 57, hasPreviousPage: true, hasNextPage: true },
      { totalPages: 3, totalCount: 57, hasPreviousPage: true, hasNextPage: false },
      { totalPages: 3, totalCount: 57, hasPreviousPage: true, hasNextPage: false },
    ]);
  });

  it('answers an empty result with zero pages', async () => {
    const body = (await get({ Customer: 'no such customer' })).json();
    expect(body).toEqual({
      items: [],
      paginationParameters: { totalPages: 0, totalCount: 0, hasPreviousPage: false, hasNextPage: false },
      continuationToken: null,
    });
  });

  it('puts an inserted log first', async () => {
    const log = upstream.store.insert({ operation: 'CreateOrder', details: 'Order 4711 created' });
    expect(Date.parse(log.timestamp)).toBeGreaterThanOrEqual(Date.parse(seeded[0]!.timestamp));
    const body = (await get({ PageSize: '2' })).json();
    expect(body.items[0]).toEqual(log);
    expect(body.items[1]).toEqual(seeded[0]);
  });
});

describe('authentication and validation', () => {
  it.each([
    ['no Authorization', { 'x-tenant': 't' }],
    ['an empty bearer token', { authorization: 'Bearer ', 'x-tenant': 't' }],
    ['another scheme', { authorization: 'Basic dXNlcjpwYXNz', 'x-tenant': 't' }],
    ['a bare token', { authorization: 'test-token', 'x-tenant': 't' }],
  ])('401 with an empty body for %s', async (_name, headers) => {
    const res = await get({}, headers);
    expect(res.status).toBe(401);
    expect(res.text).toBe('');
  });

  it('accepts the scheme in any case', async () => {
    expect((await get({}, { authorization: 'bEaReR abc', 'x-tenant': 't' })).status).toBe(200);
  });

  it('401 comes before the X-Tenant and parameter checks', async () => {
    expect((await get({ PageSize: '0' }, {})).status).toBe(401);
  });

  it('400 with the documented body without X-Tenant, echoing X-Correlation-Id', async () => {
    const correlationId = '0b7c2f3e-1111-4a2b-8c3d-444455556666';
    const res = await get({}, { authorization: 'Bearer x', 'x-correlation-id': correlationId });
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({
      statusCode: 400,
      type: 'ValidationError',
      description: expect.any(String),
      correlationId,
      errors: [{ field: 'X-Tenant', message: expect.any(String) }],
    });
  });

  it.each(['0', '2001'])('400 for PageSize %s, correlationId null without the header', async (size) => {
    const res = await get({ PageSize: size });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, correlationId: null, errors: [{ field: 'PageSize' }] });
  });

  it('400 lists every invalid parameter', async () => {
    const res = await get({ PageNumber: 'x', StartDate: 'soon', Status: 'Succeeded', resellerId: 'nope' });
    expect(res.status).toBe(400);
    expect(res.json().errors.map((e: { field: string }) => e.field)).toEqual(['PageNumber', 'StartDate', 'Status', 'resellerId']);
  });
});

describe('other routes', () => {
  it('404 JSON elsewhere', async () => {
    const res = await get({}, AUTH, '/v1/Customers');
    expect(res.status).toBe(404);
    expect(res.json()).toMatchObject({ statusCode: 404 });
  });

  it('405 for other methods on the route', async () => {
    const res = await request(`${upstream.url}/v1/AuditLogs`, { method: 'POST', headers: AUTH, body: '{}' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('GET');
    await res.body.dump();
  });
});

describe('request recording', () => {
  it('records every request to the route, as received', async () => {
    await get({ PageSize: '5', Status: 'Failed' }, { ...AUTH, 'x-correlation-id': 'abc' });
    await get({}, {});
    await get({}, AUTH, '/elsewhere');
    await request(`${upstream.url}/__sample/stats`).then((r) => r.body.dump());
    expect(upstream.requests).toHaveLength(2);
    const [first, second] = upstream.requests;
    expect(first).toMatchObject({
      method: 'GET',
      path: '/v1/AuditLogs',
      query: { PageSize: '5', Status: 'Failed' },
      headers: { authorization: 'Bearer test-token', 'x-tenant': 'contoso.example', 'x-correlation-id': 'abc' },
    });
    expect(first!.receivedAt).toBeGreaterThan(Date.now() - 10_000);
    expect(second!.headers.authorization).toBeUndefined();
    upstream.resetRequests();
    expect(upstream.requests).toEqual([]);
  });
});

describe('control API', () => {
  const control = async (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) => {
    const res = await request(`${upstream.url}/__sample/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    return { status: res.statusCode, body: text ? JSON.parse(text) : undefined };
  };

  it('inserts a log that then comes first', async () => {
    const created = await control('POST', 'logs', { operation: 'CancelOrder', status: 'Failed' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ operation: 'CancelOrder', status: 'Failed', id: expect.any(String) });
    expect((await get({ PageSize: '1' })).json().items).toEqual([created.body]);
  });

  it('rejects a bad log with 400', async () => {
    expect((await control('POST', 'logs', { timestamp: 'never' })).status).toBe(400);
    expect((await control('POST', 'logs', 'just a string')).status).toBe(400);
  });

  it('reports stats, adds and clears faults, and resets', async () => {
    await get();
    await get();
    const stats = await control('GET', 'stats');
    expect(stats).toEqual({ status: 200, body: { requests: 2, openSockets: expect.any(Number) } });
    expect(stats.body.openSockets).toBeGreaterThanOrEqual(1);

    const added = await control('POST', 'faults', { times: 1, action: { type: 'status', status: 503 } });
    expect(added.status).toBe(201);
    expect(upstream.faults.rules).toHaveLength(1);
    expect((await get()).status).toBe(503);
    expect((await get()).status).toBe(200);

    await control('POST', 'faults', { action: { type: 'status', status: 500 } });
    expect((await control('DELETE', 'faults')).status).toBe(204);
    expect((await get()).status).toBe(200);

    expect((await control('POST', 'faults', { action: { type: 'nope' } })).status).toBe(400);

    await control('POST', 'faults', { action: { type: 'status', status: 500 } });
    expect((await control('POST', 'reset')).status).toBe(204);
    expect(upstream.faults.rules).toEqual([]);
    expect(upstream.requests).toEqual([]);
    expect((await control('GET', 'stats')).body.requests).toBe(0);
  });

  it('404 for an unknown control route', async () => {
    expect((await control('GET', 'nothing')).status).toBe(404);
  });
});

describe('recording cap', () => {
  it('keeps the latest maxRecordedRequests but counts them all', async () => {
    const own = await startSampleUpstream({ count: 5, maxRecordedRequests: 3 });
    try {
      for (let i = 1; i <= 5; i++) {
        await request(`${own.url}/v1/AuditLogs?PageNumber=${i}`, { headers: AUTH }).then((r) => r.body.dump());
      }
      expect(own.requests.map((r) => r.query.PageNumber)).toEqual(['3', '4', '5']);
      const stats = await request(`${own.url}/__sample/stats`).then((r) => r.body.json());
      expect(stats).toMatchObject({ requests: 5 });
    } finally {
      await own.close();
    }
  });
});
