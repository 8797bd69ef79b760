import { createLocalCooldowns, type Cooldowns } from './cooldowns.js';
import type { RedisLink } from './redis-connection.js';
import type { SharedNames } from './shared-names.js';

/**
 * Cool-downs every replica sees: a key per caller that lives as long as the wait
 * (its value says nothing), read with PTTL before each upstream call. Each replica
 * also keeps its own, so it holds its callers while Redis is away.
 */

const HOLD = `
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
end
return 0
`;

export function createRedisCooldowns(link: RedisLink, names: SharedNames, clock: () => number = Date.now): Cooldowns {
  const local = createLocalCooldowns(clock);
  link.commands.defineCommand('gatewayCooldownHold', { numberOfKeys: 1, lua: HOLD });
  const redis = link.commands as unknown as { gatewayCooldownHold(key: string, ms: number): Promise<number> };
  return {
    async remainingMs(caller) {
      const mine = local.remainingNow(caller);
      if (!link.available()) return mine;
      try {
        const shared = await link.commands.pttl(names.key('cooldown', caller));
        return Math.max(mine, shared > 0 ? shared : 0);
      } catch {
        return mine;
      }
    },
    async hold(caller, ms) {
      local.holdNow(caller, ms);
      if (!link.available() || ms <= 0) return;
      await redis.gatewayCooldownHold(names.key('cooldown', caller), Math.ceil(ms)).catch(() => {});
    },
  };
}
