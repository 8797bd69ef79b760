import { bucketShape, reserveCall } from './token-bucket.js';

/**
 * UPSTREAM_RATE_LIMIT: a token bucket per caller key (calls per second). A call
 * reserves its turn before it is sent; one whose turn would come later than it may
 * wait reserves nothing and learns when a turn would be free.
 */
export interface RateLimiter {
  /** Reserves one upstream call of `caller`, due within `maxWaitMs`: wait `waitMs` and send it; or, refused, a turn would be free in `waitMs`. */
  reserve(caller: string, maxWaitMs: number): Promise<{ ok: boolean; waitMs: number }>;
}

/** Buckets kept at once before full ones are swept (a full bucket is the same as none). */
const SWEEP_ABOVE = 1_000;

/** This replica's own buckets, in memory. */
export function createLocalRateLimiter(perSecond: number, clock: () => number = Date.now): RateLimiter & { reserveNow(caller: string, maxWaitMs: number): { ok: boolean; waitMs: number } } {
  const shape = bucketShape(perSecond);
  const buckets = new Map<string, number>();
  const reserveNow = (caller: string, maxWaitMs: number) => {
    const now = clock();
    const reservation = reserveCall(shape, buckets.get(caller), now, maxWaitMs);
    if (reservation.ok) {
      buckets.set(caller, reservation.tat);
      if (buckets.size > SWEEP_ABOVE) for (const [key, tat] of buckets) if (tat <= now) buckets.delete(key);
    }
    return { ok: reservation.ok, waitMs: reservation.waitMs };
  };
  return { reserveNow, reserve: async (caller, maxWaitMs) => reserveNow(caller, maxWaitMs) };
}

/** No limit: every call goes at once. */
export const UNLIMITED: RateLimiter = { reserve: async () => ({ ok: true, waitMs: 0 }) };
