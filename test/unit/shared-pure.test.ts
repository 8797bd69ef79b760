import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createSealer, createSharedNames, KEY_PREFIX } from '../../src/shared/shared-names.js';
import { bucketShape, reserveCall } from '../../src/shared/token-bucket.js';
import { createLocalCooldowns } from '../../src/shared/cooldowns.js';
import { describeRedisUrl } from '../../src/shared/redis-connection.js';
import { callerKey } from '../../src/model/caller.js';

describe('the token bucket (GCRA)', () => {
  it('lets a burst of one second\'s calls go at once, then one per interval, first come first served', () => {
    const shape = bucketShape(5);
    expect(shape).toEqual({ intervalMs: 200, toleranceMs: 800 });
    let tat: number | undefined;
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      const reservation = reserveCall(shape, tat, 10_000, 60_000);
      expect(reservation.ok).toBe(true);
      if (reservation.ok) tat = reservation.tat;
      waits.push(reservation.waitMs);
    }
    expect(waits).toEqual([0, 0, 0, 0, 0, 200, 400, 600]);
  });

  it('holds the rate over a long run whatever the demand: calls in D seconds are at most burst + rate × D', () => {
    const shape = bucketShape(3);
    let tat: number | undefined;
    const due: number[] = [];
    // Ten callers asking every 10 ms for 20 s, each taking the turn it is given.
    for (let now = 0; now < 20_000; now += 10) {
      const reservation = reserveCall(shape, tat, now, 1_000_000);
      if (!reservation.ok) continue;
      tat = reservation.tat;
      due.push(now + reservation.waitMs);
    }
    for (let from = 0; from < 15_000; from += 1000) {
      const inWindow = due.filter((at) => at >= from && at < from + 5000).length;
      expect(inWindow).toBeLessThanOrEqual(3 + 3 * 5);
    }
  });

  it('refuses without reserving when the turn would come later than the call may wait', () => {
    const shape = bucketShape(1);
    const first = reserveCall(shape, undefined, 0, 0);
    expect(first).toEqual({ ok: true, waitMs: 0, tat: 1000 });
    const refused = reserveCall(shape, 1000, 0, 500);
    expect(refused).toEqual({ ok: false, waitMs: 1000 });
    // Nothing was taken: with a longer wait allowed, the same turn is given.
    expect(reserveCall(shape, 1000, 0, 1000)).toEqual({ ok: true, waitMs: 1000, tat: 2000 });
    // A bucket left alone fills up again.
    expect(reserveCall(shape, 1000, 5000, 0)).toEqual({ ok: true, waitMs: 0, tat: 6000 });
  });

  it('a rate under one call a second has a burst of one', () => {
    expect(bucketShape(0.5)).toEqual({ intervalMs: 2000, toleranceMs: 0 });
  });
});

describe('the local cool-downs', () => {
  it('hold a caller for the wait, keep the longer of two holds, and hold no one else', async () => {
    let now = 0;
    const cooldowns = createLocalCooldowns(() => now);
    await cooldowns.hold('a', 3000);
    await cooldowns.hold('a', 1000);
    expect(await cooldowns.remainingMs('a')).toBe(3000);
    expect(await cooldowns.remainingMs('b')).toBe(0);
    now = 2500;
    expect(await cooldowns.remainingMs('a')).toBe(500);
    now = 3000;
    expect(await cooldowns.remainingMs('a')).toBe(0);
  });
});

describe('names and messages in Redis', () => {
  const key = callerKey({ authorization: 'Bearer secret-token', tenant: 'tenant.example' });

  it('name keys by an HMAC under the deployment secret: nothing of the caller key, different per kind and per secret', () => {
    const names = createSharedNames('a-secret-of-at-least-16-characters');
    const cooldown = names.key('cooldown', key);
    expect(cooldown.startsWith(`${KEY_PREFIX}cooldown:`)).toBe(true);
    expect(cooldown).not.toContain(key);
    expect(cooldown).toBe(names.key('cooldown', key));
    expect(names.key('bucket', key).split(':').at(-1)).not.toBe(cooldown.split(':').at(-1));
    expect(createSharedNames('another-secret-of-16-characters').key('cooldown', key)).not.toBe(cooldown);
    expect(names.channel(key)).not.toContain(key);
  });

  it('seal messages: unreadable in Redis, opened only under the same secret and channel', () => {
    const sealer = createSealer('a-secret-of-at-least-16-characters');
    const sealed = sealer.seal('channel-a', 'log 4711 of tenant.example');
    expect(sealed.toString('latin1')).not.toContain('tenant.example');
    expect(sealer.open('channel-a', sealed)).toBe('log 4711 of tenant.example');
    expect(sealer.open('channel-b', sealed)).toBeUndefined();
    expect(createSealer('another-secret-of-16-characters').open('channel-a', sealed)).toBeUndefined();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(sealer.open('channel-a', tampered)).toBeUndefined();
    expect(sealer.open('channel-a', Buffer.alloc(5))).toBeUndefined();
  });

  it('log lines name Redis by host, port and database, never by its password', () => {
    expect(describeRedisUrl('redis://:hunter2hunter2@redis.internal:6380/2')).toBe('redis://redis.internal:6380/2');
    expect(describeRedisUrl('rediss://user:pw@redis.internal')).toBe('rediss://redis.internal:6379');
  });
});

describe('REDIS_URL and UPSTREAM_RATE_LIMIT', () => {
  it('are off by default', () => {
    const config = loadConfig({});
    expect(config.redisUrl).toBeUndefined();
    expect(config.upstreamRateLimit).toBeUndefined();
  });

  it('accept redis:// and rediss:// URLs and decimal rates', () => {
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379/0' }).redisUrl).toBe('redis://127.0.0.1:6379/0');
    expect(loadConfig({ REDIS_URL: 'rediss://:pw@redis.internal:6380' }).redisUrl).toBe('rediss://:pw@redis.internal:6380');
    expect(loadConfig({ UPSTREAM_RATE_LIMIT: '0.5' }).upstreamRateLimit).toBe(0.5);
    expect(loadConfig({ UPSTREAM_RATE_LIMIT: '20' }).upstreamRateLimit).toBe(20);
  });

  it('refuse anything else, and never repeat a REDIS_URL (it may hold a password)', () => {
    for (const bad of ['http://127.0.0.1:6379', 'redis://', 'not a url', 'redis://:hunter2@host/db']) {
      expect(() => loadConfig({ REDIS_URL: bad })).toThrow(/REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
      try {
        loadConfig({ REDIS_URL: bad });
      } catch (error) {
        expect(String((error as Error).message)).not.toContain('hunter2');
      }
    }
    for (const bad of ['0', '-1', 'fast', '1e3', '100001']) expect(() => loadConfig({ UPSTREAM_RATE_LIMIT: bad })).toThrow(/UPSTREAM_RATE_LIMIT must be a number of calls per second/);
  });
});
