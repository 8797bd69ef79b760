/**
 * A circuit breaker on the upstream: after `failureThreshold` failed calls in a row it
 * opens and calls fail fast for `cooldownMs`; then one trial call is let through
 * (half-open): success closes the breaker, failure opens it for another cool-off.
 *
 * The transitions are pure functions of (state, event, now); `createCircuitBreaker`
 * wraps them around one mutable state for the client.
 */

export interface BreakerConfig {
  failureThreshold: number;
  cooldownMs: number;
}

export type BreakerState =
  | { phase: 'closed'; failures: number }
  | { phase: 'open'; openedAt: number }
  /** `trial`: the one call allowed through is still running. */
  | { phase: 'half-open'; trial: boolean };

export type BreakerPhase = BreakerState['phase'];

/**
 * What a settled call tells the breaker: `failure` (the upstream is unreachable, timed
 * out or answered 502/503/504), `success` (it answered), or `neutral` (nothing about
 * the upstream's health: the caller gave up, the gateway shed the call).
 */
export type CallOutcome = 'success' | 'failure' | 'neutral';

export const CLOSED: BreakerState = { phase: 'closed', failures: 0 };

/** The phase as of `now`: an open breaker whose cool-off has passed reads as half-open. */
export function phaseAt(state: BreakerState, now: number, config: BreakerConfig): BreakerPhase {
  if (state.phase === 'open' && now - state.openedAt >= config.cooldownMs) return 'half-open';
  return state.phase;
}

export interface Admission {
  admitted: boolean;
  /** The admitted call is the half-open trial: its outcome decides the breaker. */
  trial: boolean;
  state: BreakerState;
}

export function admit(state: BreakerState, now: number, config: BreakerConfig): Admission {
  switch (phaseAt(state, now, config)) {
    case 'closed':
      return { admitted: true, trial: false, state };
    case 'open':
      return { admitted: false, trial: false, state };
    case 'half-open':
      if (state.phase === 'half-open' && state.trial) return { admitted: false, trial: false, state };
      return { admitted: true, trial: true, state: { phase: 'half-open', trial: true } };
  }
}

export function record(
  state: BreakerState,
  event: { outcome: CallOutcome; trial: boolean },
  now: number,
  config: BreakerConfig,
): BreakerState {
  const { outcome, trial } = event;
  if (trial) {
    if (outcome === 'success') return CLOSED;
    if (outcome === 'failure') return { phase: 'open', openedAt: now };
    return { phase: 'half-open', trial: false }; // let the next call be the trial
  }
  // Calls admitted before the breaker opened may settle later; they no longer count.
  if (state.phase !== 'closed') return state;
  if (outcome === 'success') return state.failures === 0 ? state : CLOSED;
  if (outcome === 'neutral') return state;
  const failures = state.failures + 1;
  return failures >= config.failureThreshold ? { phase: 'open', openedAt: now } : { phase: 'closed', failures };
}

export interface CircuitBreaker {
  /** Admits a call, or returns undefined when the breaker fails it fast. */
  tryAcquire(): { settle(outcome: CallOutcome): void } | undefined;
  phase(): BreakerPhase;
  consecutiveFailures(): number;
}

export function createCircuitBreaker(
  config: BreakerConfig,
  clock: () => number = Date.now,
  onChange?: (from: BreakerPhase, to: BreakerPhase) => void,
): CircuitBreaker {
  let state: BreakerState = CLOSED;
  // Reported as stored: a cool-off ending shows as open -> half-open when the next call arrives.
  const transition = (next: BreakerState): void => {
    const from = state.phase;
    state = next;
    if (next.phase !== from) onChange?.(from, next.phase);
  };
  return {
    tryAcquire() {
      const admission = admit(state, clock(), config);
      transition(admission.state);
      if (!admission.admitted) return undefined;
      let settled = false;
      return {
        settle(outcome) {
          if (settled) return;
          settled = true;
          transition(record(state, { outcome, trial: admission.trial }, clock(), config));
        },
      };
    },
    phase: () => phaseAt(state, clock(), config),
    consecutiveFailures: () => (state.phase === 'closed' ? state.failures : 0),
  };
}
