import { randomUUID } from 'node:crypto';
import { Gauge, type Registry } from 'prom-client';
import type { Config } from '../config.js';
import type { Logger } from '../observability/logger.js';
import { createLocalCooldowns, type Cooldowns } from './cooldowns.js';
import { createMemoryBus, type FanOut } from './fan-out.js';
import { createMemoryLeases, type Lease } from './lease.js';
import { createLocalRateLimiter, UNLIMITED, type RateLimiter } from './rate-limiter.js';
import { connectRedis } from './redis-connection.js';
import { createRedisCooldowns } from './redis-cooldowns.js';
import { createRedisFanOut } from './redis-fan-out.js';
import { createRedisLease } from './redis-lease.js';
import { createRedisRateLimiter } from './redis-rate-limiter.js';
import { createSealer, createSharedNames } from './shared-names.js';

export type { Cooldowns } from './cooldowns.js';
export type { FanOut, FanOutHandlers } from './fan-out.js';
export type { Lease, LeaseAnswer } from './lease.js';
export type { RateLimiter } from './rate-limiter.js';
export { createMemoryBus } from './fan-out.js';
export { createMemoryLeases } from './lease.js';
export { createLocalCooldowns } from './cooldowns.js';
export { createLocalRateLimiter, UNLIMITED } from './rate-limiter.js';

/** The settings shared state is built from, by their names in the configuration. */
export type SharedStateSettings = Pick<Config, 'redisUrl' | 'cursorSecret' | 'upstreamRateLimit'>;

/** What replicas share, as ports: the upstream client takes the first two, the live tail the last two. */
export interface SharedState {
  cooldowns: Cooldowns;
  rateLimiter: RateLimiter;
  lease: Lease;
  fanOut: FanOut;
  /** True when shared through Redis and Redis is reachable now. */
  connected(): boolean;
  close(): Promise<void>;
}

/**
 * The shared state of this replica: through Redis when REDIS_URL is set, else in
 * memory (the replica alone holds every lease and hears no one, its cool-downs and
 * buckets are its own). Without REDIS_URL nothing connects anywhere.
 */
export function createSharedState(settings: SharedStateSettings, deps: { logger: Logger; clock?: () => number; registry?: Registry }): SharedState {
  const clock = deps.clock ?? Date.now;
  const rate = settings.upstreamRateLimit;
  if (settings.redisUrl === undefined) {
    return {
      cooldowns: createLocalCooldowns(clock),
      rateLimiter: rate === undefined ? UNLIMITED : createLocalRateLimiter(rate, clock),
      lease: createMemoryLeases(clock).holder(),
      fanOut: createMemoryBus().endpoint(),
      connected: () => false,
      close: async () => {},
    };
  }
  const link = connectRedis(settings.redisUrl, deps.logger);
  if (deps.registry) {
    new Gauge({
      name: 'gateway_redis_connected',
      help: 'Whether this replica reaches the Redis of REDIS_URL now (1) or works alone (0).',
      registers: [deps.registry],
      collect() {
        this.set(link.available() ? 1 : 0);
      },
    });
  }
  // The signing secret names and seals: while a rotation moves a new one first, the
  // replicas on either side share state within their own group until the roll ends.
  const signingSecret = settings.cursorSecret[0]!;
  const names = createSharedNames(signingSecret);
  const replicaId = randomUUID();
  return {
    cooldowns: createRedisCooldowns(link, names, clock),
    rateLimiter: rate === undefined ? UNLIMITED : createRedisRateLimiter(link, names, rate, clock),
    lease: createRedisLease(link, names, replicaId),
    fanOut: createRedisFanOut(link, names, createSealer(signingSecret), replicaId, deps.logger),
    connected: () => link.available(),
    close: () => link.close(),
  };
}
