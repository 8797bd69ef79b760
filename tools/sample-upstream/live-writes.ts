import { randomUUID } from 'node:crypto';
import { mulberry32 } from './prng.js';
import { sampleLog } from './seed.js';
import type { SampleStore } from './store.js';

export interface LiveWritesOptions {
  /** Mean time between two new logs; each pause is drawn from [50%, 150%] of it. */
  everyMs: number;
  /** Epoch-ms clock the new logs are stamped with. */
  clock: () => number;
  /** PRNG seed for the logs' content. */
  seed?: number;
}

/** The embedded upstream's default pace: a new user sees the live tail move within seconds. */
export const DEFAULT_LIVE_WRITES_EVERY_MS = 4_000;

/**
 * Writes a new sample log (stamped now) every few seconds, as a busy CloudCockpit
 * tenant would, so the live tail has something to show. Returns the stop function.
 */
export function startLiveWrites(store: SampleStore, { everyMs, clock, seed = Date.now() }: LiveWritesOptions): () => void {
  const random = mulberry32(seed);
  let timer: NodeJS.Timeout | undefined;
  const next = () => {
    timer = setTimeout(() => {
      store.insert(sampleLog(random, randomUUID(), clock()));
      next();
    }, Math.round(everyMs * (0.5 + random())));
    // Never the reason the process stays up.
    timer.unref();
  };
  next();
  return () => clearTimeout(timer);
}
