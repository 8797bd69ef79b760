import { afterEach, describe, expect, it } from 'vitest';
import type { UpstreamClientDependencies, UpstreamClientSettings } from '../../../src/upstream/client.js';
import { NEVER_DECIDES } from '../../support/harness.js';
import { upstreamClient } from '../../support/upstream-client.js';
import type { ListAuditLogsRequest, UpstreamClient } from '../../../src/upstream/types.js';
import { CLOCK_SLACK_MS, SCHEDULING_MARGIN_MS } from '../../support/timing.js';
import { useSampleUpstream } from '../../support/use-sample-upstream.js';

/** The cap on concurrent upstream requests and its bounded wait, against the sample upstream. */

const sample = useSampleUpstream();
let clients: UpstreamClient[] = [];

afterEach(async () => {
  await Promise.all(clients.map((c) => c.close()));
  clients = [];
});

function client(settings: Partial<UpstreamClientSettings>, deps: Partial<UpstreamClientDependencies> = {}): UpstreamClient {
  const c = upstreamClient({ upstreamTimeoutMs: 3000, breakerMinimumCalls: NEVER_DECIDES, ...settings }, { baseUrl: sample.url, ...deps });
  clients.push(c);
  return c;
}

const request = (pageNumber: number, authorization = 'Bearer cap', tenant = 'cap.example'): ListAuditLogsRequest => {
  const now = Date.now();
  return {
    query: { startDate: new Date(now - 30 * 86_400_000).toISOString(), endDate: new Date(now).toISOString() },
    window: { pageNumber, pageSize: 2 },
    headers: { authorization, tenant, correlationId: '1d1f7a52-8d3c-4a8f-9a57-1b2f3c4d5e6f' },
  };
};

describe('concurrency cap', () => {
  it('never has more than maxConcurrency requests at the upstream; the others wait their turn', async () => {
    const delayMs = 150;
    sample.faults.add({ action: { type: 'delay', ms: delayMs } });
    const c = client({ upstreamMaxConcurrency: 3, upstreamMaxQueueMs: 10_000 });
    let peak = 0;
    const watcher = setInterval(() => (peak = Math.max(peak, c.state().inFlight)), 5);
    const pages = await Promise.all(Array.from({ length: 9 }, (_, i) => c.listAuditLogs(request(i + 1))));
    clearInterval(watcher);
    expect(pages.every((page) => page.items.length === 2)).toBe(true);
    expect(peak).toBe(3);
    expect(sample.openSockets()).toBeLessThanOrEqual(3);
    // Three waves of three: the last requests arrived at least two delays after the first.
    const arrivals = sample.requests.map((r) => r.receivedAt).sort((a, b) => a - b);
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThanOrEqual(2 * delayMs - CLOCK_SLACK_MS);
    expect(c.state()).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('fails a call that waited maxQueueMs for a slot with UPSTREAM_UNAVAILABLE, without an upstream request', async () => {
    const maxQueueMs = 100;
    // The slot frees long after maxQueueMs, even counting the margin a busy machine needs.
    sample.faults.add({ action: { type: 'delay', ms: maxQueueMs + SCHEDULING_MARGIN_MS + 400 } });
    const reported: number[] = [];
    const c = client({ upstreamMaxConcurrency: 1, upstreamMaxQueueMs: maxQueueMs, upstreamTimeoutMs: 10_000 }, { onCall: (event) => reported.push(event.status ?? 0) });
    const first = c.listAuditLogs(request(1));
    const started = performance.now();
    const second = await c.listAuditLogs(request(2)).catch((error: unknown) => error as { code: string; message: string });
    const waited = performance.now() - started;
    expect(second).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect((second as { message: string }).message).toMatch(/in flight/);
    // It waited maxQueueMs for the slot, then gave up instead of waiting for the slot to free.
    expect(waited).toBeGreaterThanOrEqual(maxQueueMs - CLOCK_SLACK_MS);
    expect(waited).toBeLessThan(maxQueueMs + SCHEDULING_MARGIN_MS);
    expect((await first).items).toHaveLength(2);
    expect(sample.requests).toHaveLength(1);
    expect(c.state().totals.queueTimeouts).toBe(1);
    // onCall reports upstream requests: the shed call made none.
    expect(reported).toEqual([200]);
  });

  it('keeps the deadline while waiting when it comes before maxQueueMs', async () => {
    sample.faults.add({ times: 1, action: { type: 'hang' } });
    const c = client({ upstreamMaxConcurrency: 1, upstreamMaxQueueMs: 5000, upstreamTimeoutMs: 300 });
    const blocker = c.listAuditLogs(request(1)).catch((error: unknown) => error as { code: string });
    const started = performance.now();
    const queued = await c.listAuditLogs(request(2)).catch((error: unknown) => error as { code: string });
    expect(queued).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    // Ended at the 300 ms deadline, long before maxQueueMs.
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(300 - CLOCK_SLACK_MS);
    expect(waited).toBeLessThan(300 + SCHEDULING_MARGIN_MS);
    expect(await blocker).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
  });

  it("holds one tenant to its share of the slots however its headers are spelled, so another tenant's call goes through", async () => {
    const delayMs = 400;
    sample.faults.add({ action: { type: 'delay', ms: delayMs } });
    // 4 slots: one tenant holds at most 3, in whatever spellings of its token and tenant.
    const c = client({ upstreamMaxConcurrency: 4, upstreamMaxQueueMs: 10_000 });
    const spellings: Array<[string, string]> = [
      ['Bearer cap', 'cap.example'],
      ['bearer cap', 'CAP.example'],
      ['BEARER  cap', 'Cap.Example'],
    ];
    const mine = Array.from({ length: 6 }, (_, i) => c.listAuditLogs(request(i + 1, ...spellings[i % 3]!)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const other = c.listAuditLogs(request(1, 'Bearer other', 'other.example'));
    await Promise.all([...mine, other]);
    const arrivals = sample.requests.map((r) => ({ at: r.receivedAt, other: r.headers.authorization === 'Bearer other' })).sort((a, b) => a.at - b.at);
    // The other tenant's call reached the upstream in the first wave, not after the first tenant's calls freed a slot.
    const otherAt = arrivals.find((a) => a.other)!.at;
    expect(otherAt - arrivals[0]!.at).toBeLessThan(delayMs);
    expect(arrivals.filter((a) => !a.other && a.at < otherAt)).toHaveLength(3);
  });
});
