import type { ErrorCode } from '../errors.js';
import { backoffDelay } from '../upstream/retry.js';

/** Upstream answers that no retry can fix: the stream ends with that error at once. */
const ENDS_THE_STREAM: ReadonlySet<ErrorCode> = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT']);

/** Whether a failed poll ends its streams or is retried after a pause. Pure. */
export function pollFailureAction(code: ErrorCode): 'end' | 'retry' {
  return ENDS_THE_STREAM.has(code) ? 'end' : 'retry';
}

/** The longest pause between two polls while failing, unless the poll interval is longer. */
export const MAX_BACKOFF_MS = 60_000;

/**
 * The pause before the next poll after `failures` failed polls in a row (1, 2, …):
 * the poll interval doubled per failure, capped at MAX_BACKOFF_MS (or the interval,
 * if longer), with jitter in [50%, 100%] so pollers that failed together spread out,
 * and never shorter than the upstream's Retry-After. `random` returns [0, 1). Pure.
 */
export function backoffDelayMs(failures: number, pollMs: number, retryAfterSeconds?: number, random: () => number = Math.random): number {
  // The upstream retries' own rule, stepping from twice the poll interval.
  const jittered = backoffDelay(Math.max(failures, 1) + 1, random(), { baseDelayMs: pollMs, maxDelayMs: Math.max(pollMs, MAX_BACKOFF_MS) });
  const floor = retryAfterSeconds !== undefined ? retryAfterSeconds * 1000 : 0;
  return Math.max(pollMs, jittered, floor);
}

/** True when a poller has gone `giveUpMs` without a successful poll. Pure. */
export function givesUp(nowMs: number, lastSuccessMs: number, giveUpMs: number): boolean {
  return nowMs - lastSuccessMs >= giveUpMs;
}
