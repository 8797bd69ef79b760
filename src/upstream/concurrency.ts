/**
 * A cap on concurrent upstream requests with a bounded wait, shared fairly between
 * tenants: one tenant holds at most `share` of the `limit` slots (three quarters,
 * rounded up), so its slow calls always leave slots for the others; and a freed slot
 * goes to the waiting tenant that holds the fewest, first come first served among
 * equals. A waiter leaves the queue when its wait bound passes (`QueueTimeoutError`)
 * or its signal aborts (the signal's reason), so a deadline holds while it waits.
 */

export class QueueTimeoutError extends Error {
  constructor(waitedMs: number) {
    super(`no upstream slot became free within ${waitedMs} ms`);
    this.name = 'QueueTimeoutError';
  }
}

export interface ConcurrencyLimiter {
  /**
   * Resolves with a release function once a slot is free for `key` (a tenant; one
   * shared group when absent); `maxWaitMs` undefined: only the signal bounds the wait.
   */
  acquire(signal: AbortSignal, maxWaitMs?: number, key?: string): Promise<() => void>;
  active(): number;
  waiting(): number;
}

/** Slots one tenant may hold: three quarters of the limit, rounded up (all of it when the limit is 1). */
export function tenantShare(limit: number): number {
  return Math.max(1, Math.ceil(limit * 0.75));
}

interface Waiter {
  key: string;
  grant(): void;
}

const SHARED = '';

export function createConcurrencyLimiter(limit: number): ConcurrencyLimiter {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
  const share = tenantShare(limit);
  let active = 0;
  const held = new Map<string, number>();
  const queue: Waiter[] = [];

  const heldBy = (key: string): number => held.get(key) ?? 0;
  const take = (key: string): void => {
    active++;
    held.set(key, heldBy(key) + 1);
  };
  const give = (key: string): void => {
    active--;
    const left = heldBy(key) - 1;
    if (left > 0) held.set(key, left);
    else held.delete(key);
  };

  /** The waiter whose tenant holds the fewest slots (and is under its share); the earliest among equals. */
  const nextWaiter = (): number => {
    let best = -1;
    for (let i = 0; i < queue.length; i++) {
      const count = heldBy(queue[i]!.key);
      if (count >= share) continue;
      if (best === -1 || count < heldBy(queue[best]!.key)) best = i;
    }
    return best;
  };

  const release = (key: string): void => {
    give(key);
    while (active < limit) {
      const index = nextWaiter();
      if (index === -1) return;
      const [waiter] = queue.splice(index, 1);
      take(waiter!.key);
      waiter!.grant();
    }
  };

  const releaser = (key: string): (() => void) => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release(key);
    };
  };

  return {
    acquire(signal, maxWaitMs, key = SHARED) {
      if (signal.aborted) return Promise.reject(signal.reason);
      if (active < limit && heldBy(key) < share) {
        take(key);
        return Promise.resolve(releaser(key));
      }
      return new Promise((resolve, reject) => {
        const leave = (error: unknown): void => {
          const index = queue.indexOf(waiter);
          if (index !== -1) queue.splice(index, 1);
          cleanup();
          reject(error);
        };
        const onAbort = (): void => leave(signal.reason);
        const timer =
          maxWaitMs === undefined ? undefined : setTimeout(() => leave(new QueueTimeoutError(maxWaitMs)), maxWaitMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
        };
        const waiter: Waiter = {
          key,
          grant() {
            cleanup();
            resolve(releaser(key));
          },
        };
        signal.addEventListener('abort', onAbort, { once: true });
        queue.push(waiter);
      });
    },
    active: () => active,
    waiting: () => queue.length,
  };
}
