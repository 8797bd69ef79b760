import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOCK_SLACK_MS, SCHEDULING_MARGIN_MS } from '../../support/timing.js';
import { useHarness } from '../../support/use-harness.js';

/**
 * An upstream that accepts and never answers: UPSTREAM_TIMEOUT once the deadline
 * has passed (and not long after it), the upstream sees its socket closed, and open
 * sockets return to their baseline afterwards.
 */

const TIMEOUT_MS = 800;
const PAGE = '{ auditLogs(first: 3) { totalCount nodes { id } } }';

describe('an upstream that accepts and never answers', () => {
  let hung: Server;
  const received: Array<{ at: number; closedAt?: number }> = [];

  beforeAll(async () => {
    hung = createServer((req: IncomingMessage) => {
      const entry: { at: number; closedAt?: number } = { at: performance.now() };
      received.push(entry);
      req.socket.once('close', () => (entry.closedAt = performance.now()));
    });
    hung.listen(0, '127.0.0.1');
    await once(hung, 'listening');
  });

  afterAll(async () => {
    hung.closeAllConnections();
    hung.close();
  });

  const h = useHarness(() => ({ config: { upstreamTimeoutMs: TIMEOUT_MS }, upstreamUrl: `http://127.0.0.1:${(hung.address() as AddressInfo).port}` }));

  it('gives UPSTREAM_TIMEOUT once the deadline has passed and closes the socket it hung on', async () => {
    const started = performance.now();
    const responses = await Promise.all([h.graphql(PAGE), h.graphql('{ auditLogs(first: 4) { totalCount } }'), h.graphql('{ auditLogs(last: 2) { totalCount } }')]);
    const elapsed = performance.now() - started;
    for (const response of responses) expect(response.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_TIMEOUT');
    // The gateway waited for the deadline (timers never fire early), and gave up at it.
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - CLOCK_SLACK_MS);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + SCHEDULING_MARGIN_MS);

    // One request per operation (a timeout is never retried), each socket closed by the gateway at its deadline.
    expect(received).toHaveLength(3);
    await expect.poll(() => received.every((r) => r.closedAt !== undefined), { timeout: SCHEDULING_MARGIN_MS, interval: 10 }).toBe(true);
    for (const r of received) expect(r.closedAt! - r.at).toBeLessThan(TIMEOUT_MS + SCHEDULING_MARGIN_MS);
  });
});

describe('hung requests on the sample upstream', () => {
  const h = useHarness({ config: { upstreamTimeoutMs: TIMEOUT_MS } });

  it('leave no socket open: the count returns to its baseline', async () => {
    // Warm one keep-alive connection, so the baseline is what a healthy gateway holds.
    expect((await h.graphql(PAGE)).body.errors).toBeUndefined();
    const baseline = h.sample.openSockets();
    expect(baseline).toBeGreaterThanOrEqual(1);

    h.sample.faults.add({ times: 3, action: { type: 'hang' } });
    const responses = await Promise.all([h.graphql(PAGE), h.graphql(PAGE), h.graphql('{ auditLogs(last: 2) { totalCount } }')]);
    for (const response of responses) expect(response.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_TIMEOUT');
    expect(h.upstream.state()).toMatchObject({ inFlight: 0, queued: 0 });

    // undici closes each hung socket at once, but opens an idle replacement for it,
    // which its keep-alive timeout (4 s) retires: the count then drops back.
    await expect.poll(() => h.sample.openSockets(), { timeout: 10_000, interval: 100 }).toBeLessThanOrEqual(baseline);

    // And the gateway serves the next operation normally.
    expect((await h.graphql(PAGE)).body.errors).toBeUndefined();
  });
});
