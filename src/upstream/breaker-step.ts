import { GatewayError } from '../errors.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import type { CallResult } from './retry-loop.js';

/**
 * The breaker step: a call the breaker does not admit fails fast with
 * UPSTREAM_UNAVAILABLE and never reaches the upstream; an admitted call's outcome
 * (after all its retries) is recorded, whatever way it ends.
 */
export async function throughBreaker(
  breaker: CircuitBreaker | undefined,
  totals: { breakerRejections: number },
  call: () => Promise<CallResult>,
): Promise<CallResult> {
  if (!breaker) return call();
  const admission = breaker.tryAcquire();
  if (!admission) {
    totals.breakerRejections++;
    throw new GatewayError('UPSTREAM_UNAVAILABLE', 'The audit-log service is failing; calls to it are paused briefly.');
  }
  let outcome: 'success' | 'failure' | 'neutral' = 'neutral';
  try {
    const result = await call();
    outcome = result.ok ? 'success' : result.outcome;
    return result;
  } finally {
    admission.settle(outcome);
  }
}
