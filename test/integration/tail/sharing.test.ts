import { describe, expect, it } from 'vitest';
import { CALLER } from '../../support/harness.js';
import { useHarness } from '../../support/use-harness.js';
import { eventually, idsOf, metric, pollsBy, sleep, TAIL_CONFIG, useTailSubscriptions, waitForPolls, POLL_MS } from './support.js';

const h = useHarness({ config: TAIL_CONFIG });
const tail = useTailSubscriptions(h);
const OTHER = { authorization: 'Bearer test-token-beta', 'x-tenant': 'beta.cloudcockpit.example' } as const;

describe('live tail: pollers', () => {
  it('shares one poller between subscribers with the same credentials and filter; another token polls on its own, with its own headers only', async () => {
    // Headers that must never travel upstream ride along.
    const extra = { cookie: 'session=secret', 'x-other': 'nope' };
    const a1 = await tail({ ...CALLER, ...extra });
    const a2 = await tail({ ...CALLER, ...extra });
    const b = await tail({ ...OTHER, ...extra });
    await eventually(() => metric(h, 'gateway_tail_subscriptions'), 3);
    expect(await metric(h, 'gateway_tail_pollers')).toBe(2);
    await waitForPolls(h, CALLER.authorization, 2);
    await waitForPolls(h, OTHER.authorization, 2);

    const log = h.sample.store.insert({});
    await Promise.all([a1.waitForResults(1), a2.waitForResults(1), b.waitForResults(1)]);
    for (const sub of [a1, a2, b]) expect(idsOf(sub)).toEqual([log.id]);

    // One poller per caller: all of a caller's polls carry its poller's single correlation id.
    const polls = { a: pollsBy(h, CALLER.authorization), b: pollsBy(h, OTHER.authorization) };
    expect(new Set(polls.a.map((r) => r.headers['x-correlation-id'])).size).toBe(1);
    expect(new Set(polls.b.map((r) => r.headers['x-correlation-id'])).size).toBe(1);
    for (const [requests, caller] of [[polls.a, CALLER], [polls.b, OTHER]] as const) {
      for (const { headers } of requests) {
        expect(headers['x-tenant']).toBe(caller['x-tenant']);
        expect(headers.cookie).toBeUndefined();
        expect(headers['x-other']).toBeUndefined();
        expect(Object.keys(headers).sort()).toEqual(expect.arrayContaining(['authorization', 'x-correlation-id', 'x-tenant']));
        expect(Object.keys(headers).filter((name) => name.startsWith('x-')).sort()).toEqual(['x-correlation-id', 'x-tenant']);
      }
    }
    // The shared poller polls once per interval for both of its subscribers, not twice.
    const span = polls.a.at(-1)!.receivedAt - polls.a[0]!.receivedAt;
    expect(polls.a.length).toBeLessThanOrEqual(Math.ceil(span / POLL_MS) + 2);
  });

  it('stops a poller when its last client goes away, and only then', async () => {
    const a1 = await tail(CALLER);
    const a2 = await tail(CALLER);
    await eventually(() => metric(h, 'gateway_tail_subscriptions'), 2);
    await waitForPolls(h, CALLER.authorization, 1);

    a1.close();
    await eventually(() => metric(h, 'gateway_tail_subscriptions'), 1);
    expect(await metric(h, 'gateway_tail_pollers')).toBe(1);
    await waitForPolls(h, CALLER.authorization, 2);

    a2.close();
    await eventually(() => metric(h, 'gateway_tail_pollers'), 0);
    expect(await metric(h, 'gateway_tail_subscriptions')).toBe(0);
    const after = pollsBy(h, CALLER.authorization).length;
    await sleep(4 * POLL_MS);
    // At most one poll that was already in flight when the client left.
    expect(pollsBy(h, CALLER.authorization).length).toBeLessThanOrEqual(after + 1);
    expect(h.logs.some((line) => line.includes('"reason":"client went away"') && line.includes('live tail ended'))).toBe(true);
    expect(h.logs.some((line) => line.includes('"reason":"last subscriber left"'))).toBe(true);
  });

  it('counts polls and delivered events in /metrics', async () => {
    const sub = await tail(CALLER);
    await waitForPolls(h, CALLER.authorization, 1);
    const delivered = await metric(h, 'gateway_tail_events_total');
    h.sample.store.insert({});
    await sub.waitForResults(1);
    await eventually(() => metric(h, 'gateway_tail_events_total'), delivered + 1);
    expect(await metric(h, 'gateway_tail_polls_total{outcome="ok"}')).toBeGreaterThan(0);
  });
});
