import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startSampleUpstream, type SampleUpstream } from '../../../tools/sample-upstream/index.js';
import { noticeRedisSkip, RUN_REDIS_TESTS, startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { freePort, HAPROXY, haproxyAvailable, startHaproxy, type Haproxy } from './support/haproxy.js';
import { perMinute, pollsBetween } from './support/polls.js';
import { resilientTail, type ResilientTail } from './support/resilient-tail.js';

/**
 * The rolling restart behind HAProxy (rolling-restart.test.ts) with REDIS_URL set:
 * three replicas, live-tail subscribers on each over SSE and WebSocket that
 * subscribe again with their last cursor, every replica restarted in turn. The
 * subscribers miss nothing and see nothing twice, and the upstream gets the tail
 * calls of one poller the whole time, as from one replica.
 */

const REQUIRED = process.env.REQUIRE_HAPROXY === '1';
const HAPROXY_THERE = haproxyAvailable();
noticeRedisSkip('the rolling restart with Redis');
if (!HAPROXY_THERE && !REQUIRED) console.warn(`!!! SKIPPED: the rolling restart with Redis needs HAProxy (\`${HAPROXY}\` is not there); see rolling-restart.test.ts`);

const CALLER = { authorization: 'Bearer replicas-redis-token', 'x-tenant': 'replicas-redis.example' };
const CURSOR_SECRET = 'replicas-redis-cursor-secret-0123';
const CHECK = { interMs: 500, fall: 2, rise: 2 };
const SHUTDOWN_DELAY_MS = 5000;
const POLL_MS = 1000;
const NAMES = ['r1', 'r2', 'r3'] as const;
const START_TIMEOUT_MS = 90_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!RUN_REDIS_TESTS || (!HAPROXY_THERE && !REQUIRED))('replicas behind HAProxy sharing Redis', () => {
  let redis: RedisServer;
  let sample: SampleUpstream;
  let haproxy: Haproxy | undefined;
  const replicas = new Map<string, { port: number; process: GatewayProcess }>();
  const everyProcess: GatewayProcess[] = [];

  const startReplica = async (name: string, port: number) => {
    const process = await startGatewayProcess(
      { UPSTREAM_URL: sample.url, REDIS_URL: redis.url, PORT: String(port), CURSOR_SECRET, SHUTDOWN_DELAY_MS: String(SHUTDOWN_DELAY_MS), TAIL_POLL_MS: String(POLL_MS) },
      { listenTimeoutMs: START_TIMEOUT_MS },
    );
    replicas.set(name, { port, process });
    everyProcess.push(process);
  };
  const status = async (name: string) => (await haproxy!.servers()).find((server) => server.name === name)?.status ?? '';
  const waitFor = async (what: string, done: () => Promise<boolean>, timeoutMs = 30_000) => {
    const deadline = performance.now() + timeoutMs;
    while (!(await done())) {
      if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(50);
    }
  };
  const openPerReplica = async () => {
    const counts: number[] = [];
    for (const { process } of replicas.values()) {
      const text = await (await request(`${process.url}/metrics`)).body.text();
      counts.push(Number(/^gateway_tail_subscriptions (\d+)/m.exec(text)?.[1] ?? 0));
    }
    return counts;
  };

  beforeAll(async () => {
    expect(HAPROXY_THERE, `REQUIRE_HAPROXY=1 but ${HAPROXY} is not there`).toBe(true);
    redis = await startRedisServer();
    sample = await startSampleUpstream({ maxRecordedRequests: 200_000 });
    const ports = await Promise.all(NAMES.map(() => freePort()));
    await Promise.all(NAMES.map((name, i) => startReplica(name, ports[i]!)));
    haproxy = await startHaproxy({ servers: Object.fromEntries(NAMES.map((name, i) => [name, ports[i]!])), check: CHECK });
    for (const name of NAMES) await waitFor(`${name} UP`, async () => (await status(name)) === 'UP');
  }, 180_000);

  afterAll(async () => {
    await haproxy?.stop();
    await Promise.all([...replicas.values()].map(({ process }) => process.stop('SIGKILL')));
    await sample?.close();
    await redis?.stop();
  });

  it('a rolling restart: subscribers on every replica miss no log and see none twice, and the upstream sees one poller\'s tail calls per minute throughout', async () => {
    const tails: Array<{ kind: string; tail: ResilientTail }> = (['sse', 'ws', 'sse', 'ws', 'sse', 'ws'] as const).map((kind) => ({ kind, tail: resilientTail(kind, haproxy!.url, CALLER) }));
    await waitFor('a subscriber on every replica', async () => (await openPerReplica()).every((count) => count > 0) && (await openPerReplica()).reduce((a, b) => a + b, 0) === tails.length);
    const spread = await openPerReplica();
    const written: string[] = [];
    const writer = setInterval(() => written.push(sample.store.insert({ timestamp: new Date().toISOString() }).id), 250);
    const from = Date.now();

    for (const name of NAMES) {
      const old = replicas.get(name)!;
      old.process.child.kill('SIGTERM');
      expect(await old.process.exited).toBe(0);
      await startReplica(name, old.port);
      await waitFor(`${name} UP again`, async () => (await status(name)) === 'UP');
    }
    await sleep(3000);
    const to = Date.now();
    clearInterval(writer);
    const last = written.at(-1)!;
    await waitFor('every subscriber to get the last log', async () => tails.every(({ tail }) => tail.ids.includes(last)), 60_000).catch(() => {});
    await Promise.all(tails.map(({ tail }) => tail.stop()));

    const polls = pollsBetween(sample.requests, everyProcess, from, to).filter((r) => r.headers.authorization === CALLER.authorization);
    const pollers = new Set(polls.map((r) => r.headers['x-correlation-id'])).size;
    const rate = perMinute(polls.length, to - from);
    console.log(
      `rolling restart with Redis: subscribers per replica at the start ${spread.join('/')}; ${written.length} logs written in ${((to - from) / 1000).toFixed(1)} s; ` +
        `${tails.map(({ kind, tail }) => `${kind} got ${tail.ids.length} over ${tail.streams} streams`).join(', ')}; ` +
        `upstream tail calls ${rate}/min by ${pollers} pollers in turn (one replica's: ${60_000 / POLL_MS}/min; three replicas alone: ${3 * (60_000 / POLL_MS)}/min)`,
    );
    for (const { kind, tail } of tails) {
      expect(tail.ids, `${kind} subscriber`).toEqual(written);
      expect(tail.streams, `${kind} subscriber reconnected`).toBeGreaterThan(1);
    }
    // One poller at a time: a hand-over adds at most a poll, never a second poller's rate.
    expect(rate).toBeLessThanOrEqual(1.25 * (60_000 / POLL_MS));
    expect(rate).toBeGreaterThanOrEqual(0.5 * (60_000 / POLL_MS));
  });
});
