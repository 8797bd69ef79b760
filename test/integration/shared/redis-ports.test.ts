import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/observability/logger.js';
import { COMMAND_TIMEOUT_MS, connectRedis, type RedisLink } from '../../../src/shared/redis-connection.js';
import { createRedisCooldowns } from '../../../src/shared/redis-cooldowns.js';
import { createRedisFanOut } from '../../../src/shared/redis-fan-out.js';
import { createRedisLease } from '../../../src/shared/redis-lease.js';
import { createRedisRateLimiter } from '../../../src/shared/redis-rate-limiter.js';
import { createSealer, createSharedNames } from '../../../src/shared/shared-names.js';
import { noticeRedisSkip, RUN_REDIS_TESTS, startRedisServer, type RedisServer } from '../../support/redis-server.js';

/**
 * The Redis side of each shared-state port against a real redis-server, two
 * "replicas" being two links of their own: the lease's hand-over, cool-downs and the
 * bucket seen by both, the fan-out between them, and falling back to working alone
 * while Redis is down.
 */

noticeRedisSkip('the Redis shared-state ports');

const SECRET = 'redis-ports-test-secret-0123456789';
const logger = createLogger('silent');
const names = createSharedNames(SECRET);
const sealer = createSealer(SECRET);

describe.skipIf(!RUN_REDIS_TESTS)('shared state through a real Redis', () => {
  let redis: RedisServer;
  let a: RedisLink;
  let b: RedisLink;
  const ready = async (...links: RedisLink[]) => {
    const deadline = Date.now() + 10_000;
    while (!links.every((link) => link.available())) {
      if (Date.now() > deadline) throw new Error('Redis did not become available');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    a = connectRedis(redis.url, logger);
    b = connectRedis(redis.url, logger);
    await ready(a, b);
  });

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await redis?.stop();
  });

  it('the lease: one holder at a time, renewed by it alone, its mark handed to the next, given up at once or when it runs out', async () => {
    const leaseA = createRedisLease(a, names, 'replica-a');
    const leaseB = createRedisLease(b, names, 'replica-b');
    expect(await leaseA.acquire('tail-1', 300)).toEqual({ held: true, mark: null });
    expect(await leaseB.acquire('tail-1', 300)).toEqual({ held: false, unavailable: false });
    await leaseA.record('tail-1', 1234.5, 60_000);
    // Only the holder records.
    await leaseB.record('tail-1', 9999, 60_000);
    expect(await leaseA.acquire('tail-1', 300)).toEqual({ held: true, mark: 1234.5 });
    await leaseB.release('tail-1');
    expect(await leaseB.acquire('tail-1', 300)).toMatchObject({ held: false });
    await leaseA.release('tail-1');
    expect(await leaseB.acquire('tail-1', 300)).toEqual({ held: true, mark: 1234.5 });
    // Not renewed: it runs out.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await leaseA.acquire('tail-1', 300)).toEqual({ held: true, mark: 1234.5 });
  });

  it('a cool-down set through one replica holds the caller on the other for the time left; the longer of two stands', async () => {
    const coolA = createRedisCooldowns(a, names);
    const coolB = createRedisCooldowns(b, names);
    await coolA.hold('caller-1', 30_000);
    await coolB.hold('caller-1', 1_000);
    const left = await coolB.remainingMs('caller-1');
    expect(left).toBeGreaterThan(28_000);
    expect(left).toBeLessThanOrEqual(30_000);
    expect(await coolB.remainingMs('caller-2')).toBe(0);
  });

  it('the bucket is one for both replicas: a burst of one second\'s calls, then turns an interval apart, whoever asks', async () => {
    const limitA = createRedisRateLimiter(a, names, 4);
    const limitB = createRedisRateLimiter(b, names, 4);
    const turns = [];
    for (let i = 0; i < 8; i++) turns.push(await (i % 2 === 0 ? limitA : limitB).reserve('caller-bucket', 10_000));
    expect(turns.every((turn) => turn.ok)).toBe(true);
    expect(turns.slice(0, 4).every((turn) => turn.waitMs <= 5)).toBe(true);
    // Turns 5-8 are 250 ms apart (give or take the time the calls themselves took).
    for (let i = 5; i < 8; i++) expect(turns[i]!.waitMs - turns[i - 1]!.waitMs).toBeGreaterThanOrEqual(240);
    expect(turns[7]!.waitMs).toBeGreaterThanOrEqual(900);
    // A turn beyond the wait allowed is refused, and reserves nothing.
    const refused = await limitB.reserve('caller-bucket', 100);
    expect(refused.ok).toBe(false);
    expect(refused.waitMs).toBeGreaterThan(100);
    expect(await limitA.reserve('other-caller', 0)).toEqual({ ok: true, waitMs: 0 });
  });

  it('the fan-out: a message reaches the other replica, sealed, and not its sender', async () => {
    const outA = createRedisFanOut(a, names, sealer, 'replica-a', logger);
    const outB = createRedisFanOut(b, names, sealer, 'replica-b', logger);
    const heardA: string[] = [];
    const heardB: string[] = [];
    let upB = 0;
    const offA = outA.subscribe('topic-1', { message: (text) => heardA.push(text), up: () => {}, down: () => {} });
    const offB = outB.subscribe('topic-1', { message: (text) => heardB.push(text), up: () => void (upB += 1), down: () => {} });
    await expect.poll(() => outA.flowing('topic-1') && outB.flowing('topic-1'), { timeout: 5_000, interval: 20 }).toBe(true);
    expect(upB).toBe(1);
    await outA.publish('topic-1', () => 'batch 1 for tenant.example');
    await outA.publish('topic-1', () => 'batch 2');
    await expect.poll(() => heardB, { timeout: 5_000, interval: 20 }).toEqual(['batch 1 for tenant.example', 'batch 2']);
    expect(heardA).toEqual([]);
    offA();
    offB();
  });

  it('Redis down: the ports answer from the replica\'s own state at once, the fan-out says so, and all is shared again once it is back', async () => {
    const lease = createRedisLease(a, names, 'replica-a');
    const cool = createRedisCooldowns(a, names);
    const limit = createRedisRateLimiter(a, names, 1);
    const out = createRedisFanOut(a, names, sealer, 'replica-a', logger);
    const events: string[] = [];
    out.subscribe('topic-2', { message: () => {}, up: () => events.push('up'), down: () => events.push('down') });
    await expect.poll(() => events, { timeout: 5_000, interval: 20 }).toEqual(['up']);

    await redis.stop();
    await expect.poll(() => a.available(), { timeout: 5_000, interval: 20 }).toBe(false);
    expect(events).toEqual(['up', 'down']);
    const started = performance.now();
    expect(await lease.acquire('tail-2', 1000)).toEqual({ held: false, unavailable: true });
    await cool.hold('caller-3', 5_000);
    expect(await cool.remainingMs('caller-3')).toBeGreaterThan(4_000);
    expect((await limit.reserve('caller-4', 0)).ok).toBe(true);
    expect((await limit.reserve('caller-4', 0)).ok).toBe(false);
    // None of it waited for Redis (five commands that waited would take five timeouts).
    expect(performance.now() - started).toBeLessThan(COMMAND_TIMEOUT_MS);

    await redis.restart();
    await ready(a);
    await expect.poll(() => events, { timeout: 10_000, interval: 20 }).toEqual(['up', 'down', 'up']);
    expect(await lease.acquire('tail-2', 1000)).toEqual({ held: true, mark: null });
  });
});
