import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startSampleUpstream, type SampleUpstream } from '../../../tools/sample-upstream/index.js';
import { noticeRedisSkip, RUN_REDIS_TESTS, startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { subscribe, type SseSubscription } from '../../support/sse.js';
import { SCHEDULING_MARGIN_MS } from '../../support/timing.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { perMinute, pollsBetween } from './support/polls.js';

/**
 * Three gateway processes sharing one real Redis (REDIS_URL) and the sample upstream:
 * toward the upstream they behave as one gateway. One poller per tail in the whole
 * deployment, a takeover when the polling replica is killed, a 429 learned by one
 * replica and honoured by all, one token bucket per caller for all, Redis going
 * away and coming back, and nothing in Redis that names a token or a tenant.
 */

noticeRedisSkip('the shared-state test of three replicas');

const POLL_MS = 1000;
const RATE = 5;
const CURSOR_SECRET = 'shared-state-cursor-secret-0123';
const NAMES = ['r1', 'r2', 'r3'] as const;
const START_TIMEOUT_MS = 90_000;
const TAIL = 'subscription { auditLogAdded { cursor node { auditLogId } } }';
const PAGE = '{ auditLogs(first: 5) { totalCount nodes { auditLogId } } }';
const caller = (name: string) => ({ authorization: `Bearer shared-state-${name}-token`, 'x-tenant': `${name}.shared-state.example` });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!RUN_REDIS_TESTS)('replicas sharing state through Redis', () => {
  let redis: RedisServer;
  let sample: SampleUpstream;
  const replicas = new Map<string, GatewayProcess>();
  /** Every process started, killed ones too: their log lines name their pollers. */
  const everyProcess: GatewayProcess[] = [];

  const startReplica = async (name: string): Promise<GatewayProcess> => {
    const process = await startGatewayProcess(
      {
        UPSTREAM_URL: sample.url,
        REDIS_URL: redis.url,
        CURSOR_SECRET,
        TAIL_POLL_MS: String(POLL_MS),
        TAIL_MAX_PER_CALLER: '40',
        UPSTREAM_RATE_LIMIT: String(RATE),
      },
      { listenTimeoutMs: START_TIMEOUT_MS },
    );
    replicas.set(name, process);
    everyProcess.push(process);
    return process;
  };
  const replica = (name: string) => replicas.get(name)!;

  const metricSum = async (series: string, names: readonly string[] = [...replicas.keys()]): Promise<number> => {
    let sum = 0;
    for (const name of names) {
      const text = await (await request(`${replica(name).url}/metrics`)).body.text();
      sum += Number(new RegExp(`^${series} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
    }
    return sum;
  };
  const until = async (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> => {
    const deadline = performance.now() + timeoutMs;
    while (!(await check())) {
      if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(100);
    }
  };
  const graphql = async (name: string, headers: Record<string, string>, query = PAGE) => {
    const response = await request(`${replica(name).url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query }),
    });
    return (await response.body.json()) as { data?: any; errors?: Array<{ message: string; extensions?: Record<string, any> }> };
  };
  const openTails = async (headers: Record<string, string>, names: readonly string[], count: number): Promise<SseSubscription[]> => {
    const before = await metricSum('gateway_tail_subscriptions');
    const subs = await Promise.all(Array.from({ length: count }, (_, i) => subscribe(`${replica(names[i % names.length]!).url}/graphql`, TAIL, undefined, headers)));
    for (const sub of subs) expect(sub.status).toBe(200);
    await until('the subscriptions to open', async () => (await metricSum('gateway_tail_subscriptions')) === before + count);
    return subs;
  };
  const idsOf = (sub: SseSubscription) => sub.results.map((result) => result.data?.auditLogAdded?.node?.auditLogId as string);
  /** Writes a log every `everyMs` until stopped; the ids, in order. */
  const startWriting = (everyMs: number) => {
    const written: string[] = [];
    const timer = setInterval(() => written.push(sample.store.insert({ timestamp: new Date().toISOString() }).id), everyMs);
    return { written, stop: () => clearInterval(timer) };
  };
  const untilDelivered = (subs: SseSubscription[], written: string[]) =>
    until('every subscriber to receive the last log written', () => subs.every((sub) => idsOf(sub).includes(written.at(-1)!)), 30_000);

  beforeAll(async () => {
    redis = await startRedisServer();
    sample = await startSampleUpstream({ maxRecordedRequests: 200_000 });
    await Promise.all(NAMES.map((name) => startReplica(name)));
  }, 180_000);

  afterAll(async () => {
    await Promise.all([...replicas.values()].map((process) => process.stop('SIGKILL')));
    await sample?.close();
    await redis?.stop();
  });

  it('one poller per tail for the deployment: 30 subscribers cost the upstream the same tail calls per minute on 1 replica as spread over 3', async () => {
    const headers = caller('poller');
    const measure = async (names: readonly string[]) => {
      const subs = await openTails(headers, names, 30);
      // Settled: one replica polls, whichever it is.
      await until('one poller in the deployment', async () => (await metricSum('gateway_tail_pollers')) === 1);
      await sleep(2 * POLL_MS);
      const writer = startWriting(500);
      const from = Date.now();
      await sleep(15_000);
      const to = Date.now();
      writer.stop();
      await untilDelivered(subs, writer.written);
      const polls = pollsBetween(sample.requests, everyProcess, from, to).filter((r) => r.headers.authorization === headers.authorization);
      const pollers = new Set(polls.map((r) => r.headers['x-correlation-id']));
      const perReplica = names.map((name) => subs.filter((_, i) => names[i % names.length] === name).length);
      for (const sub of subs) sub.close();
      await until('the subscriptions to close', async () => (await metricSum('gateway_tail_subscriptions')) === 0);
      // Each subscriber, wherever it is, got every log once, in the order written.
      for (const sub of subs) expect(idsOf(sub)).toEqual(writer.written);
      return { perMinute: perMinute(polls.length, to - from), pollers: pollers.size, perReplica };
    };
    const one = await measure(['r1']);
    const three = await measure(NAMES);
    console.log(
      `live tail, 30 subscribers of one caller and filter at TAIL_POLL_MS=${POLL_MS}: ${one.perMinute} upstream tail calls/min on 1 replica (${one.pollers} poller), ` +
        `${three.perMinute} calls/min spread ${three.perReplica.join('/')} over 3 replicas (${three.pollers} poller); ` +
        `at the default 5000 ms: ${Math.round(one.perMinute / 5)} and ${Math.round(three.perMinute / 5)}`,
    );
    expect(one.pollers).toBe(1);
    expect(three.pollers).toBe(1);
    // One poll per interval at most, and not fewer than half that on a busy machine.
    for (const rate of [one.perMinute, three.perMinute]) {
      expect(rate).toBeLessThanOrEqual(60_000 / POLL_MS + 2);
      expect(rate).toBeGreaterThanOrEqual(60_000 / POLL_MS / 2);
    }
    expect(Math.abs(three.perMinute - one.perMinute)).toBeLessThanOrEqual(0.2 * one.perMinute);
  });

  it('a 429 answered to one replica holds that caller on every replica, without an upstream call; another caller is not held', async () => {
    const held = caller('cooled');
    sample.faults.add({ times: 1, action: { type: 'status', status: 429, headers: { 'retry-after': '30' } } });
    const first = await graphql('r1', held);
    expect(first.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 30, upstream: { status: 429 } });
    const before = sample.requests.length;
    for (const name of ['r2', 'r3'] as const) {
      const answer = await graphql(name, held);
      expect(answer.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      expect(answer.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThan(0);
      expect(answer.errors![0]!.extensions!.retryAfterSeconds).toBeLessThanOrEqual(30);
      expect(answer.errors![0]!.extensions!.upstream).toBeUndefined();
    }
    // The same caller spelled otherwise is the same caller.
    const respelled = await graphql('r3', { authorization: held.authorization.replace('Bearer', 'bearer '), 'x-tenant': held['x-tenant'].toUpperCase() });
    expect(respelled.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(sample.requests.length).toBe(before);
    // Another caller, on any replica, is served.
    for (const name of NAMES) expect((await graphql(name, caller('not-cooled'))).errors).toBeUndefined();
    expect(sample.requests.length).toBe(before + 3);
  });

  it(`UPSTREAM_RATE_LIMIT=${RATE}: twelve clients over three replicas get one caller ${RATE} upstream calls a second, no more`, async () => {
    const headers = caller('bucket');
    const durationMs = 10_000;
    const answers: string[] = [];
    let stopping = false;
    const started = Date.now();
    const client = async (name: string) => {
      while (!stopping) {
        const answer = await graphql(name, headers);
        answers.push(answer.errors ? String(answer.errors[0]?.extensions?.code) : 'ok');
      }
    };
    const clients = NAMES.flatMap((name) => Array.from({ length: 4 }, () => client(name)));
    await sleep(durationMs);
    stopping = true;
    await Promise.all(clients);
    const calls = sample.requests.filter((r) => r.headers.authorization === headers.authorization && r.receivedAt >= started);
    const windowMs = Math.max(...calls.map((r) => r.receivedAt)) - started;
    // Whole seconds after the first: the burst of the first second aside.
    const steady = calls.filter((r) => r.receivedAt >= started + 1000);
    const steadyRate = steady.length / ((windowMs - 1000) / 1000);
    console.log(
      `shared bucket at UPSTREAM_RATE_LIMIT=${RATE}/s, 12 clients on 3 replicas for ${durationMs / 1000} s: ${calls.length} upstream calls in ${(windowMs / 1000).toFixed(1)} s ` +
        `(${(calls.length / (windowMs / 1000)).toFixed(2)}/s with the first second's burst, ${steadyRate.toFixed(2)}/s after it); ${answers.length} answers, ` +
        `${answers.filter((a) => a !== 'ok').length} not ok`,
    );
    expect(answers.filter((a) => a !== 'ok')).toEqual([]);
    // The bucket: a burst of one second's calls, then RATE a second, across all replicas together.
    expect(calls.length).toBeLessThanOrEqual(RATE + Math.ceil((windowMs / 1000) * RATE) + 1);
    expect(steadyRate).toBeLessThanOrEqual(RATE * 1.1);
    expect(steadyRate).toBeGreaterThanOrEqual(RATE * 0.6);
  });

  it('Redis holds no token, tenant or log in the clear: every key and value, and every message it relays', async () => {
    const headers = caller('secrecy');
    const spy = redis.client();
    const relayed: Buffer[] = [];
    await spy.psubscribe('*');
    spy.on('pmessageBuffer', (_pattern: Buffer, _channel: Buffer, message: Buffer) => relayed.push(message));
    // A cool-down (before any poll, which the fault would hit instead), a live tail, and a bucket.
    sample.faults.add({ times: 1, action: { type: 'status', status: 429, headers: { 'retry-after': '60' } } });
    const cooled = caller('secrecy-cooled');
    expect((await graphql('r2', cooled)).errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    const subs = await openTails(headers, NAMES, 3);
    await until('one poller in the deployment', async () => (await metricSum('gateway_tail_pollers')) === 1);
    const writer = startWriting(300);
    await sleep(3 * POLL_MS);
    writer.stop();
    await untilDelivered(subs, writer.written);
    expect((await graphql('r3', headers)).errors).toBeUndefined();

    const reader = redis.client();
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await reader.scan(cursor, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    const values: string[] = [];
    for (const key of keys) {
      const type = await reader.type(key);
      expect(type, key).toBe('string');
      values.push((await reader.get(key)) ?? '');
    }
    for (const sub of subs) sub.close();
    const kinds = new Set(keys.map((key) => key.split(':')[2]));
    console.log(`Redis during a tail, a cool-down and a bucket: ${keys.length} keys (${[...kinds].sort().join(', ')}), ${relayed.length} messages relayed`);
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['bucket', 'cooldown', 'lease', 'mark']));
    expect(relayed.length).toBeGreaterThan(0);
    const secrets = [headers.authorization, cooled.authorization, headers['x-tenant'], cooled['x-tenant'], 'shared-state', 'Bearer', ...writer.written];
    const everything = [...keys, ...values, ...relayed.map((message) => message.toString('latin1'))].join('\n').toLowerCase();
    for (const secret of secrets) expect(everything.includes(secret.toLowerCase()), secret).toBe(false);
  });

  it('Redis stopped mid-run: every replica serves on alone (one warning each, /readyz 200), and shares again once it is back; no subscriber misses or repeats a log', async () => {
    const headers = caller('outage');
    const subs = await openTails(headers, NAMES, 6);
    await until('one poller in the deployment', async () => (await metricSum('gateway_tail_pollers')) === 1);
    const warningsBefore = NAMES.map((name) => replica(name).output.filter((line) => line.includes('Redis cannot be reached')).length);
    const writer = startWriting(250);
    await sleep(2 * POLL_MS);

    await redis.stop();
    // Alone: each replica with subscribers polls for them.
    await until('a poller on every replica', async () => (await metricSum('gateway_tail_pollers')) === 3, 10_000);
    for (const name of NAMES) {
      expect((await request(`${replica(name).url}/readyz`)).statusCode, `${name} /readyz`).toBe(200);
      expect((await graphql(name, caller('outage-query'))).errors, `${name} serves`).toBeUndefined();
    }
    await sleep(3 * POLL_MS);

    await redis.restart();
    await until('one poller in the deployment again', async () => (await metricSum('gateway_tail_pollers')) === 1, 20_000);
    const sharedAgain = Date.now();
    await sleep(3 * POLL_MS);
    writer.stop();
    await untilDelivered(subs, writer.written);
    const pollsAfter = pollsBetween(sample.requests, everyProcess, sharedAgain, Date.now()).filter((r) => r.headers.authorization === headers.authorization);
    for (const sub of subs) sub.close();

    const warnings = NAMES.map((name, i) => replica(name).output.filter((line) => line.includes('Redis cannot be reached')).length - warningsBefore[i]!);
    console.log(`Redis outage: warnings per replica ${warnings.join('/')}; ${writer.written.length} logs written, each subscriber got ${subs.map((sub) => idsOf(sub).length).join('/')}`);
    expect(warnings).toEqual([1, 1, 1]);
    expect(new Set(pollsAfter.map((r) => r.headers['x-correlation-id'])).size).toBe(1);
    for (const sub of subs) expect(idsOf(sub)).toEqual(writer.written);
  });

  it(`kill -9 of the polling replica: another takes over within 3 × TAIL_POLL_MS, and the subscribers on the others miss no log and see none twice`, async () => {
    const headers = caller('takeover');
    const subs = await openTails(headers, NAMES, 6);
    await until('one poller in the deployment', async () => (await metricSum('gateway_tail_pollers')) === 1);
    let polling: string | undefined;
    for (const name of NAMES) if ((await metricSum('gateway_tail_pollers', [name])) === 1) polling = name;
    const survivors = subs.filter((_, i) => NAMES[i % NAMES.length] !== polling);
    const writer = startWriting(200);
    await sleep(2 * POLL_MS);

    const before = new Set(pollsBetween(sample.requests, everyProcess, 0, Date.now()).filter((r) => r.headers.authorization === headers.authorization).map((r) => r.headers['x-correlation-id']));
    const killedAt = Date.now();
    replica(polling!).child.kill('SIGKILL');
    await replica(polling!).exited;
    replicas.delete(polling!);
    await until('another replica to poll', () =>
      pollsBetween(sample.requests, everyProcess, killedAt, Date.now()).some((r) => r.headers.authorization === headers.authorization && !before.has(r.headers['x-correlation-id'] as string)),
    );
    const takeover = pollsBetween(sample.requests, everyProcess, killedAt, Date.now()).find((r) => r.headers.authorization === headers.authorization && !before.has(r.headers['x-correlation-id'] as string))!;
    const takeoverMs = takeover.receivedAt - killedAt;
    await sleep(3 * POLL_MS);
    writer.stop();
    await untilDelivered(survivors, writer.written);
    for (const sub of subs) sub.close();
    console.log(`takeover after kill -9 of ${polling}: the first poll by another replica came ${takeoverMs} ms later (TAIL_POLL_MS=${POLL_MS}); ${writer.written.length} logs written, the ${survivors.length} subscribers on the other replicas got ${survivors.map((sub) => idsOf(sub).length).join('/')}`);
    expect(takeoverMs).toBeLessThanOrEqual(3 * POLL_MS + SCHEDULING_MARGIN_MS);
    for (const sub of survivors) expect(idsOf(sub)).toEqual(writer.written);
  });
});
