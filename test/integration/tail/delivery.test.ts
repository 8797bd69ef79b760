import { describe, expect, it } from 'vitest';
import { CALLER } from '../../support/harness.js';
import { useHarness } from '../../support/use-harness.js';
import { idsOf, openTail, POLL_MS, sleep, TAIL_CONFIG, useTailSubscriptions, waitForPolls } from './support.js';

const h = useHarness({ config: TAIL_CONFIG });
const subscribe = useTailSubscriptions(h);

async function tail(variables?: Record<string, unknown>) {
  const sub = await subscribe(CALLER, variables);
  // The poller's first poll marks what was there before the subscription.
  await waitForPolls(h, CALLER.authorization, 1);
  return sub;
}

describe('live tail: delivery', () => {
  it('delivers logs written after it began, oldest first, each once, within a few poll intervals', async () => {
    const sub = await tail();
    const base = Date.now();
    const written = [
      h.sample.store.insert({ timestamp: new Date(base).toISOString(), operation: 'CreateOrder' }),
      h.sample.store.insert({ timestamp: new Date(base + 1).toISOString(), operation: 'CancelOrder' }),
      h.sample.store.insert({ timestamp: new Date(base + 1).toISOString(), operation: 'CreateCustomer' }),
    ];
    const started = Date.now();
    await sub.waitForResults(3);
    const tookMs = Date.now() - started;
    // Oldest first; at equal timestamps the reverse of the upstream's newest-first order (ids descending there).
    const [first, ...tied] = written;
    expect(idsOf(sub)[0]).toBe(first!.id);
    expect(idsOf(sub).slice(1)).toEqual(tied.map((log) => log.id).sort());
    for (const result of sub.results) expect(result.errors).toBeUndefined();
    // "About three poll intervals", with room for a busy machine.
    expect(tookMs).toBeLessThan(3 * POLL_MS + 10_000);
    // Later polls read the same logs again (they are inside the lookback): still once each.
    await waitForPolls(h, CALLER.authorization, 4);
    expect(idsOf(sub)).toHaveLength(3);
  });

  it('never delivers logs that do not match the filter', async () => {
    const sub = await tail({ filter: { operations: ['CancelOrder'], status: 'FAILED' } });
    h.sample.store.insert({ operation: 'CreateOrder', status: 'Failed' });
    h.sample.store.insert({ operation: 'CancelOrder', status: 'Succeded' });
    const wanted = h.sample.store.insert({ operation: 'CancelOrder', status: 'Failed' });
    await sub.waitForResults(1);
    await waitForPolls(h, CALLER.authorization, 3);
    expect(idsOf(sub)).toEqual([wanted.id]);
    expect(sub.results[0]!.data!.auditLogAdded.node).toMatchObject({ operation: 'CancelOrder', status: 'FAILED' });
    // The filter went upstream, so polls read only matching logs.
    const poll = h.sample.requests.at(-1)!;
    expect(poll.query).toMatchObject({ Operations: 'CancelOrder', Status: 'Failed', PageSize: '2000' });
  });

  it('delivers once a log that reaches the upstream late, inside the lookback; not one older than it', async () => {
    const sub = await tail();
    await waitForPolls(h, CALLER.authorization, 2);
    const tooLate = h.sample.store.insert({ timestamp: new Date(Date.now() - 5 * 60_000).toISOString() });
    const late = h.sample.store.insert({ timestamp: new Date(Date.now() - 20_000).toISOString() });
    await sub.waitForResults(1);
    await waitForPolls(h, CALLER.authorization, 4);
    expect(idsOf(sub)).toEqual([late.id]);
    expect(idsOf(sub)).not.toContain(tooLate.id);
  });

  it('refuses startDate and endDate with BAD_USER_INPUT, and ends the stream', async () => {
    const sub = await openTail(h, CALLER, { filter: { startDate: new Date().toISOString() } });
    expect(await sub.finished).toBe('complete');
    expect(sub.results).toHaveLength(1);
    expect(sub.results[0]!.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', correlationId: expect.any(String) });
  });

  it('keeps the connection alive with SSE comments while nothing happens', async () => {
    const sub = await tail();
    await sleep(1_000);
    expect(sub.pings).toBeGreaterThan(0);
    expect(sub.results).toHaveLength(0);
  });
});
