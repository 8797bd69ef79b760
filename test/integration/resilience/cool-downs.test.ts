import { describe, expect, it } from 'vitest';
import { GatewayWalkPageDocument } from '../../generated/operations.js';
import { useHarness } from '../../support/use-harness.js';

/**
 * One replica without Redis: a 429 with Retry-After holds that caller's calls
 * (RATE_LIMITED, no upstream call) until the wait has passed, and
 * UPSTREAM_RATE_LIMIT is a token bucket per caller of this replica.
 */

const as = (name: string) => ({ authorization: `Bearer cool-down-${name}`, 'x-tenant': `${name}.cool-down.example` });
const callsBy = (h: ReturnType<typeof useHarness>, name: string) => h.sample.requests.filter((r) => r.headers.authorization === as(name).authorization).length;

describe('a 429 with Retry-After', () => {
  const h = useHarness();

  it('holds the caller\'s next calls without an upstream call, under any spelling of its credentials; another caller is served', async () => {
    h.sample.faults.add({ times: 1, action: { type: 'status', status: 429, headers: { 'retry-after': '30' } } });
    const first = await h.graphql(GatewayWalkPageDocument, { first: 2 }, as('held'));
    expect(first.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 30 });
    expect(callsBy(h, 'held')).toBe(1);
    const again = await h.graphql(GatewayWalkPageDocument, { first: 2 }, { authorization: as('held').authorization.replace('Bearer ', 'BEARER  '), 'x-tenant': as('held')['x-tenant'].toUpperCase() });
    expect(again.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(again.body.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThan(0);
    expect(again.body.errors![0]!.extensions!.retryAfterSeconds).toBeLessThanOrEqual(30);
    expect(callsBy(h, 'held')).toBe(1);
    expect((await h.graphql(GatewayWalkPageDocument, { first: 2 }, as('other'))).body.errors).toBeUndefined();
  });

  it('holds no one when it is over (Retry-After 1)', async () => {
    h.sample.faults.add({ times: 1, action: { type: 'status', status: 429, headers: { 'retry-after': '1' } } });
    // Retried after the second by the client itself, within the deadline.
    const response = await h.graphql(GatewayWalkPageDocument, { first: 2 }, as('brief'));
    expect(response.body.errors).toBeUndefined();
    expect((await h.graphql(GatewayWalkPageDocument, { first: 2 }, as('brief'))).body.errors).toBeUndefined();
    expect(callsBy(h, 'brief')).toBe(3);
  });
});

describe('UPSTREAM_RATE_LIMIT on one replica', () => {
  const h = useHarness({ config: { upstreamRateLimit: 2, upstreamTimeoutMs: 1_500 } });

  it('spaces a caller\'s calls to the rate, and answers RATE_LIMITED at once a call whose turn comes after its deadline', async () => {
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 8 }, () => h.graphql(GatewayWalkPageDocument, { first: 2 }, as('bucket'))));
    const ok = answers.filter((answer) => answer.body.errors === undefined);
    const refused = answers.filter((answer) => answer.body.errors?.[0]?.extensions?.code === 'RATE_LIMITED');
    // A burst of two, then one each 500 ms within the 1.5 s deadline: five calls at most.
    expect(ok.length).toBeGreaterThanOrEqual(3);
    expect(ok.length).toBeLessThanOrEqual(5);
    expect(ok.length + refused.length).toBe(8);
    for (const answer of refused) expect(answer.body.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    const calls = h.sample.requests.filter((r) => r.headers.authorization === as('bucket').authorization).map((r) => r.receivedAt - started);
    expect(calls).toHaveLength(ok.length);
    // The calls after the burst waited for their turns.
    expect(calls.at(-1)!).toBeGreaterThanOrEqual(500 * (ok.length - 2) - 50);
    // Another caller has a bucket of its own.
    expect((await h.graphql(GatewayWalkPageDocument, { first: 2 }, as('other-bucket'))).body.errors).toBeUndefined();
  });
});
