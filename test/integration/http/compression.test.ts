import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { CALLER } from '../../support/harness.js';
import { subscribe } from '../../support/sse.js';
import { useHarness } from '../../support/use-harness.js';

/**
 * Response compression over real HTTP: bodies over 1 KiB go as brotli or gzip when
 * Accept-Encoding allows, and decompress to exactly the plain body; small bodies,
 * refused codings and GraphiQL's precompressed assets are left as they are; event
 * streams and multipart subscriptions are never compressed and deliver each event
 * while the stream is open.
 */

const h = useHarness({ config: { tailPollMs: 250, graphiql: true } });

// No cursors: they carry the walk's window, pinned at each request's "now", so two answers would differ.
const PAGE = '{ auditLogs(first: 2000) { totalCount nodes { id auditLogId timestamp operation status resellerName customerName userName details } } }';
const SMALL = '{ auditLogs(first: 1) { totalCount } }';

async function post(query: string, headers: Record<string, string> = {}) {
  const response = await request(`${h.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...CALLER, ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: response.statusCode, headers: response.headers, bytes: Buffer.from(await response.body.arrayBuffer()) };
}

async function get(path: string, headers: Record<string, string> = {}) {
  const response = await request(`${h.url}${path}`, { headers });
  return { status: response.statusCode, headers: response.headers, bytes: Buffer.from(await response.body.arrayBuffer()) };
}

const decode = (encoding: unknown, bytes: Buffer): Buffer =>
  encoding === 'br' ? brotliDecompressSync(bytes) : encoding === 'gzip' ? gunzipSync(bytes) : bytes;

const varyOf = (headers: Record<string, unknown>) => String(headers.vary ?? '').toLowerCase().split(',').map((name) => name.trim());

describe('response compression', () => {
  it('sends a 2000-item page as brotli or gzip that decompresses to exactly the plain body', async () => {
    const plain = await post(PAGE);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.bytes.length).toBeGreaterThan(100_000);
    expect(JSON.parse(plain.bytes.toString('utf8')).data.auditLogs.nodes).toHaveLength(2000);

    for (const [asked, expected] of [['br', 'br'], ['gzip', 'gzip'], ['gzip, deflate, br', 'br'], ['br;q=0, gzip', 'gzip'], ['*', 'br']] as const) {
      const packed = await post(PAGE, { 'accept-encoding': asked });
      expect(packed.status, asked).toBe(200);
      expect(packed.headers['content-encoding'], asked).toBe(expected);
      expect(varyOf(packed.headers), asked).toContain('accept-encoding');
      expect(Number(packed.headers['content-length']), asked).toBe(packed.bytes.length);
      expect(packed.bytes.length, asked).toBeLessThan(plain.bytes.length / 3);
      expect(decode(expected, packed.bytes).equals(plain.bytes), asked).toBe(true);
    }
  });

  it('sends it plain when Accept-Encoding is absent or allows neither, still saying it varies by it', async () => {
    for (const asked of [undefined, 'identity', 'deflate', 'br;q=0, gzip;q=0']) {
      const response = await post(PAGE, asked === undefined ? {} : { 'accept-encoding': asked });
      expect(response.status, asked).toBe(200);
      expect(response.headers['content-encoding'], asked).toBeUndefined();
      expect(varyOf(response.headers), asked).toContain('accept-encoding');
      expect(JSON.parse(response.bytes.toString('utf8')).data.auditLogs.nodes, asked).toHaveLength(2000);
    }
  });

  it('leaves a body of 1 KiB or less as it is', async () => {
    const response = await post(SMALL, { 'accept-encoding': 'br, gzip' });
    expect(response.status).toBe(200);
    expect(response.bytes.length).toBeLessThanOrEqual(1024);
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(response.bytes.toString('utf8'))).toEqual({ data: { auditLogs: { totalCount: 5000 } } });
  });

  it('compresses error responses too, keeping the status, CORS headers and the correlation id', async () => {
    // Forty unknown fields: forty validation errors, some 4 KB of them.
    const origin = 'https://portal.example';
    const fields = Array.from({ length: 40 }, (_, i) => `unknownField${i}`).join(' ');
    const response = await post(`{ ${fields} }`, { 'accept-encoding': 'gzip', origin });
    expect(response.status).toBe(400);
    expect(response.headers['content-encoding']).toBe('gzip');
    const body = JSON.parse(decode('gzip', response.bytes).toString('utf8'));
    expect(body.errors).toHaveLength(40);
    expect(body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(response.headers['access-control-allow-origin']).toBe(origin);
    expect(response.headers['access-control-expose-headers']).toBe('x-correlation-id');
    expect(response.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(varyOf(response.headers)).toEqual(expect.arrayContaining(['origin', 'accept-encoding']));
  });

  it('compresses the GraphiQL page and /metrics, and leaves the precompressed GraphiQL assets compressed once', async () => {
    const html = await get('/graphql', { accept: 'text/html', 'accept-encoding': 'br' });
    expect(html.status).toBe(200);
    expect(html.headers['content-encoding']).toBe('br');
    const page = decode('br', html.bytes).toString('utf8');
    expect(page).toMatch(/^<!DOCTYPE html>/i);

    const script = /src="(graphiql\/[^"]+\.js)"/.exec(page)?.[1];
    expect(script).toBeDefined();
    const asset = await get(`/${script}`, { 'accept-encoding': 'br' });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-encoding']).toBe('br');
    expect(varyOf(asset.headers)).toEqual(['accept-encoding']);
    // One decompression gives the script itself, not another compressed layer.
    const source = decode('br', asset.bytes);
    const plain = await get(`/${script}`);
    expect(source.equals(plain.bytes)).toBe(true);

    const metrics = await get('/metrics', { 'accept-encoding': 'gzip' });
    expect(metrics.headers['content-encoding']).toBe('gzip');
    expect(decode('gzip', metrics.bytes).toString('utf8')).toContain('gateway_operation_duration_seconds');
  });

  it('never compresses an SSE stream: events arrive while it is open, the catch-up and a live one', async () => {
    const page = JSON.parse((await post('{ auditLogs(first: 3) { edges { cursor node { auditLogId } } } }')).bytes.toString('utf8'));
    const edges = page.data.auditLogs.edges as Array<{ cursor: string; node: { auditLogId: string } }>;
    const tail = 'subscription ($after: String) { auditLogAdded(after: $after) { cursor node { auditLogId } } }';
    const sub = await subscribe(`${h.url}/graphql`, tail, { after: edges[2]!.cursor }, { ...CALLER, 'accept-encoding': 'br, gzip' });
    try {
      expect(sub.status).toBe(200);
      expect(sub.headers['content-type']).toMatch(/^text\/event-stream/);
      // yoga says `none` to keep proxies from compressing (and so buffering) the stream.
      expect([undefined, 'none']).toContain(sub.headers['content-encoding']);
      await sub.waitForResults(2);
      expect(sub.results.map((result) => result.data?.auditLogAdded.node.auditLogId)).toEqual([edges[1]!.node.auditLogId, edges[0]!.node.auditLogId]);
      const live = h.sample.store.insert({});
      await sub.waitForResults(3);
      expect(sub.results[2]!.data?.auditLogAdded.node.auditLogId).toBe(live.id);
      // Still open: nothing waited for the end of the stream.
      expect(await Promise.race([sub.finished, Promise.resolve('open')])).toBe('open');
    } finally {
      sub.close();
    }
  });

  it('never compresses a multipart subscription: its first part arrives while it is open', async () => {
    const controller = new AbortController();
    const response = await request(`${h.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'multipart/mixed;boundary="graphql";subscriptionSpec=1.0,application/json',
        'accept-encoding': 'br, gzip',
        ...CALLER,
      },
      body: JSON.stringify({ query: 'subscription { auditLogAdded { node { auditLogId } } }' }),
      signal: controller.signal,
    });
    try {
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^multipart\/mixed/);
      expect([undefined, 'none']).toContain(response.headers['content-encoding']);
      const live = h.sample.store.insert({});
      let text = '';
      for await (const chunk of response.body) {
        text += Buffer.from(chunk as Uint8Array).toString('utf8');
        if (text.includes(live.id)) break;
      }
      expect(text).toContain(live.id);
    } finally {
      controller.abort();
      await response.body.dump().catch(() => undefined);
    }
  });
});
