import { createCircuitBreaker, type BreakerConfig, type BreakerPhase, type CallOutcome, type CircuitBreaker } from './circuit-breaker.js';
import { callerKey, callerTag } from '../model/caller.js';
import type { ForwardedHeaders } from '../model/caller.js';

/**
 * Failures count where they belong: one breaker per tenant (its credentials,
 * X-Tenant and Authorization as the upstream reads them, kept only as a hash: see
 * caller-key.ts) for what is that
 * tenant's own, its timeouts and 5xx answers; and one for the upstream as a whole,
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
  /** Admits a call of these credentials, or names the breaker that fails it fast. */
  tryAcquire(headers: Pick<ForwardedHeaders, 'tenant' | 'authorization'>): { settle(outcome: ScopedOutcome): void } | Rejection;
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
    tryAcquire(headers) {
      const wide = upstream.tryAcquire();
      if (!wide) return 'upstream';
      const own = tenantBreaker(callerKey(headers)).tryAcquire();
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
