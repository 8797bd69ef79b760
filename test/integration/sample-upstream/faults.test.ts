import { describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { startSampleUpstream } from '../../../tools/sample-upstream/index.js';
import type { SampleLog } from '../../../tools/sample-upstream/types.js';
import { useSampleUpstream } from '../../support/use-sample-upstream.js';

const NOW = new Date('2026-11-20T10:15:30.123Z');
const AUTH = { authorization: 'Bearer test-token', 'x-tenant': 'contoso.example' };

const upstream = useSampleUpstream({ now: NOW, count: 300 });

async function get(headers: Record<string, string> = AUTH, path = '/v1/AuditLogs?PageSize=5') {
  const res = await request(`${upstream.url}${path}`, { headers });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text };
}

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('status faults', () => {
  it('send the documented error body and extra headers', async () => {
    upstream.faults.add({ action: { type: 'status', status: 503, headers: { 'Retry-After': '7' } } });
    const res = await get({ ...AUTH, 'x-correlation-id': 'c-1' });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('7');
    expect(JSON.parse(res.text)).toEqual({
      statusCode: 503,
      type: expect.any(String),
      description: expect.any(String),
      correlationId: 'c-1',
      errors: null,
    });
  });

  it('send no body for 401 and 403 by default', async () => {
    upstream.faults.add({ times: 1, action: { type: 'status', status: 403 } });
    upstream.faults.add({ times: 1, action: { type: 'status', status: 401 } });
    expect(await get()).toMatchObject({ status: 403, text: '' });
    expect(await get()).toMatchObject({ status: 401, text: '' });
    expect((await get()).status).toBe(200);
  });

  it('send a given body: objects as JSON, strings as they are', async () => {
    upstream.faults.add({ times: 1, action: { type: 'status', status: 429, body: { custom: true }, headers: { 'Retry-After': 'Wed, 21 Oct 2026 07:28:00 GMT' } } });
    upstream.faults.add({ times: 1, action: { type: 'status', status: 500, body: 'upstream exploded' } });
    const limited = await get();
    expect(limited.status).toBe(429);
    expect(JSON.parse(limited.text)).toEqual({ custom: true });
    expect(limited.headers['retry-after']).toBe('Wed, 21 Oct 2026 07:28:00 GMT');
    expect(await get()).toMatchObject({ status: 500, text: 'upstream exploded' });
  });

  it('apply before the auth checks, and only to /v1/AuditLogs', async () => {
    upstream.faults.add({ action: { type: 'status', status: 502 } });
    expect((await get({})).status).toBe(502);
    expect((await get(AUTH, '/v1/Other')).status).toBe(404);
    expect((await get({}, '/__sample/stats')).status).toBe(200);
  });
});

describe('delay', () => {
  it('waits, then answers normally (auth included)', async () => {
    upstream.faults.add({ action: { type: 'delay', ms: 150 } });
    let start = performance.now();
    const ok = await get();
    expect(performance.now() - start).toBeGreaterThanOrEqual(140);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text).items).toHaveLength(5);
    start = performance.now();
    expect((await get({})).status).toBe(401);
    expect(performance.now() - start).toBeGreaterThanOrEqual(140);
  });
});

describe('malformed', () => {
  it('not-json: a 200 that does not parse', async () => {
    upstream.faults.add({ action: { type: 'malformed', variant: 'not-json' } });
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(() => JSON.parse(res.text)).toThrow();
  });

  it('wrong-shape: JSON, but not the documented page', async () => {
    upstream.faults.add({ action: { type: 'malformed', variant: 'wrong-shape' } });
    const body = JSON.parse((await get()).text);
    expect(Array.isArray(body.items)).toBe(false);
    expect(body.items).not.toBeNull();
    expect(typeof body.paginationParameters.totalCount).not.toBe('number');
  });

  it('item-missing-id: the page with its first item lacking id', async () => {
    upstream.faults.add({ action: { type: 'malformed', variant: 'item-missing-id' } });
    const body = JSON.parse((await get()).text);
    const expected = upstream.store.all().slice(0, 5);
    expect(body.items).toHaveLength(5);
    expect(body.items[0]).not.toHaveProperty('id');
    expect(body.items[0].timestamp).toBe(expected[0]!.timestamp);
    expect(body.items.slice(1)).toEqual(expected.slice(1));
    expect(body.paginationParameters.totalCount).toBeGreaterThan(5);
  });

  it('item-missing-id shows the defect even on an empty page', async () => {
    upstream.faults.add({ action: { type: 'malformed', variant: 'item-missing-id' } });
    const body = JSON.parse((await get(AUTH, '/v1/AuditLogs?Customer=nobody')).text);
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).not.toHaveProperty('id');
  });

  it('truncated: a well-framed 200 whose JSON stops halfway', async () => {
    upstream.faults.add({ action: { type: 'malformed', variant: 'truncated' } });
    const res = await get();
    expect(res.status).toBe(200);
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.text));
    expect(res.text.startsWith('{"items":[{')).toBe(true);
    expect(() => JSON.parse(res.text)).toThrow();
  });
});

describe('connection faults', () => {
  it('drop: the client gets a socket error', async () => {
    upstream.faults.add({ times: 1, action: { type: 'drop' } });
    await expect(request(`${upstream.url}/v1/AuditLogs`, { headers: AUTH })).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
    expect((await get()).status).toBe(200);
  });

  it('hang: no answer, the socket stays open until the client gives up', async () => {
    const agent = new Agent();
    try {
      const before = upstream.openSockets();
      upstream.faults.add({ times: 1, action: { type: 'hang' } });
      const controller = new AbortController();
      const pending = request(`${upstream.url}/v1/AuditLogs`, { headers: AUTH, dispatcher: agent, signal: controller.signal });
      const outcome = pending.then(
        () => 'answered',
        (error: Error) => error.name,
      );
      await waitFor(() => upstream.requests.length === 1);
      await new Promise((r) => setTimeout(r, 200));
      expect(upstream.openSockets()).toBe(before + 1);
      controller.abort();
      expect(await outcome).toBe('AbortError');
      await waitFor(() => upstream.openSockets() === before);
    } finally {
      await agent.close();
    }
  });

  it('hang: close() ends the hung socket', async () => {
    const own = await startSampleUpstream({ count: 10 });
    own.faults.add({ action: { type: 'hang' } });
    const pending = request(`${own.url}/v1/AuditLogs`, { headers: AUTH }).then(
      () => 'answered',
      (error: { code?: string }) => error.code,
    );
    await waitFor(() => own.requests.length === 1);
    expect(own.openSockets()).toBe(1);
    await own.close();
    expect(await pending).toBe('UND_ERR_SOCKET');
    expect(own.openSockets()).toBe(0);
  });
});

describe('probabilities', () => {
  it('are reproducible with the same faultSeed', async () => {
    const run = async (faultSeed: number) => {
      const own = await startSampleUpstream({ count: 10, faultSeed });
      try {
        own.faults.add({ probability: 0.5, action: { type: 'status', status: 500 } });
        const statuses: number[] = [];
        for (let i = 0; i < 30; i++) {
          const res = await request(`${own.url}/v1/AuditLogs`, { headers: AUTH });
          await res.body.dump();
          statuses.push(res.statusCode);
        }
        return statuses;
      } finally {
        await own.close();
      }
    };
    const first = await run(11);
    expect(await run(11)).toEqual(first);
    expect(first).toContain(500);
    expect(first).toContain(200);
  });
});

describe('recording under faults', () => {
  it('records faulted requests too', async () => {
    upstream.faults.add({ times: 1, action: { type: 'status', status: 500 } });
    await get();
    await get();
    expect(upstream.requests.map((r) => r.path)).toEqual(['/v1/AuditLogs', '/v1/AuditLogs']);
  });

  it('keeps items exactly as stored', async () => {
    const body = JSON.parse((await get()).text) as { items: SampleLog[] };
    expect(body.items).toEqual(upstream.store.all().slice(0, 5));
  });
});
