import { beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { fakeTime } from '../../support/fake-time.js';
import { useHarness } from '../../support/use-harness.js';

/**
 * The circuit breakers through the gateway: a tenant's own repeated 5xx or timeouts
 * open that tenant's breaker, connection failures the upstream-wide one (and /readyz
 * then answers 503); calls then fail fast with UPSTREAM_UNAVAILABLE and no upstream
 * request; after the cool-off one trial call closes it again.
 */

const COOLDOWN_MS = 400;
// The breakers run on a clock the tests move: a cool-off passes without waiting for it.
const time = fakeTime();
const h = useHarness({
  config: { upstreamRetries: 0, breakerFailureThreshold: 3, breakerMinimumCalls: 3, breakerCooldownMs: COOLDOWN_MS },
  clock: time.now,
});

beforeEach(() => {
  h.sample.faults.clear();
  h.sample.resetRequests();
});

const PAGE = '{ auditLogs(first: 1) { totalCount } }';
const codeOf = async () => (await h.graphql(PAGE)).body.errors?.[0]?.extensions?.code ?? 'OK';
const readyz = async () => {
  const response = await request(`${h.url}/readyz`);
  await response.body.dump();
  return response.statusCode;
};

describe('circuit breaker', () => {
  it("opens a tenant's breaker on its own 5xx answers, fails that tenant fast, leaves /readyz alone, and closes after a good trial", async () => {
    expect(await readyz()).toBe(200);
    h.sample.faults.add({ action: { type: 'status', status: 503 } });
    expect([await codeOf(), await codeOf(), await codeOf()]).toEqual(['UPSTREAM_ERROR', 'UPSTREAM_ERROR', 'UPSTREAM_ERROR']);
    expect(h.upstream.state()).toMatchObject({ breaker: 'closed', openTenantBreakers: 1 });
    // A tenant's failures are not the upstream's: this replica stays in the load balancer.
    expect(await readyz()).toBe(200);

    const before = h.sample.requests.length;
    const started = performance.now();
    expect(await codeOf()).toBe('UPSTREAM_UNAVAILABLE');
    expect(performance.now() - started).toBeLessThan(200);
    expect(h.sample.requests.length).toBe(before); // failed fast: no upstream request
    expect(h.upstream.state().totals.breakerRejections).toBeGreaterThanOrEqual(1);

    // The upstream recovers; after the cool-off the breaker lets one trial through.
    h.sample.faults.clear();
    time.advance(COOLDOWN_MS + 50);
    expect(await codeOf()).toBe('OK');
    expect(h.upstream.state().openTenantBreakers).toBe(0);
  });

  it('opens the upstream-wide breaker on dropped connections, which /readyz reports, and reopens when the trial fails', async () => {
    h.sample.faults.add({ action: { type: 'drop' } });
    // Enough to be half of the upstream's recent calls, the earlier tests' answers included.
    for (let i = 0; i < 8; i++) expect(await codeOf()).toBe('UPSTREAM_UNAVAILABLE');
    expect(h.upstream.state().breaker).toBe('open');
    expect(await readyz()).toBe(503);
    // Every caller fails fast while the upstream as a whole is unreachable.
    const other = await h.graphql(PAGE, undefined, { authorization: 'Bearer someone-else', 'x-tenant': 'beta.example' });
    expect(other.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    time.advance(COOLDOWN_MS + 50);
    const before = h.sample.requests.length;
    expect(await codeOf()).toBe('UPSTREAM_UNAVAILABLE'); // the trial, which fails
    expect(h.sample.requests.length).toBe(before + 1);
    expect(h.upstream.state().breaker).toBe('open');
    h.sample.faults.clear();
    time.advance(COOLDOWN_MS + 50);
    expect(await codeOf()).toBe('OK');
  });

  it('is not opened by answers about the request (4xx, 429, 500) or by bad bodies', async () => {
    for (const status of [400, 401, 403, 404, 429, 500]) {
      h.sample.faults.add({ times: 1, action: { type: 'status', status } });
      await codeOf();
    }
    for (let i = 0; i < 4; i++) {
      h.sample.faults.add({ times: 1, action: { type: 'malformed', variant: 'not-json' } });
      expect(await codeOf()).toBe('UPSTREAM_BAD_RESPONSE');
    }
    expect(h.upstream.state()).toMatchObject({ breaker: 'closed', openTenantBreakers: 0 });
  });

  it('stays closed while failures are under half of the recent calls, however many there are', async () => {
    for (let round = 0; round < 4; round++) {
      h.sample.faults.add({ times: 1, action: { type: 'status', status: 502 } });
      expect(await codeOf()).toBe('UPSTREAM_ERROR');
      expect(await codeOf()).toBe('OK');
      expect(await codeOf()).toBe('OK');
    }
    expect(h.upstream.state()).toMatchObject({ breaker: 'closed', openTenantBreakers: 0 });
  });

  it("never fails another tenant fast for one tenant's timeouts and 5xx", async () => {
    const gamma = { authorization: 'Bearer gamma-token', 'x-tenant': 'gamma.example' };
    const codeOfGamma = async () => (await h.graphql(PAGE, undefined, gamma)).body.errors?.[0]?.extensions?.code ?? 'OK';
    h.sample.faults.add({ times: 3, action: { type: 'status', status: 504 } });
    for (let i = 0; i < 3; i++) expect(await codeOfGamma()).toBe('UPSTREAM_ERROR');
    expect(await codeOfGamma()).toBe('UPSTREAM_UNAVAILABLE'); // this tenant: open
    const other = await h.graphql(PAGE, undefined, { authorization: 'Bearer someone-else', 'x-tenant': 'beta.example' });
    expect(other.body.errors).toBeUndefined();
    expect(h.upstream.state()).toMatchObject({ breaker: 'closed', openTenantBreakers: 1 });
    const metrics = await (await request(`${h.url}/metrics`)).body.text();
    expect(metrics).toMatch(/^gateway_upstream_tenant_circuits_open 1$/m);
    expect(metrics).toMatch(/^gateway_upstream_circuit_state\{state="closed"\} 1$/m);
    // The breaker's log lines name a hash of the credentials, never the token.
    expect(h.logs.join('').includes('gamma-token')).toBe(false);
    h.sample.faults.clear();
    time.advance(COOLDOWN_MS + 50);
    expect(await codeOfGamma()).toBe('OK');
  });

  it("keeps a tenant's open breaker whatever the spelling of its token and tenant", async () => {
    const delta = { authorization: 'Bearer delta-token', 'x-tenant': 'delta.example' };
    h.sample.faults.add({ times: 3, action: { type: 'status', status: 503 } });
    for (let i = 0; i < 3; i++) expect((await h.graphql(PAGE, undefined, delta)).body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
    const before = h.sample.requests.length;
    for (const respelled of [
      { authorization: 'bearer delta-token', 'x-tenant': 'delta.example' },
      { authorization: 'BEARER   delta-token', 'x-tenant': 'DELTA.Example' },
    ]) {
      expect((await h.graphql(PAGE, undefined, respelled)).body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    }
    // Failed fast: neither spelling reached the upstream.
    expect(h.sample.requests.length).toBe(before);
    time.advance(COOLDOWN_MS + 50);
    expect((await h.graphql(PAGE, undefined, delta)).body.errors).toBeUndefined();
  });
});
