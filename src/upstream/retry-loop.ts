import { performance } from 'node:perf_hooks';
import type { GatewayError } from '../errors.js';
import type { AttemptResult } from './attempt.js';
import { NEUTRAL, type ScopedOutcome } from './breakers.js';
import { waitOrFail, type Deadline } from './deadline.js';
import { decideRetry, type RetryPolicy } from './retry.js';
import type { UpstreamPage } from '../model/audit-log.js';

/** How a call ended after its retries: a page, or the error and what it tells the breaker. */
export type CallResult =
  | { ok: true; page: UpstreamPage }
  | { ok: false; error: GatewayError; outcome: ScopedOutcome };

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
 * attempt's outcome still telling the breaker. Each attempt is paid for by `spend`
 * (the operation's budget) before it is sent.
 */
export async function retryLoop(
  parts: RetryLoopParts,
  deadline: Deadline,
  attemptOnce: () => Promise<AttemptResult>,
  spend: () => Error | undefined = () => undefined,
): Promise<CallResult> {
  let last: CallResult | undefined;
  for (let attempt = 1; ; attempt++) {
    // The operation's budget pays for every attempt; past it, no request is sent: the
    // first attempt fails with the budget's error, a retry leaves the last failure standing.
    const refused = spend();
    if (refused) return last ?? { ok: false, error: refused as GatewayError, outcome: NEUTRAL };
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
    last = { ok: false, error: result.error, outcome: result.outcome };
    if (!decision.retry) return last;
    parts.totals.retries++;
    try {
      await waitOrFail(decision.delayMs, deadline.signal);
    } catch (error) {
      return { ok: false, error: error as GatewayError, outcome: result.outcome };
    }
  }
}
