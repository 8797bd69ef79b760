import type { Logger } from '../observability/logger.js';
import type { FanOut, FanOutHandlers } from './fan-out.js';
import type { RedisLink } from './redis-connection.js';
import type { Sealer, SharedNames } from './shared-names.js';

/**
 * The fan-out over Redis pub/sub, on the link's subscriber connection: a channel per
 * topic, subscribed while some subscription of this replica wants it and again after
 * every reconnection. Pub/sub keeps nothing: a message published while this replica
 * is not subscribed is never delivered to it, which is why `down` and `up` are told
 * (the live tail repairs such a gap with one read of its own). While connected,
 * Redis delivers every message of a channel in the order it was published.
 * A replica's own messages come back to it and are dropped here.
 */
export function createRedisFanOut(link: RedisLink, names: SharedNames, sealer: Sealer, replicaId: string, logger: Logger): FanOut {
  const wanted = new Map<string, Set<FanOutHandlers>>();
  /** Channels whose SUBSCRIBE Redis confirmed since the subscriber connection last came up. */
  const confirmed = new Set<string>();
  const prefix = `${replicaId}\n`;

  const join = (channel: string): void => {
    if (!link.available()) return;
    link.subscriber.subscribe(channel).then(
      () => {
        const handlers = wanted.get(channel);
        if (handlers === undefined) return void link.subscriber.unsubscribe(channel).catch(() => {});
        confirmed.add(channel);
        for (const handler of [...handlers]) handler.up();
      },
      (error: unknown) => logger.debug({ err: error }, 'shared state: could not subscribe; it is tried again when Redis is back'),
    );
  };

  link.subscriber.on('messageBuffer', (channelBuffer: Buffer, message: Buffer) => {
    const channel = channelBuffer.toString();
    const handlers = wanted.get(channel);
    if (handlers === undefined) return;
    const text = sealer.open(channel, message);
    if (text === undefined) return void logger.warn({ channel }, 'shared state: dropped a message not sealed by a replica of this deployment (another CURSOR_SECRET?)');
    if (text.startsWith(prefix)) return;
    const body = text.slice(text.indexOf('\n') + 1);
    for (const handler of [...handlers]) handler.message(body);
  });
  link.onChange((available) => {
    if (available) {
      for (const channel of wanted.keys()) join(channel);
      return;
    }
    const lost = [...confirmed];
    confirmed.clear();
    for (const channel of lost) for (const handler of [...(wanted.get(channel) ?? [])]) handler.down();
  });

  return {
    subscribe(topic, handlers) {
      const channel = names.channel(topic);
      let set = wanted.get(channel);
      if (set === undefined) {
        set = new Set();
        wanted.set(channel, set);
        set.add(handlers);
        join(channel);
      } else {
        set.add(handlers);
        if (confirmed.has(channel)) queueMicrotask(() => wanted.get(channel)?.has(handlers) && handlers.up());
      }
      return () => {
        const current = wanted.get(channel);
        if (current === undefined || !current.delete(handlers) || current.size > 0) return;
        wanted.delete(channel);
        confirmed.delete(channel);
        if (link.available()) link.subscriber.unsubscribe(channel).catch(() => {});
      };
    },
    async publish(topic, encode) {
      if (!link.available()) return;
      const channel = names.channel(topic);
      await link.commands.publish(channel, sealer.seal(channel, prefix + encode())).catch(() => {});
    },
    flowing: (topic) => confirmed.has(names.channel(topic)),
  };
}
