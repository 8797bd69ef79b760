import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { CLOCK_SLACK_MS } from '../support/timing.js';
import { useSampleUpstream } from '../support/use-sample-upstream.js';
import { startGatewayProcess, type GatewayProcess } from './support/gateway-process.js';

/**
 * Graceful shutdown of the real gateway process: on SIGTERM /readyz turns 503, no
 * new connections are taken, in-flight operations complete, and the process exits 0.
 */

const CALLER = { authorization: 'Bearer shutdown-token', 'x-tenant': 'shutdown.example' };
const QUERY = '{ auditLogs(first: 3) { totalCount nodes { auditLogId } } }';
const UPSTREAM_DELAY_MS = 1500;

const sample = useSampleUpstream();
let gateway: GatewayProcess | undefined;

afterEach(async () => {
  await gateway?.stop('SIGKILL');
  gateway = undefined;
});

/** A raw keep-alive connection, so a request can be sent on it after the listener has closed. */
function rawConnection(url: string): { socket: Socket; received: () => string; closed: Promise<void> } {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, received: () => text, closed };
}

const httpGet = (path: string, host: string) =>
  `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${CALLER.authorization}\r\nX-Tenant: ${CALLER['x-tenant']}\r\n\r\n`;

async function connectionRefused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

describe('graceful shutdown', () => {
  it('on SIGTERM: /readyz turns 503, no new connections, in-flight operations complete, exit 0', async () => {
    gateway = await startGatewayProcess({ UPSTREAM_URL: sample.url, UPSTREAM_TIMEOUT_MS: '10000', SHUTDOWN_TIMEOUT_MS: '15000' });
    const { url } = gateway;
    const ready = await request(`${url}/readyz`);
    await ready.body.dump();
    expect(ready.statusCode).toBe(200);
    sample.resetRequests(); // the readiness probe

    sample.faults.add({ action: { type: 'delay', ms: UPSTREAM_DELAY_MS } });
    // Five operations over their own connections, and one GET on a raw connection.
    const inFlight = Array.from({ length: 5 }, (_, i) =>
      request(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...CALLER },
        body: JSON.stringify({ query: `{ auditLogs(first: ${i + 1}) { totalCount nodes { auditLogId } } }` }),
      }).then(async (response) => ({ status: response.statusCode, body: (await response.body.json()) as { data?: any; errors?: unknown[] } })),
    );
    const raw = rawConnection(url);
    raw.socket.write(httpGet(`/graphql?query=${encodeURIComponent(QUERY)}`, new URL(url).host));
    // Every operation has reached the (slow) upstream before the signal.
    await expect.poll(() => sample.requests.length, { timeout: 10_000, interval: 20 }).toBe(6);

    const signalled = performance.now();
    gateway.child.kill('SIGTERM');
    await expect.poll(() => gateway!.output.some((line) => line.includes('shutting down')), { timeout: 5000, interval: 10 }).toBe(true);

    // Readiness through the connection that is still busy: 503 (answered after its first response).
    raw.socket.write('GET /readyz HTTP/1.1\r\nHost: gateway\r\n\r\n');
    // The listener no longer takes connections.
    expect(await connectionRefused(url)).toBe(true);

    const results = await Promise.all(inFlight);
    for (const [i, result] of results.entries()) {
      expect(result.status).toBe(200);
      expect(result.body.errors).toBeUndefined();
      expect(result.body.data.auditLogs.nodes).toHaveLength(i + 1);
    }
    await raw.closed;
    const [first, second] = raw.received().split(/(?=HTTP\/1\.1 )/);
    expect(first).toMatch(/^HTTP\/1\.1 200/);
    expect(first).toContain('"totalCount":5000');
    expect(second).toMatch(/^HTTP\/1\.1 503/);

    expect(await gateway.exited).toBe(0);
    // Exits once the last operation is done, not after a keep-alive timeout (5 s) of idle
    // connections: that would take the upstream delay plus 5 s; this allows 4 s of slowness.
    expect(performance.now() - signalled).toBeLessThan(UPSTREAM_DELAY_MS + 4000);
    expect(gateway.output.some((line) => line.includes('"msg":"stopped"'))).toBe(true);
  });

  it('exits 1 once SHUTDOWN_TIMEOUT_MS passes with operations still running', async () => {
    gateway = await startGatewayProcess({ UPSTREAM_URL: sample.url, UPSTREAM_TIMEOUT_MS: '20000', SHUTDOWN_TIMEOUT_MS: '500' });
    sample.faults.add({ action: { type: 'hang' } });
    const stuck = request(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...CALLER },
      body: JSON.stringify({ query: QUERY }),
    }).catch((error: unknown) => error);
    await expect.poll(() => sample.requests.length, { timeout: 10_000, interval: 20 }).toBe(1);
    const signalled = performance.now();
    expect(await gateway.stop('SIGTERM')).toBe(1);
    // It waited SHUTDOWN_TIMEOUT_MS for the hung operation, then gave up on it long before
    // its 20 s upstream deadline.
    const waited = performance.now() - signalled;
    expect(waited).toBeGreaterThanOrEqual(500 - CLOCK_SLACK_MS);
    expect(waited).toBeLessThan(5000);
    await stuck;
  });

  it('handles SIGINT the same way', async () => {
    gateway = await startGatewayProcess({ UPSTREAM_URL: sample.url });
    expect(await gateway.stop('SIGINT')).toBe(0);
  });

  it('with SHUTDOWN_DELAY_MS: /readyz is 503 at once, new requests are still served for the delay, then exit 0', async () => {
    const delayMs = 4000;
    gateway = await startGatewayProcess({ UPSTREAM_URL: sample.url, SHUTDOWN_DELAY_MS: String(delayMs) });
    const { url } = gateway;
    const signalled = performance.now();
    gateway.child.kill('SIGTERM');
    await expect.poll(() => gateway!.output.some((line) => line.includes('shutting down')), { timeout: 5000, interval: 10 }).toBe(true);

    // New connections, after the signal: readiness is 503, an operation is served.
    const ready = await request(`${url}/readyz`, { reset: true });
    await ready.body.dump();
    expect(ready.statusCode).toBe(503);
    const served = await request(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...CALLER },
      body: JSON.stringify({ query: QUERY }),
    });
    const body = (await served.body.json()) as { data?: any; errors?: unknown[] };
    expect(served.statusCode).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.auditLogs.nodes).toHaveLength(3);
    // No keep-alive connection is left idle for a load balancer to reuse as the listener closes.
    expect(served.headers.connection).toBe('close');
    // Both were answered inside the delay: the listener had not closed yet.
    expect(gateway.output.some((line) => line.includes('closing the listener'))).toBe(false);

    expect(await gateway.exited).toBe(0);
    // The delay is the behaviour here; the bound below it is generous for a busy machine.
    expect(performance.now() - signalled).toBeGreaterThanOrEqual(delayMs - 500);
    const stopped = gateway.output.map(parseLine).find((entry) => entry?.msg === 'stopped');
    expect(stopped?.drainMs).toBeGreaterThanOrEqual(delayMs);
  });

  it('SIGINT skips SHUTDOWN_DELAY_MS', async () => {
    gateway = await startGatewayProcess({ UPSTREAM_URL: sample.url, SHUTDOWN_DELAY_MS: '120000' });
    const signalled = performance.now();
    expect(await gateway.stop('SIGINT')).toBe(0);
    // Far below the two-minute delay, whatever the machine's load.
    expect(performance.now() - signalled).toBeLessThan(60_000);
    const stopped = gateway.output.map(parseLine).find((entry) => entry?.msg === 'stopped');
    expect(stopped?.drainMs).toBeLessThan(1000);
  });
});

function parseLine(line: string): { msg?: string; drainMs?: number } | undefined {
  try {
    return JSON.parse(line) as { msg?: string; drainMs?: number };
  } catch {
    return undefined;
  }
}
