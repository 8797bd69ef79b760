/**
 * The 429 cool-downs: when the upstream answers a caller with 429 and `Retry-After`,
 * that caller's calls are held until the time has passed, and answered
 * RATE_LIMITED without an upstream call. Keyed by the caller key (a hash of the
 * credentials, never the credentials).
 */
export interface Cooldowns {
  /** Milliseconds until `caller` may call the upstream again; 0 when it may now. */
  remainingMs(caller: string): Promise<number>;
  /** Holds `caller`'s calls for `ms` from now (a longer hold already in place stands). */
  hold(caller: string, ms: number): Promise<void>;
}

/** Callers held at once before expired holds are swept (each holds one number). */
const SWEEP_ABOVE = 1_000;

/** This replica's own cool-downs, in memory. */
export function createLocalCooldowns(clock: () => number = Date.now): Cooldowns & { remainingNow(caller: string): number; holdNow(caller: string, ms: number): void } {
  const until = new Map<string, number>();
  const remainingNow = (caller: string): number => {
    const end = until.get(caller);
    if (end === undefined) return 0;
    const left = end - clock();
    if (left > 0) return left;
    until.delete(caller);
    return 0;
  };
  const holdNow = (caller: string, ms: number): void => {
    const end = clock() + ms;
    if ((until.get(caller) ?? 0) >= end) return;
    until.set(caller, end);
    if (until.size > SWEEP_ABOVE) for (const [key, at] of until) if (at <= clock()) until.delete(key);
  };
  return {
    remainingNow,
    holdNow,
    remainingMs: async (caller) => remainingNow(caller),
    hold: async (caller, ms) => holdNow(caller, ms),
  };
}
