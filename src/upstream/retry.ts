/**
 * When to try an upstream call again, and after how long. Pure: the caller supplies
 * the clock reading (remaining deadline) and the random number for the jitter.
 *
 * Only failures that say nothing about the request itself are retried, and only
 * because `GET /v1/AuditLogs` is idempotent: a connection refused or reset before an
 * answer, and the statuses classifyStatus (errors.ts) marks retryable (502/503/504).
 * A timeout is never retried (the deadline is spent), nor a 500 (the upstream ran the request and failed on it) or any other 4xx. A 429 or 503
 * that names a `Retry-After` is retried after exactly that wait, and only when the
 * wait plus a useful attempt fits in what is left of the deadline.
 */

import { classifyStatus } from './errors.js';

export interface RetryPolicy {
  /** Retries after the first attempt (so attempts = retries + 1). */
  retries: number;
  /** First backoff; doubles with each retry. */
  baseDelayMs: number;
  /** Cap on one backoff. */
  maxDelayMs: number;
  /** A retry needs at least this much of the deadline left after its wait to be worth making. */
  minAttemptMs: number;
}

/** The policy of UPSTREAM_RETRIES retries: 100 ms doubling to 1 s, a retry only with 100 ms of the deadline left after its wait. */
export function retryPolicy(retries: number): RetryPolicy {
  return { retries, baseDelayMs: 100, maxDelayMs: 1_000, minAttemptMs: 100 };
}

/** How one attempt ended, as far as retrying cares. */
export type AttemptFailure =
  | { kind: 'status'; status: number; retryAfterSeconds?: number }
  | { kind: 'transport'; code?: string }
  | { kind: 'timeout' }
  /** Anything else: a bad body, the caller gave up, the gateway shed the call. */
  | { kind: 'final' };

export type RetryDecision =
  | { retry: true; delayMs: number; reason: 'backoff' | 'retry-after' }
  | { retry: false; reason: 'not-retryable' | 'out-of-retries' | 'no-time-left' };

/** Socket failures before any answer: the request cannot have been half-handled in a way a GET cares about. */
const RETRYABLE_TRANSPORT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

export interface RetryInput {
  failure: AttemptFailure;
  /** 1 for the first attempt. */
  attempt: number;
  /** Milliseconds left of the call's deadline. */
  remainingMs: number;
  /** A number in [0, 1) for the jitter. */
  random: number;
  policy: RetryPolicy;
}

export function decideRetry({ failure, attempt, remainingMs, random, policy }: RetryInput): RetryDecision {
  if (!isRetryable(failure)) return { retry: false, reason: 'not-retryable' };
  if (attempt > policy.retries) return { retry: false, reason: 'out-of-retries' };

  const retryAfterMs =
    failure.kind === 'status' && classifyStatus(failure.status).honoursRetryAfter && failure.retryAfterSeconds !== undefined
      ? failure.retryAfterSeconds * 1000
      : undefined;
  const delayMs = retryAfterMs ?? backoffDelay(attempt, random, policy);
  if (delayMs + policy.minAttemptMs > remainingMs) return { retry: false, reason: 'no-time-left' };
  return { retry: true, delayMs, reason: retryAfterMs === undefined ? 'backoff' : 'retry-after' };
}

export function isRetryable(failure: AttemptFailure): boolean {
  switch (failure.kind) {
    case 'transport':
      return failure.code !== undefined && RETRYABLE_TRANSPORT_CODES.has(failure.code);
    case 'status': {
      const { retry } = classifyStatus(failure.status);
      return retry === 'always' || (retry === 'with-retry-after' && failure.retryAfterSeconds !== undefined);
    }
    default:
      return false;
  }
}

/**
 * Capped exponential backoff with "equal jitter": half the step is fixed, half random,
 * so retries from many callers spread out but never fire back-to-back.
 */
export function backoffDelay(attempt: number, random: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + (step / 2) * random);
}
