import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayError } from '../../../src/errors.js';
import type { UpstreamClientSettings } from '../../../src/upstream/client.js';
import { NEVER_DECIDES } from '../../support/harness.js';
import { upstreamClient } from '../../support/upstream-client.js';
import type { ListAuditLogsRequest, UpstreamCallEvent, UpstreamClient } from '../../../src/upstream/types.js';
import { CLOCK_SLACK_MS, SCHEDULING_MARGIN_MS } from '../../support/timing.js';
import { useSampleUpstream } from '../../support/use-sample-upstream.js';

/** Retries, Retry-After and the call's deadline, against the real sample upstream with injected faults. */

const sample = useSampleUpstream();
let clients: UpstreamClient[] = [];
let events: UpstreamCallEvent[] = [];

beforeEach(() => {
  events = [];
});

afterEach(async () => {
  await Promise.all(clients.map((c) => c.close()));
  clients = [];
});

function client(settings: Partial<UpstreamClientSettings> = {}): UpstreamClient {
  const c = upstreamClient({ upstreamTimeoutMs: 2000, breakerMinimumCalls: NEVER_DECIDES, ...settings }, { baseUrl: sample.url, onCall: (event) => events.push(event) });
  clients.push(c);
  return c;
}

const CORRELATION_ID = '7d1f7a52-8d3c-4a8f-9a57-1b2f3c4d5e6f';
const request = (): ListAuditLogsRequest => {
  const now = Date.now();
  return {
    query: { startDate: new Date(now - 30 * 86_400_000).toISOString(), endDate: new Date(now).toISOString() },
    window: { pageNumber: 1, pageSize: 5 },
    headers: { authorization: 'Bearer retry-token', tenant: 'retry.example', correlationId: CORRELATION_ID },
  };
};

async function timed<T>(promise: Promise<T>): Promise<{ value?: T; error?: GatewayError; ms: number }> {
  const started = performance.now();
  try {
    const value = await promise;
    return { value, ms: performance.now() - started };
  } catch (error) {
    return { error: error as GatewayError, ms: performance.now() - started };
  }
}

describe('retries', () => {
  it.each([502, 503, 504])('retries a %i and returns the page of the next attempt', async (status) => {
    sample.faults.add({ times: 1, action: { type: 'status', status } });
    const { value, error } = await timed(client().listAuditLogs(request()));
    expect(error).toBeUndefined();
    expect(value!.items).toHaveLength(5);
    expect(sample.requests).toHaveLength(2);
    expect(events.map((e) => [e.attempt, e.status])).toEqual([
      [1, status],
      [2, 200],
    ]);
    expect(events[0]!.retryInMs).toBeGreaterThanOrEqual(50);
    expect(events[1]!.retryInMs).toBeUndefined();
    // Every attempt carries the same caller headers and correlation id.
    for (const received of sample.requests) {
      expect(received.headers.authorization).toBe('Bearer retry-token');
      expect(received.headers['x-correlation-id']).toBe(CORRELATION_ID);
    }
  });

  it('retries a dropped connection', async () => {
    sample.faults.add({ times: 1, action: { type: 'drop' } });
    const { value } = await timed(client().listAuditLogs(request()));
    expect(value!.items).toHaveLength(5);
    expect(sample.requests).toHaveLength(2);
  });

  it('makes at most 2 retries, then reports the last failure', async () => {
    sample.faults.add({ action: { type: 'status', status: 503 } });
    const { error } = await timed(client().listAuditLogs(request()));
    expect(error!.code).toBe('UPSTREAM_ERROR');
    expect(sample.requests).toHaveLength(3);
    expect(events.map((e) => e.attempt)).toEqual([1, 2, 3]);
  });

  it('retries nothing when UPSTREAM_RETRIES is 0', async () => {
    sample.faults.add({ action: { type: 'status', status: 503 } });
    const { error } = await timed(client({ upstreamRetries: 0 }).listAuditLogs(request()));
    expect(error!.code).toBe('UPSTREAM_ERROR');
    expect(sample.requests).toHaveLength(1);
  });

  it.each([
    [500, 'UPSTREAM_ERROR'],
    [400, 'BAD_USER_INPUT'],
    [401, 'UNAUTHENTICATED'],
    [403, 'FORBIDDEN'],
    [404, 'UPSTREAM_ERROR'],
    [429, 'RATE_LIMITED'],
  ])('never retries a %i', async (status, code) => {
    sample.faults.add({ times: 1, action: { type: 'status', status } });
    const { error } = await timed(client().listAuditLogs(request()));
    expect(error!.code).toBe(code);
    expect(sample.requests).toHaveLength(1);
  });

  it('never retries a timeout, and fails at the deadline', async () => {
    sample.faults.add({ times: 1, action: { type: 'hang' } });
    const { error, ms } = await timed(client({ upstreamTimeoutMs: 400 }).listAuditLogs(request()));
    expect(error!.code).toBe('UPSTREAM_TIMEOUT');
    expect(sample.requests).toHaveLength(1);
    // It waited for the deadline, and not for a second one.
    expect(ms).toBeGreaterThanOrEqual(400 - CLOCK_SLACK_MS);
    expect(ms).toBeLessThan(400 + SCHEDULING_MARGIN_MS);
  });

  it('never retries a malformed body', async () => {
    sample.faults.add({ times: 1, action: { type: 'malformed', variant: 'not-json' } });
    const { error } = await timed(client().listAuditLogs(request()));
    expect(error!.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(sample.requests).toHaveLength(1);
  });
});

describe('Retry-After', () => {
  it('waits as long as a 429 says when that fits the deadline, then succeeds', async () => {
    sample.faults.add({ times: 1, action: { type: 'status', status: 429, headers: { 'retry-after': '1' } } });
    const { value, ms } = await timed(client({ upstreamTimeoutMs: 3000 }).listAuditLogs(request()));
    expect(value!.items).toHaveLength(5);
    expect(sample.requests).toHaveLength(2);
    // The wait is the behaviour: at least the second Retry-After asked for.
    expect(ms).toBeGreaterThanOrEqual(1000 - CLOCK_SLACK_MS);
    const gap = sample.requests[1]!.receivedAt - sample.requests[0]!.receivedAt;
    expect(gap).toBeGreaterThanOrEqual(1000 - CLOCK_SLACK_MS);
    expect(events[0]).toMatchObject({ attempt: 1, status: 429, retryInMs: 1000 });
  });

  it('honours Retry-After on a 503 instead of the backoff', async () => {
    sample.faults.add({ times: 1, action: { type: 'status', status: 503, headers: { 'retry-after': '0' } } });
    const { value } = await timed(client().listAuditLogs(request()));
    expect(value!.items).toHaveLength(5);
    expect(events[0]).toMatchObject({ attempt: 1, status: 503, retryInMs: 0 });
  });

  it('gives RATE_LIMITED with retryAfterSeconds at once when the wait does not fit', async () => {
    sample.faults.add({ times: 1, action: { type: 'status', status: 429, headers: { 'retry-after': '30' } } });
    const deadlineMs = 10_000;
    const { error, ms } = await timed(client({ upstreamTimeoutMs: deadlineMs }).listAuditLogs(request()));
    expect(error!.code).toBe('RATE_LIMITED');
    expect(error!.extensions.retryAfterSeconds).toBe(30);
    expect(sample.requests).toHaveLength(1);
    // At once: neither the 30 s nor the deadline was waited for.
    expect(ms).toBeLessThan(deadlineMs);
  });

  it('reads the HTTP-date form', async () => {
    // Whole seconds only: the date lies 1.5-2.5 s ahead, read back as 2 or 3 s (rounded up),
    // or 1 s if the machine took over half a second to deliver it.
    const inAboutTwoSeconds = new Date(Date.now() + 2500).toUTCString();
    sample.faults.add({ times: 1, action: { type: 'status', status: 429, headers: { 'retry-after': inAboutTwoSeconds } } });
    const { value } = await timed(client({ upstreamTimeoutMs: 6000 }).listAuditLogs(request()));
    expect(value!.items).toHaveLength(5);
    expect([1000, 2000, 3000]).toContain(events[0]!.retryInMs);
  });
});

describe('the call deadline covers every attempt and backoff', () => {
  it('stops retrying when the backoff would outlive the deadline', async () => {
    // The upstream asks for a 5 s wait, which a 2 s deadline cannot hold: no retry at all.
    sample.faults.add({ action: { type: 'status', status: 503, headers: { 'retry-after': '5' } } });
    const c = client({ upstreamTimeoutMs: 2000 });
    const { error, ms } = await timed(c.listAuditLogs(request()));
    // The 503 itself, returned at once: not a timeout after a wait that could not succeed.
    expect(error!.code).toBe('UPSTREAM_ERROR');
    expect(sample.requests).toHaveLength(1);
    expect(ms).toBeLessThan(2000);
  });

  it('ends a retry that runs into the deadline as UPSTREAM_TIMEOUT at the deadline', async () => {
    // First attempt: 503 fast; the retry hangs until the call's deadline.
    sample.faults.add({ times: 1, action: { type: 'status', status: 503 } });
    sample.faults.add({ times: 1, action: { type: 'hang' } });
    const { error, ms } = await timed(client({ upstreamTimeoutMs: 600 }).listAuditLogs(request()));
    expect(error!.code).toBe('UPSTREAM_TIMEOUT');
    expect(sample.requests).toHaveLength(2);
    expect(ms).toBeGreaterThanOrEqual(600 - CLOCK_SLACK_MS);
    expect(ms).toBeLessThan(600 + SCHEDULING_MARGIN_MS);
  });
});

describe('response size', () => {
  it('refuses a 200 body over maxResponseBytes as UPSTREAM_BAD_RESPONSE, without retrying', async () => {
    const c = client({ upstreamMaxResponseBytes: 2048 });
    const small = await c.listAuditLogs({ ...request(), window: { pageNumber: 1, pageSize: 1 } });
    expect(small.items).toHaveLength(1);
    const { error } = await timed(c.listAuditLogs({ ...request(), window: { pageNumber: 1, pageSize: 50 } }));
    expect(error!.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(error!.message).toMatch(/too large/);
    expect(sample.requests).toHaveLength(2);
  });
});
