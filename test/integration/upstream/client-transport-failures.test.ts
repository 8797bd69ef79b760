import { describe, expect, it } from 'vitest';
import type { ListAuditLogsRequest, UpstreamClient } from '../../../src/upstream/types.js';
import { CLOCK_SLACK_MS, SCHEDULING_MARGIN_MS } from '../../support/timing.js';
import { closedPort, rejectionOf, useFakeUpstream, useUpstreamClients } from './fake-upstream.js';

const TIMEOUT_MS = 600;

const request = (signal?: AbortSignal): ListAuditLogsRequest => ({
  query: { startDate: '2026-10-20T10:15:30.123Z', endDate: '2026-11-20T10:15:30.123Z' },
  window: { pageNumber: 1, pageSize: 25 },
  headers: { authorization: 'Bearer t', tenant: 'portal.example', correlationId: '3f0e4c52-8d3c-4a8f-9a57-1b2f3c4d5e6f' },
  signal,
});

const failure = rejectionOf;

/** The call waited for its deadline (timers never fire early) and gave up at it, not much later. */
function expectEndedAtTheDeadline(ms: number, deadlineMs = TIMEOUT_MS): void {
  expect(ms).toBeGreaterThanOrEqual(deadlineMs - CLOCK_SLACK_MS);
  expect(ms).toBeLessThan(deadlineMs + SCHEDULING_MARGIN_MS);
}

/** A deadline no test here reaches: a call that ends before it did not wait for one. */
const FAR_DEADLINE_MS = 10 * SCHEDULING_MARGIN_MS;

const upstream = useFakeUpstream();
const createClient = useUpstreamClients();

function client(baseUrl: string, options: { timeoutMs?: number; maxConcurrency?: number } = {}): UpstreamClient {
  return createClient({ upstreamTimeoutMs: options.timeoutMs ?? TIMEOUT_MS, ...(options.maxConcurrency ? { upstreamMaxConcurrency: options.maxConcurrency } : {}) }, { baseUrl });
}

describe('upstream client transport failures', () => {
  it('gives UPSTREAM_TIMEOUT at timeoutMs when the server never answers', async () => {
    const { err, ms } = await failure(client(`${upstream.url}/hang`).listAuditLogs(request()));
    expect(err.code).toBe('UPSTREAM_TIMEOUT');
    expectEndedAtTheDeadline(ms);
  });

  it('gives UPSTREAM_TIMEOUT at timeoutMs when the body stalls after the headers', async () => {
    const { err, ms } = await failure(client(`${upstream.url}/slow-body`).listAuditLogs(request()));
    expect(err.code).toBe('UPSTREAM_TIMEOUT');
    expectEndedAtTheDeadline(ms);
  });

  it('keeps the deadline for a call queued behind a busy pool', async () => {
    const c = client(`${upstream.url}/hang`, { maxConcurrency: 1, timeoutMs: 3 * TIMEOUT_MS });
    const blocker = failure(c.listAuditLogs(request()));
    // The second call waits for the pool's only connection; a deadline (here the
    // caller's, shorter than the client's) still applies while it waits.
    const { err, ms } = await failure(c.listAuditLogs(request(AbortSignal.timeout(TIMEOUT_MS))));
    expect(err.code).toBe('UPSTREAM_TIMEOUT');
    expectEndedAtTheDeadline(ms);
    expect((await blocker).err.code).toBe('UPSTREAM_TIMEOUT');
  });

  it('stops promptly when the caller aborts', async () => {
    const controller = new AbortController();
    const pending = failure(client(`${upstream.url}/hang`, { timeoutMs: FAR_DEADLINE_MS }).listAuditLogs(request(controller.signal)));
    setTimeout(() => controller.abort(), 50);
    const { err, ms } = await pending;
    // Unavailable (the caller left), not a timeout: it ended at the abort, long before the deadline.
    expect(err.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(ms).toBeLessThan(50 + SCHEDULING_MARGIN_MS);
  });

  it('makes no call when the caller signal is already aborted', async () => {
    const before = upstream.requests.length;
    const { err } = await failure(client(`${upstream.url}/echo`).listAuditLogs(request(AbortSignal.abort())));
    expect(err.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(upstream.requests.length).toBe(before);
  });

  it('gives UPSTREAM_UNAVAILABLE when the server destroys the socket', async () => {
    const { err } = await failure(client(`${upstream.url}/destroy`).listAuditLogs(request()));
    expect(err.code).toBe('UPSTREAM_UNAVAILABLE');
    expect((err.cause as { code?: string }).code).toBe('UND_ERR_SOCKET');
  });

  it('gives UPSTREAM_UNAVAILABLE when the connection is refused', async () => {
    const port = await closedPort();
    const { err, ms } = await failure(client(`http://127.0.0.1:${port}`, { timeoutMs: FAR_DEADLINE_MS }).listAuditLogs(request()));
    expect(err.code).toBe('UPSTREAM_UNAVAILABLE');
    expect((err.cause as { code?: string }).code).toBe('ECONNREFUSED');
    expect(err.message).not.toContain(String(port));
    // It gave up after its retries, without waiting for the deadline.
    expect(ms).toBeLessThan(FAR_DEADLINE_MS);
  });

  it('gives UPSTREAM_UNAVAILABLE after close, and close is idempotent', async () => {
    const c = client(`${upstream.url}/echo`);
    await c.listAuditLogs(request());
    await c.close();
    await c.close();
    const { err } = await failure(c.listAuditLogs(request()));
    expect(err.code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('probes false within its short deadline when the server never answers', async () => {
    const c = client(`${upstream.url}/hang`, { timeoutMs: 300 });
    const started = performance.now();
    await expect(c.probe()).resolves.toBe(false);
    expect(performance.now() - started).toBeLessThan(300 + SCHEDULING_MARGIN_MS);
  });
});
