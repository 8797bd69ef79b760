import { createLocalRateLimiter, type RateLimiter } from './rate-limiter.js';
import type { RedisLink } from './redis-connection.js';
import type { SharedNames } from './shared-names.js';
import { bucketShape } from './token-bucket.js';

/**
 * The token bucket every replica draws from: reserveCall (token-bucket.ts) as one
 * Lua script, on Redis's own clock (replicas' clocks may differ), so concurrent
 * reservations from any number of replicas are taken one after another. The key
 * holds one number and expires once the bucket would be full again. While Redis is
 * away each replica draws from a bucket of its own.
 */

const RESERVE = `
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local maxWait = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local due = tat - tolerance
if due < now then due = now end
local wait = due - now
if wait > maxWait then return {0, math.ceil(wait)} end
local nextTat = tat + interval
redis.call('SET', KEYS[1], string.format('%.3f', nextTat), 'PX', math.ceil(nextTat - now) + 1000)
return {1, math.ceil(wait)}
`;

export function createRedisRateLimiter(link: RedisLink, names: SharedNames, perSecond: number, clock: () => number = Date.now): RateLimiter {
  const local = createLocalRateLimiter(perSecond, clock);
  const shape = bucketShape(perSecond);
  link.commands.defineCommand('gatewayBucketReserve', { numberOfKeys: 1, lua: RESERVE });
  const redis = link.commands as unknown as { gatewayBucketReserve(key: string, interval: string, tolerance: string, maxWait: string): Promise<[number, number]> };
  return {
    async reserve(caller, maxWaitMs) {
      if (!link.available()) return local.reserveNow(caller, maxWaitMs);
      try {
        const [ok, waitMs] = await redis.gatewayBucketReserve(names.key('bucket', caller), String(shape.intervalMs), String(shape.toleranceMs), String(Math.max(0, Math.floor(maxWaitMs))));
        return { ok: ok === 1, waitMs };
      } catch {
        return local.reserveNow(caller, maxWaitMs);
      }
    },
  };
}
