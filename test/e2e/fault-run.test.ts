import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { ERROR_CODES } from '../../src/errors.js';
import { startSampleUpstream, type SampleUpstream } from '../../tools/sample-upstream/index.js';
import { SAMPLE_RESELLERS } from '../../tools/sample-upstream/seed.js';
import { startGatewayProcess, type GatewayProcess } from './support/gateway-process.js';

/**
 * The fault run: the real gateway process in front of the real sample upstream,
 * which injects 10% 503s, 5% delays past the deadline, 2% dropped connections and
 * 2% malformed bodies, while 2,000 operations from two callers run 50 at a time.
 * Counted and asserted: no crashed process, every response valid GraphQL JSON with
 * the gateway's error codes, no response or upstream request carrying another
 * caller's data, and every successful page exactly the sample upstream's data.
 */

const OPERATIONS = 2000;
const CONCURRENCY = 50;
const TIMEOUT_MS = 400;
const DAY = 86_400_000;

interface Caller {
  name: string;
  headers: { authorization: string; 'x-tenant': string };
  reseller: string;
}

const CALLERS: Caller[] = [
  { name: 'alpha', headers: { authorization: 'Bearer alpha-fault-token', 'x-tenant': 'alpha.example' }, reseller: SAMPLE_RESELLERS[0]!.name },
  { name: 'beta', headers: { authorization: 'Bearer beta-fault-token', 'x-tenant': 'beta.example' }, reseller: SAMPLE_RESELLERS[1]!.name },
];

const QUERY = `query Page($filter: AuditLogFilter, $first: Int, $last: Int) {
  auditLogs(filter: $filter, first: $first, last: $last) {
    totalCount
    nodes { auditLogId resellerName timestamp }
  }
}`;

let sample: SampleUpstream;
let gateway: GatewayProcess;
const agent = new Agent({ connections: CONCURRENCY });

beforeAll(async () => {
  sample = await startSampleUpstream({ faultSeed: 4242, maxRecordedRequests: 50_000 });
  gateway = await startGatewayProcess({ UPSTREAM_URL: sample.url, UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS) });
});

afterAll(async () => {
  await gateway?.stop('SIGKILL');
  await agent.close();
  await sample?.close();
});

describe('fault run', () => {
  it(`keeps ${OPERATIONS} operations at concurrency ${CONCURRENCY} correct under a fault mix`, async () => {
    const now = Date.now();
    const window = { startDate: new Date(now - 20 * DAY).toISOString(), endDate: new Date(now - DAY).toISOString() };
    const startMs = Date.parse(window.startDate);
    const endMs = Date.parse(window.endDate);
    // The expected result of each caller's filter, straight from the sample upstream's store.
    const expected = new Map(
      CALLERS.map((caller) => [
        caller.name,
        sample.store
          .all()
          .filter((log) => {
            const ms = Date.parse(log.timestamp);
            return ms >= startMs && ms <= endMs && (log.resellerName ?? '').toLowerCase().includes(caller.reseller.toLowerCase());
          })
          .map((log) => log.id),
      ]),
    );

    sample.faults.add({ probability: 0.1, action: { type: 'status', status: 503 } });
    sample.faults.add({ probability: 0.05, action: { type: 'delay', ms: TIMEOUT_MS + 300 } });
    sample.faults.add({ probability: 0.02, action: { type: 'drop' } });
    sample.faults.add({ probability: 0.02, action: { type: 'malformed', variant: 'not-json' } });
    sample.resetRequests();

    const counts = { operations: 0, ok: 0, okPages: 0, errors: {} as Record<string, number>, foreignData: 0, wrongPages: 0, invalid: 0 };
    const callerOf = new Map<string, Caller>();
    const started = performance.now();

    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < OPERATIONS; i = next++) {
        const caller = CALLERS[i % CALLERS.length]!;
        const size = 1 + ((i * 7919) % 40);
        const fromEnd = i % 5 === 0;
        const correlationId = randomUUID();
        callerOf.set(correlationId, caller);
        const response = await request(`${gateway.url}/graphql`, {
          method: 'POST',
          dispatcher: agent,
          headers: { 'content-type': 'application/json', 'x-correlation-id': correlationId, ...caller.headers },
          body: JSON.stringify({
            query: QUERY,
            variables: { filter: { ...window, reseller: caller.reseller }, ...(fromEnd ? { last: size } : { first: size }) },
          }),
        });
        const text = await response.body.text();
        counts.operations++;
        let body: { data?: any; errors?: Array<{ extensions?: { code?: string; correlationId?: string } }> };
        try {
          body = JSON.parse(text);
        } catch {
          counts.invalid++;
          continue;
        }
        if (response.statusCode !== 200 || (body.data === undefined && body.errors === undefined) || response.headers['x-correlation-id'] !== correlationId) {
          counts.invalid++;
          continue;
        }
        if (body.errors) {
          for (const error of body.errors) {
            const code = error.extensions?.code ?? 'NONE';
            counts.errors[code] = (counts.errors[code] ?? 0) + 1;
            if (error.extensions?.correlationId !== correlationId) counts.invalid++;
          }
          continue;
        }
        counts.ok++;
        const page = body.data.auditLogs as { totalCount: number; nodes: Array<{ auditLogId: string; resellerName: string }> };
        if (page.nodes.some((node) => !node.resellerName.toLowerCase().includes(caller.reseller.toLowerCase()))) counts.foreignData++;
        const all = expected.get(caller.name)!;
        const want = fromEnd ? all.slice(Math.max(0, all.length - size)) : all.slice(0, size);
        const got = page.nodes.map((node) => node.auditLogId);
        if (page.totalCount === all.length && JSON.stringify(got) === JSON.stringify(want)) counts.okPages++;
        else counts.wrongPages++;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - started) / 1000;

    // Every upstream request carries exactly one caller's credentials and filter, and the correlation id of that caller's operation.
    let foreignRequests = 0;
    for (const received of sample.requests) {
      const caller = callerOf.get(String(received.headers['x-correlation-id']));
      if (
        !caller ||
        received.headers.authorization !== caller.headers.authorization ||
        received.headers['x-tenant'] !== caller.headers['x-tenant'] ||
        received.query.Reseller !== caller.reseller
      ) {
        foreignRequests++;
      }
    }

    const alive = gateway.child.exitCode === null && gateway.child.signalCode === null;
    const health = await request(`${gateway.url}/healthz`);
    await health.body.dump();

    const report = {
      operations: counts.operations,
      seconds: Number(seconds.toFixed(1)),
      successful: counts.ok,
      pagesEqualToUpstreamData: counts.okPages,
      pagesDifferent: counts.wrongPages,
      errorsByCode: counts.errors,
      invalidResponses: counts.invalid,
      responsesWithAnotherCallersData: counts.foreignData,
      upstreamRequests: sample.requests.length,
      upstreamRequestsOfAnotherCaller: foreignRequests,
      gatewayAlive: alive,
    };
    console.log(`fault run: ${JSON.stringify(report, null, 2)}`);
    if (counts.errors.INTERNAL_SERVER_ERROR) console.log(gateway.output.filter((line) => /"level":50/.test(line)).slice(0, 3).join('\n'));

    expect(alive).toBe(true);
    expect(health.statusCode).toBe(200);
    expect(counts.operations).toBe(OPERATIONS);
    expect(counts.invalid).toBe(0);
    expect(counts.foreignData).toBe(0);
    expect(foreignRequests).toBe(0);
    expect(counts.wrongPages).toBe(0);
    expect(counts.okPages).toBe(counts.ok);
    for (const code of Object.keys(counts.errors)) expect(ERROR_CODES).toContain(code);
    // The faults did happen, and retries absorbed most of the 503s and drops.
    expect(counts.errors.UPSTREAM_TIMEOUT ?? 0).toBeGreaterThan(0);
    expect(counts.errors.UPSTREAM_BAD_RESPONSE ?? 0).toBeGreaterThan(0);
    expect(counts.ok).toBeGreaterThan(OPERATIONS * 0.8);
    expect(sample.requests.length).toBeGreaterThan(OPERATIONS);

    // The process survives the run and still shuts down cleanly.
    sample.faults.clear();
    expect(await gateway.stop('SIGTERM')).toBe(0);
  });
});
