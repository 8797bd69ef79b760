import { callerKey, callerTag, type ForwardedHeaders } from '../model/caller.js';

/**
 * Failures count where they belong: one breaker per tenant (its credentials,
 * X-Tenant and Authorization as the upstream reads them, kept only as a hash: see
 * callerKey in model/caller.ts) for what is that tenant's own, its timeouts and 5xx answers; and one for the upstream as a whole,
 * for connections refused, reset or unresolvable. A call needs both to admit it.
 * One tenant's failures never make another tenant's calls fail fast, and /readyz
 * looks at the upstream-wide breaker alone.
 */

/** What one settled call tells each breaker. */
export interface ScopedOutcome {
  tenant: CallOutcome;
  upstream: CallOutcome;
}

export const NEUTRAL: ScopedOutcome = { tenant: 'neutral', upstream: 'neutral' };
export const SUCCESS: ScopedOutcome = { tenant: 'success', upstream: 'success' };

export type Rejection = 'tenant' | 'upstream';

export interface Breakers {
  /**
   * Admits a call of these credentials, or names the breaker that fails it fast. `key` is
   * their `callerKey`, when the caller has it already (it is a SHA-256 of the credentials).
   */
  tryAcquire(headers: Pick<ForwardedHeaders, 'tenant' | 'authorization'>, key?: string): { settle(outcome: ScopedOutcome): void } | Rejection;
  upstreamPhase(): BreakerPhase;
  /** Failed calls in the upstream-wide breaker's window. */
  upstreamFailures(): number;
  /** Tenant breakers that are open (or half-open) now. */
  openTenants(): number;
}

export interface BreakersOptions {
  config: BreakerConfig;
  clock?: () => number;
  /** Told about every phase change; `tenant` is a short hash, never the credentials. */
  onChange?: (change: { scope: 'upstream' | 'tenant'; tenant?: string; from: BreakerPhase; to: BreakerPhase }) => void;
  /** Tenant breakers kept; past this, the least recently used closed ones go first, then any. Default 10 000. */
  maxTenants?: number;
}

const DEFAULT_MAX_TENANTS = 10_000;

export function createBreakers({ config, clock = Date.now, onChange, maxTenants = DEFAULT_MAX_TENANTS }: BreakersOptions): Breakers {
  const upstream = createCircuitBreaker(config, clock, (from, to) => onChange?.({ scope: 'upstream', from, to }));
  const tenants = new Map<string, CircuitBreaker>();

  function tenantBreaker(key: string): CircuitBreaker {
    let breaker = tenants.get(key);
    if (breaker !== undefined) {
      // Most recently used last, so the least recently used go first when the map is full.
      tenants.delete(key);
      tenants.set(key, breaker);
    } else {
      if (tenants.size >= maxTenants) forgetClosed();
      // Still full of open ones (a rotated token never calls again): the least recently used go.
      while (tenants.size >= maxTenants) tenants.delete(tenants.keys().next().value!);
      breaker = createCircuitBreaker(config, clock, (from, to) => onChange?.({ scope: 'tenant', tenant: callerTag(key), from, to }));
      tenants.set(key, breaker);
    }
    return breaker;
  }

  /** Drops the least recently used closed tenant breakers (a closed breaker forgets nothing that matters for long). */
  function forgetClosed(): void {
    for (const [key, breaker] of tenants) {
      if (tenants.size < maxTenants) break;
      if (breaker.phase() === 'closed') tenants.delete(key);
    }
  }

  return {
    tryAcquire(headers, key) {
      const wide = upstream.tryAcquire();
      if (!wide) return 'upstream';
      const own = tenantBreaker(key ?? callerKey(headers)).tryAcquire();
      if (!own) {
        wide.settle('neutral');
        return 'tenant';
      }
      return {
        settle(outcome) {
          own.settle(outcome.tenant);
          wide.settle(outcome.upstream);
        },
      };
    },
    upstreamPhase: () => upstream.phase(),
    upstreamFailures: () => upstream.recentFailures(),
    openTenants() {
      let open = 0;
      for (const breaker of tenants.values()) if (breaker.phase() !== 'closed') open++;
      return open;
    },
  };
}

/**
 * A circuit breaker over a failure-rate window (as resilience4j, Polly and Envoy's
 * outlier detection do), not "N in a row", which a burst of slow calls at high
 * concurrency trips: while closed it keeps the outcomes of the last `windowSize`
 * calls of the last `windowMs`, and decides only once it holds `minimumCalls`. It
 * opens when the window's failures number at least `failureThreshold` and make at
 * least `failureRate` of its calls, or when every call in it was slow (timed out:
 * resilience4j's slow-call rule at its default 100%, so a burst of timeouts while
 * other calls still get answers never opens it).
 * Open, calls fail fast for `cooldownMs`; then one trial call is let through
 * (half-open): success closes the breaker, failure opens it for another cool-off.
 *
 * The transitions are pure functions of (state, event, now); `createCircuitBreaker`
 * wraps them around one mutable state.
 */

export interface BreakerConfig {
  /** Failures the window must hold before the breaker may open (the minimum number of calls, in effect). */
  failureThreshold: number;
  cooldownMs: number;
  /** Share of failed calls in the window that opens the breaker. Default 0.5. */
  failureRate?: number;
  /** Calls the window must hold before it decides anything. Default 100. */
  minimumCalls?: number;
  /** Calls the window keeps (at least `minimumCalls`). Default 100. */
  windowSize?: number;
  /** How long an outcome stays in the window. Default 30 s. */
  windowMs?: number;
}

export const BREAKER_WINDOW = { failureRate: 0.5, minimumCalls: 100, windowSize: 100, windowMs: 30_000 } as const;

/** One settled call in the window: when, and whether it failed. */
export interface WindowedOutcome {
  at: number;
  result: 'ok' | 'failed' | 'slow';
}

export type BreakerState =
  | { phase: 'closed'; window: readonly WindowedOutcome[] }
  | { phase: 'open'; openedAt: number }
  /** `trial`: the one call allowed through is still running. */
  | { phase: 'half-open'; trial: boolean };

export type BreakerPhase = BreakerState['phase'];

/**
 * What a settled call tells the breaker: `failure`, `slow` (it timed out), `success`,
 * or `neutral` (nothing about what this breaker watches: the caller gave up, the
 * gateway shed the call).
 */
export type CallOutcome = 'success' | 'failure' | 'slow' | 'neutral';

export const CLOSED: BreakerState = { phase: 'closed', window: [] };

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
    if (outcome === 'failure' || outcome === 'slow') return { phase: 'open', openedAt: now };
    return { phase: 'half-open', trial: false }; // let the next call be the trial
  }
  // Calls admitted before the breaker opened may settle later; they no longer count.
  if (state.phase !== 'closed' || outcome === 'neutral') return state;
  const window = slide(state.window, { at: now, result: outcome === 'success' ? 'ok' : outcome === 'failure' ? 'failed' : 'slow' }, now, config);
  return tripped(window, config) ? { phase: 'open', openedAt: now } : { phase: 'closed', window };
}

/** The window with `added` in, and what fell out of it (too old, or past its size) gone. */
function slide(window: readonly WindowedOutcome[], added: WindowedOutcome, now: number, config: BreakerConfig): WindowedOutcome[] {
  const windowMs = config.windowMs ?? BREAKER_WINDOW.windowMs;
  // Never smaller than the minimum it decides on: a larger BREAKER_MINIMUM_CALLS must not switch the breaker off.
  const windowSize = Math.max(config.windowSize ?? BREAKER_WINDOW.windowSize, config.minimumCalls ?? BREAKER_WINDOW.minimumCalls);
  // One array of the final size (this runs for two breakers on every call): the entries
  // still inside windowMs, less the oldest of them beyond windowSize, then `added`.
  let current = 0;
  for (const entry of window) if (now - entry.at < windowMs) current++;
  let skip = Math.max(0, current + 1 - windowSize);
  if (skip > current) return []; // a window of no calls keeps none, not even `added`
  const kept = new Array<WindowedOutcome>(current + 1 - skip);
  let at = 0;
  for (const entry of window) {
    if (!(now - entry.at < windowMs)) continue;
    if (skip > 0) skip--;
    else kept[at++] = entry;
  }
  kept[at] = added;
  return kept;
}

function tripped(window: readonly WindowedOutcome[], config: BreakerConfig): boolean {
  if (window.length < Math.max(config.minimumCalls ?? BREAKER_WINDOW.minimumCalls, 1)) return false;
  let failures = 0;
  let slow = 0;
  for (const entry of window) {
    if (entry.result === 'failed') failures++;
    else if (entry.result === 'slow') slow++;
  }
  if (slow === window.length && slow >= config.failureThreshold) return true;
  return failures >= config.failureThreshold && failures / window.length >= (config.failureRate ?? BREAKER_WINDOW.failureRate);
}

/** Failures in a closed breaker's window (0 otherwise). */
export function failuresIn(state: BreakerState): number {
  return state.phase === 'closed' ? state.window.filter((entry) => entry.result !== 'ok').length : 0;
}

export interface CircuitBreaker {
  /** Admits a call, or returns undefined when the breaker fails it fast. */
  tryAcquire(): { settle(outcome: CallOutcome): void } | undefined;
  phase(): BreakerPhase;
  /** Failed calls in the window while closed. */
  recentFailures(): number;
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
    recentFailures: () => failuresIn(state),
  };
}
