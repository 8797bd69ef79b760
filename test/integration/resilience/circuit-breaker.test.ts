import { beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { useHarness } from '../../support/use-harness.js';

/**
 * The circuit breaker through the gateway: repeated upstream failures open it, calls
 * then fail fast with UPSTREAM_UNAVAILABLE and no upstream request, /readyz answers
 * 503; after the cool-off one trial call closes it again.
 */

const COOLDOWN_MS = 400;
const h = useHarness({ upstreamOptions: { retry: { retries: 0 }, breaker: { failureThreshold: 3, cooldownMs: COOLDOWN_MS } } });

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
  it('opens after repeated failures, fails fast, reports in /readyz, and closes after a good trial', async () => {
    expect(await readyz()).toBe(200);
    h.sample.faults.add({ action: { type: 'status', status: 503 } });
    expect([await codeOf(), await codeOf(), await codeOf()]).toEqual(['UPSTREAM_ERROR', 'UPSTREAM_ERROR', 'UPSTREAM_ERROR']);
    expect(h.upstream.state().breaker).toBe('open');
    expect(await readyz()).toBe(503);

    const before = h.sample.requests.length;
    const started = performance.now();
    expect(await codeOf()).toBe('UPSTREAM_UNAVAILABLE');
    expect(performance.now() - started).toBeLessThan(200);
    expect(h.sample.requests.length).toBe(before); // failed fast: no upstream request
    expect(h.upstream.state().totals.breakerRejections).toBeGreaterThanOrEqual(1);

    // The upstream recovers; after the cool-off the breaker lets one trial through.
    h.sample.faults.clear();
    await new Promise((resolve) => setTimeout(resolve, COOLDOWN_MS + 50));
    expect(h.upstream.state().breaker).toBe('half-open');
    expect(await readyz()).toBe(200);
    expect(await codeOf()).toBe('OK');
    expect(h.upstream.state().breaker).toBe('closed');
  });

  it('reopens when the trial fails', async () => {
    h.sample.faults.add({ action: { type: 'drop' } });
    for (let i = 0; i < 3; i++) expect(await codeOf()).toBe('UPSTREAM_UNAVAILABLE');
    expect(h.upstream.state().breaker).toBe('open');
    await new Promise((resolve) => setTimeout(resolve, COOLDOWN_MS + 50));
    const before = h.sample.requests.length;
    expect(await codeOf()).toBe('UPSTREAM_UNAVAILABLE'); // the trial, which fails
    expect(h.sample.requests.length).toBe(before + 1);
    expect(h.upstream.state().breaker).toBe('open');
    h.sample.faults.clear();
    await new Promise((resolve) => setTimeout(resolve, COOLDOWN_MS + 50));
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
    expect(h.upstream.state()).toMatchObject({ breaker: 'closed', consecutiveFailures: 0 });
  });

  it('lets a success reset the count of failures', async () => {
    for (let round = 0; round < 3; round++) {
      h.sample.faults.add({ times: 2, action: { type: 'status', status: 502 } });
      expect(await codeOf()).toBe('UPSTREAM_ERROR');
      expect(await codeOf()).toBe('UPSTREAM_ERROR');
      expect(await codeOf()).toBe('OK');
    }
    expect(h.upstream.state().breaker).toBe('closed');
  });

  it('fails fast for every caller while open: the breaker is per upstream, not per tenant', async () => {
    h.sample.faults.add({ action: { type: 'status', status: 504 } });
    for (let i = 0; i < 3; i++) await codeOf();
    const other = await h.graphql(PAGE, undefined, { authorization: 'Bearer someone-else', 'x-tenant': 'beta.example' });
    expect(other.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(other.body.errors?.[0]?.message).not.toContain('someone-else');
    h.sample.faults.clear();
    await new Promise((resolve) => setTimeout(resolve, COOLDOWN_MS + 50));
    expect(await codeOf()).toBe('OK');
  });
});
