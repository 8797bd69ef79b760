import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { CALLER } from '../../support/harness.js';
import { useHarness } from '../../support/use-harness.js';
import type { SseSubscription } from '../../support/sse.js';
import { eventually, metric, openTail, pollsBy, TAIL_CONFIG, waitForPolls } from './support.js';

const h = useHarness({ config: { ...TAIL_CONFIG, tailMaxPerCaller: 2, tailMax: 3, tailGiveUpMs: 1_500 } });
const open: SseSubscription[] = [];
const caller = (name: string) => ({ authorization: `Bearer token-${name}`, 'x-tenant': `${name}.cloudcockpit.example` });

afterEach(async () => {
  h.sample.faults.clear();
  for (const sub of open.splice(0)) sub.close();
  await eventually(() => metric(h, 'gateway_tail_subscriptions'), 0);
});

async function tail(headers: Record<string, string>, variables?: Record<string, unknown>) {
  const sub = await openTail(h, headers, variables);
  open.push(sub);
  return sub;
}

/** The stream ended at once with exactly one error of this code. */
async function expectRefused(sub: SseSubscription, code: string) {
  expect(await sub.finished).toBe('complete');
  expect(sub.results).toHaveLength(1);
  expect(sub.results[0]!.data ?? null).toBeNull();
  expect(sub.results[0]!.errors).toHaveLength(1);
  expect(sub.results[0]!.errors![0]!.extensions?.code).toBe(code);
}

describe('live tail: limits and failures', () => {
  it('answers RATE_LIMITED past TAIL_MAX_PER_CALLER and past TAIL_MAX, and frees a slot when a stream ends', async () => {
    const [a, b, c] = [caller('a'), caller('b'), caller('c')];
    await tail(a);
    const secondOfA = await tail(a);
    await eventually(() => metric(h, 'gateway_tail_subscriptions'), 2);
    await expectRefused(await tail(a), 'RATE_LIMITED');
    await tail(b);
    await eventually(() => metric(h, 'gateway_tail_subscriptions'), 3);
    await expectRefused(await tail(c), 'RATE_LIMITED');

    secondOfA.close();
    await eventually(() => metric(h, 'gateway_tail_subscriptions'), 2);
    const again = await tail(a);
    await eventually(() => metric(h, 'gateway_tail_subscriptions'), 3);
    expect(again.results).toHaveLength(0);
  });

  it('ends the stream with one UNAUTHENTICATED when the upstream answers 401, and stops polling', async () => {
    const headers = { ...CALLER, 'x-correlation-id': randomUUID() };
    const sub = await tail(headers);
    await waitForPolls(h, CALLER.authorization, 1);
    h.sample.faults.add({ action: { type: 'status', status: 401 } });
    await expectRefused(sub, 'UNAUTHENTICATED');
    expect(sub.results[0]!.errors![0]!.extensions).toMatchObject({ correlationId: headers['x-correlation-id'], upstream: { status: 401 } });
    await eventually(() => metric(h, 'gateway_tail_pollers'), 0);
    expect(h.logs.some((line) => line.includes('live tail ended') && line.includes('upstream UNAUTHENTICATED'))).toBe(true);
  });

  it('refuses a subscription without credentials before any upstream call', async () => {
    const before = h.sample.requests.length;
    await expectRefused(await tail({ 'x-tenant': CALLER['x-tenant'] }), 'UNAUTHENTICATED');
    await expectRefused(await tail({ authorization: CALLER.authorization }), 'BAD_USER_INPUT');
    expect(h.sample.requests.length).toBe(before);
  });

  it('backs off on 5xx and ends the stream with the last error after TAIL_GIVE_UP_MS without a successful poll', async () => {
    const who = caller('flaky');
    const sub = await tail(who);
    await waitForPolls(h, who.authorization, 1);
    h.sample.faults.add({ action: { type: 'status', status: 503 } });
    await expectRefused(sub, 'UPSTREAM_ERROR');
    // It kept trying before it gave up.
    expect(pollsBy(h, who.authorization).length).toBeGreaterThan(2);
    expect(await metric(h, 'gateway_tail_polls_total{outcome="UPSTREAM_ERROR"}')).toBeGreaterThan(0);
  });
});
