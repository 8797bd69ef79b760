import { GatewayError } from '../errors.js';
import type { ConcurrencyLimiter } from './concurrency.js';
import { QueueTimeoutError } from './concurrency.js';
import type { Deadline } from './deadline.js';
import { errorForTransportFailure } from './errors.js';

/**
 * The concurrency step of an attempt: a slot of the limiter, within the tenant's fair
 * share (concurrency.ts), waiting at most
 * `maxQueueMs`, or only the deadline when that comes first. No slot means the gateway
 * shed the call, or its deadline passed while it waited: neither is the upstream's
 * health, so the error is the caller's to see and nothing for the breaker.
 */
export type Slot = { ok: true; release: () => void } | { ok: false; error: GatewayError; queueTimeout: boolean };

export async function acquireSlot(limiter: ConcurrencyLimiter, deadline: Deadline, maxQueueMs: number, tenant?: string): Promise<Slot> {
  const remaining = deadline.remainingMs();
  try {
    const release = await limiter.acquire(deadline.signal, maxQueueMs < remaining ? maxQueueMs : undefined, tenant);
    return { ok: true, release };
  } catch (err) {
    if (err instanceof QueueTimeoutError) {
      const error = new GatewayError('UPSTREAM_UNAVAILABLE', 'Too many calls to the audit-log service are in flight; retry later.', { cause: err });
      return { ok: false, error, queueTimeout: true };
    }
    return { ok: false, error: errorForTransportFailure(err), queueTimeout: false };
  }
}
