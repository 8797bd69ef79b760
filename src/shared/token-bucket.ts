/**
 * The upstream rate limit as a token bucket, in its GCRA form: the bucket is one
 * number, the theoretical arrival time (TAT) of the next call at the steady rate.
 * A call is due at `max(now, TAT - tolerance)` and moves the TAT one interval on,
 * so up to `burst` calls go at once and after that one per interval, first come,
 * first served. A call that would be due later than it may wait reserves nothing.
 * Pure: the Lua script of the Redis bucket (redis-rate-limiter.ts) does the same
 * arithmetic with Redis's clock.
 */

export interface BucketShape {
  /** Milliseconds between two calls at the steady rate. */
  intervalMs: number;
  /** How far ahead of the steady rate calls may go: (burst - 1) intervals. */
  toleranceMs: number;
}

/** A rate of `perSecond` calls with a burst of one second's calls (at least one). Pure. */
export function bucketShape(perSecond: number): BucketShape {
  const intervalMs = 1000 / perSecond;
  const burst = Math.max(1, Math.floor(perSecond));
  return { intervalMs, toleranceMs: (burst - 1) * intervalMs };
}

export type Reservation =
  /** The call may go after `waitMs`; `tat` is the bucket's new state. */
  | { ok: true; waitMs: number; tat: number }
  /** No call is free within the wait allowed: the next one would be due in `waitMs`. */
  | { ok: false; waitMs: number };

/** Reserves one call at `nowMs` for a bucket at `tat` (undefined: full), waiting at most `maxWaitMs`. Pure. */
export function reserveCall(shape: BucketShape, tat: number | undefined, nowMs: number, maxWaitMs: number): Reservation {
  const start = tat === undefined || tat < nowMs ? nowMs : tat;
  const due = Math.max(nowMs, start - shape.toleranceMs);
  const waitMs = due - nowMs;
  if (waitMs > maxWaitMs) return { ok: false, waitMs };
  return { ok: true, waitMs, tat: start + shape.intervalMs };
}
