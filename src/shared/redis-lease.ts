import type { Lease, LeaseAnswer } from './lease.js';
import type { RedisLink } from './redis-connection.js';
import type { SharedNames } from './shared-names.js';

/**
 * The lease in Redis: `SET NX PX` to take it, `PEXPIRE` to renew it, both only for
 * its holder and atomically (a Lua script), with the holder's recorded progress read
 * in the same step. The lease's value is the holder's random replica id; the mark
 * is a number. Any Redis failure is answered `unavailable`: the caller works alone.
 */

const ACQUIRE = `
local holder = redis.call('GET', KEYS[1])
if holder == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
elseif holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
else
  return {0}
end
return {1, redis.call('GET', KEYS[2])}
`;

const RECORD = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
end
return 0
`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
end
return 0
`;

type Scripted = {
  gatewayLeaseAcquire(lease: string, mark: string, holder: string, ttlMs: number): Promise<[number, string | null]>;
  gatewayLeaseRecord(lease: string, mark: string, holder: string, value: string, keepMs: number): Promise<number>;
  gatewayLeaseRelease(lease: string, holder: string): Promise<number>;
};

export function createRedisLease(link: RedisLink, names: SharedNames, replicaId: string): Lease {
  link.commands.defineCommand('gatewayLeaseAcquire', { numberOfKeys: 2, lua: ACQUIRE });
  link.commands.defineCommand('gatewayLeaseRecord', { numberOfKeys: 2, lua: RECORD });
  link.commands.defineCommand('gatewayLeaseRelease', { numberOfKeys: 1, lua: RELEASE });
  const redis = link.commands as unknown as Scripted;
  const keys = (name: string) => ({ lease: names.key('lease', name), mark: names.key('mark', name) });
  return {
    async acquire(name, ttlMs): Promise<LeaseAnswer> {
      if (!link.available()) return { held: false, unavailable: true };
      const { lease, mark } = keys(name);
      try {
        const [held, recorded] = await redis.gatewayLeaseAcquire(lease, mark, replicaId, Math.ceil(ttlMs));
        if (held !== 1) return { held: false, unavailable: false };
        const value = recorded === null || recorded === undefined ? NaN : Number(recorded);
        return { held: true, mark: Number.isFinite(value) ? value : null };
      } catch {
        return { held: false, unavailable: true };
      }
    },
    async record(name, value, keepMs) {
      if (!link.available()) return;
      const { lease, mark } = keys(name);
      await redis.gatewayLeaseRecord(lease, mark, replicaId, String(value), Math.ceil(keepMs)).catch(() => {});
    },
    async release(name) {
      if (!link.available()) return;
      await redis.gatewayLeaseRelease(keys(name).lease, replicaId).catch(() => {});
    },
  };
}
