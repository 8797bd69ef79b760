import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { PROBE_INTERVAL_MS } from '../../../src/plugins/use-readiness.js';
import { useHarness } from '../../support/use-harness.js';

/** `GET /readyz` is unauthenticated: however many callers ask, the upstream gets at most one probe per second. */

const h = useHarness();
const agent = new Agent({ connections: 50 });

afterAll(async () => {
  await agent.close();
});

const probes = () => h.sample.requests.filter((r) => r.path.endsWith('/AuditLogs') && r.headers.authorization === undefined).length;

describe('/readyz', () => {
  it('answers 300 concurrent probes with at most a couple of upstream requests', async () => {
    h.sample.resetRequests();
    const statuses = await Promise.all(
      Array.from({ length: 300 }, async () => {
        const response = await request(`${h.url}/readyz`, { dispatcher: agent });
        await response.body.dump();
        return response.statusCode;
      }),
    );
    expect(statuses.every((status) => status === 200)).toBe(true);
    // One per started second: 300 requests take far less than a few seconds even on a busy machine.
    expect(probes()).toBeGreaterThanOrEqual(1);
    expect(probes()).toBeLessThanOrEqual(3);
  });

  it('probes again once the interval has passed', async () => {
    await sleep(PROBE_INTERVAL_MS + 50);
    h.sample.resetRequests();
    await (await request(`${h.url}/readyz`)).body.dump();
    expect(probes()).toBe(1);
  });
});
