import { GatewayError } from '../errors.js';
import { NEUTRAL, SUCCESS, type Breakers, type ScopedOutcome } from './breakers.js';
import type { CallResult } from './retry-loop.js';
import type { ListAuditLogsRequest } from './types.js';

/**
 * The breaker step: a call that the upstream-wide or the tenant's breaker does not
 * admit fails fast with UPSTREAM_UNAVAILABLE and never reaches the upstream; an
 * admitted call's outcome (after all its retries) is recorded on both, whatever way
 * it ends.
 */
export async function throughBreaker(
  breakers: Breakers | undefined,
  request: ListAuditLogsRequest,
  totals: { breakerRejections: number },
  call: () => Promise<CallResult>,
): Promise<CallResult> {
  if (!breakers) return call();
  const admission = breakers.tryAcquire(request.headers);
  if (typeof admission === 'string') {
    totals.breakerRejections++;
    throw new GatewayError('UPSTREAM_UNAVAILABLE', 'The audit-log service is failing; calls to it are paused briefly.');
  }
  let outcome: ScopedOutcome = NEUTRAL;
  try {
    const result = await call();
    outcome = result.ok ? SUCCESS : result.outcome;
    return result;
  } finally {
    admission.settle(outcome);
  }
}
