import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorForTransportFailure } from './errors.js';

/** One upstream call's deadline: slot wait, every attempt and every backoff together. */
export interface Deadline {
  /** Aborts when the call's time is up (a TimeoutError) or the caller gives up. */
  signal: AbortSignal;
  remainingMs(): number;
}

/** The call's deadline, combined with the caller's signal when there is one. */
export function startDeadline(ms: number, callerSignal?: AbortSignal): Deadline {
  const endsAt = performance.now() + ms;
  const timeout = AbortSignal.timeout(ms);
  return {
    signal: callerSignal ? AbortSignal.any([timeout, callerSignal]) : timeout,
    remainingMs: () => Math.max(0, endsAt - performance.now()),
  };
}

/** The backoff before a retry; the deadline or the caller can still cut it short. */
export async function waitOrFail(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    throw errorForTransportFailure(signal.reason);
  }
}
