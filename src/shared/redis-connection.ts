import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../observability/logger.js';

/**
 * The two connections a replica keeps to Redis: one for commands, one for pub/sub
 * (a subscribed connection takes no other commands). Neither ever holds a request
 * up: commands fail at once while a connection is down (no offline queue) and
 * within COMMAND_TIMEOUT_MS when Redis does not answer; the callers fall back to
 * working alone. ioredis reconnects on its own, forever. An outage is logged once
 * as a warning when it begins and once when it ends.
 */
export interface RedisLink {
  readonly commands: Redis;
  readonly subscriber: Redis;
  /** True while both connections are ready. */
  available(): boolean;
  /** Told each time `available()` changes. */
  onChange(listener: (available: boolean) => void): () => void;
  /** Closes both connections; later commands fail (and callers work alone). */
  close(): Promise<void>;
}

/** A command Redis has not answered by then counts as failed: the caller works alone for it. */
export const COMMAND_TIMEOUT_MS = 1_000;
/** Pause before the n-th attempt to reconnect, capped here. */
const MAX_RECONNECT_DELAY_MS = 1_000;

/** Where Redis is, for log lines: host, port and database, never the password. */
export function describeRedisUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.hostname}:${parsed.port || '6379'}${parsed.pathname.length > 1 ? parsed.pathname : ''}`;
}

export function connectRedis(url: string, logger: Logger): RedisLink {
  const where = describeRedisUrl(url);
  const options: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: 2_000,
    autoResubscribe: false,
    keepAlive: 10_000,
    retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    // Its own name in CLIENT LIST, so an operator can tell the gateway's connections apart.
    connectionName: 'audit-gateway',
  };
  const commands = new Redis(url, options);
  const subscriber = new Redis(url, options);
  const listeners = new Set<(available: boolean) => void>();
  let up = false;
  let warned = false;
  let closed = false;

  const update = (): void => {
    if (closed) return;
    const now = commands.status === 'ready' && subscriber.status === 'ready';
    if (now === up) return;
    up = now;
    if (now) {
      if (warned) logger.info({ redis: where }, 'Redis is reachable again: sharing live-tail pollers, cool-downs and rate limits with the other replicas');
      else logger.info({ redis: where }, 'connected to Redis: sharing live-tail pollers, cool-downs and rate limits with the other replicas');
      warned = false;
    }
    for (const listener of [...listeners]) listener(now);
  };
  const trouble = (error: unknown): void => {
    update();
    if (closed || warned || up) return;
    warned = true;
    const code = (error as { code?: unknown } | undefined)?.code;
    logger.warn({ redis: where, code: typeof code === 'string' ? code : undefined }, 'Redis cannot be reached: this replica works alone (its own pollers, cool-downs and rate limits) until it is back');
  };
  for (const client of [commands, subscriber]) {
    client.on('ready', update);
    // Unheard, an 'error' event would end the process; each failed reconnection emits one.
    client.on('error', trouble);
    client.on('close', () => trouble(undefined));
    client.on('end', () => trouble(undefined));
  }

  return {
    commands,
    subscriber,
    available: () => up,
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async close() {
      closed = true;
      up = false;
      listeners.clear();
      await Promise.all([commands, subscriber].map((client) => client.quit().catch(() => client.disconnect())));
    },
  };
}
