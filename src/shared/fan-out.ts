/**
 * Messages between replicas, by topic (the live tail: one per tail). A replica hears
 * what the others publish while it is connected; what is published while it is not
 * is lost to it, and `down`/`up` tell it when that may have happened.
 */

export interface FanOutHandlers {
  /** A message another replica published. */
  message(text: string): void;
  /** Messages flow for this topic: once subscribed, and again after each reconnection. */
  up(): void;
  /** Messages may be missed from now until the next `up`. */
  down(): void;
}

export interface FanOut {
  /** Listens to `topic` until the returned function is called. */
  subscribe(topic: string, handlers: FanOutHandlers): () => void;
  /** Sends a message to the other replicas listening to `topic`; `encode` makes it, only when someone may listen. Never throws. */
  publish(topic: string, encode: () => string): Promise<void>;
  /** True while this topic's messages reach this replica. */
  flowing(topic: string): boolean;
}

/**
 * A fan-out in this process's memory. Each `endpoint()` is one member and hears the
 * others; a replica without shared state has one, which nobody else hears. Messages
 * are delivered on a later turn of the event loop, as from a network.
 */
export function createMemoryBus() {
  const topics = new Map<string, Set<{ from: object; handlers: FanOutHandlers }>>();
  return {
    endpoint(): FanOut {
      const self = {};
      return {
        subscribe(topic, handlers) {
          const listeners = topics.get(topic) ?? new Set();
          topics.set(topic, listeners);
          const entry = { from: self, handlers };
          listeners.add(entry);
          queueMicrotask(() => listeners.has(entry) && handlers.up());
          return () => {
            listeners.delete(entry);
            if (listeners.size === 0 && topics.get(topic) === listeners) topics.delete(topic);
          };
        },
        async publish(topic, encode) {
          const others = [...(topics.get(topic) ?? [])].filter((entry) => entry.from !== self);
          if (others.length === 0) return;
          const text = encode();
          for (const entry of others) setImmediate(() => entry.handlers.message(text));
        },
        flowing: () => true,
      };
    },
  };
}
