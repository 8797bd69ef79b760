/**
 * A cap on concurrent upstream requests with a bounded, first-come first-served wait.
 * A waiter leaves the queue when its wait bound passes (`QueueTimeoutError`) or its
 * signal aborts (the signal's reason), so a deadline holds while it waits.
 */

export class QueueTimeoutError extends Error {
  constructor(waitedMs: number) {
    super(`no upstream slot became free within ${waitedMs} ms`);
    this.name = 'QueueTimeoutError';
  }
}

export interface ConcurrencyLimiter {
  /** Resolves with a release function once a slot is free; `maxWaitMs` undefined: only the signal bounds the wait. */
  acquire(signal: AbortSignal, maxWaitMs?: number): Promise<() => void>;
  active(): number;
  waiting(): number;
}

interface Waiter {
  grant(): void;
}

export function createConcurrencyLimiter(limit: number): ConcurrencyLimiter {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
  let active = 0;
  const queue: Waiter[] = [];

  const release = (): void => {
    const next = queue.shift();
    if (next) next.grant(); // the slot passes straight to the next waiter
    else active--;
  };

  const releaser = (): (() => void) => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
    };
  };

  return {
    acquire(signal, maxWaitMs) {
      if (signal.aborted) return Promise.reject(signal.reason);
      if (active < limit) {
        active++;
        return Promise.resolve(releaser());
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
          grant() {
            cleanup();
            resolve(releaser());
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
