import { performance } from 'node:perf_hooks';
import type { GatewayError } from '../errors.js';
import type { AttemptResult } from './attempt.js';
import type { CallOutcome } from './circuit-breaker.js';
import { waitOrFail, type Deadline } from './deadline.js';
import { decideRetry, type RetryPolicy } from './retry.js';
import type { UpstreamPage } from './types.js';

/** How a call ended after its retries: a page, or the error and what it tells the breaker. */
export type CallResult =
  | { ok: true; page: UpstreamPage }
  | { ok: false; error: GatewayError; outcome: CallOutcome };

export interface RetryLoopParts {
  policy: RetryPolicy;
  /** Source of the backoff jitter, [0, 1). */
  random: () => number;
  /** Told about every attempt once it settled, with the wait before the next one if any. */
  report(attempt: number, startedAt: number, result: AttemptResult, retryInMs: number | undefined): void;
  /** Counted here: retries made. */
  totals: { retries: number };
}

/**
 * Attempts until one succeeds or `decideRetry` says stop (not retryable, out of
 * retries, no time left); waits the decided backoff between attempts. A backoff cut
 * short by the deadline or the caller ends the call with that error, the last
 * attempt's outcome still telling the breaker.
 */
export async function retryLoop(
  parts: RetryLoopParts,
  deadline: Deadline,
  attemptOnce: () => Promise<AttemptResult>,
): Promise<CallResult> {
  for (let attempt = 1; ; attempt++) {
    const startedAt = performance.now();
    const result = await attemptOnce();
    if (result.ok) {
      parts.report(attempt, startedAt, result, undefined);
      return { ok: true, page: result.page };
    }
    const decision = decideRetry({
      failure: result.failure,
      attempt,
      remainingMs: deadline.remainingMs(),
      random: parts.random(),
      policy: parts.policy,
    });
    parts.report(attempt, startedAt, result, decision.retry ? decision.delayMs : undefined);
    if (!decision.retry) return { ok: false, error: result.error, outcome: result.outcome };
    parts.totals.retries++;
    try {
      await waitOrFail(decision.delayMs, deadline.signal);
    } catch (error) {
      return { ok: false, error: error as GatewayError, outcome: result.outcome };
    }
  }
}
