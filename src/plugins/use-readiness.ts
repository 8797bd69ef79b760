import { useReadinessCheck, type Plugin } from 'graphql-yoga';
import type { UpstreamClient } from '../upstream/types.js';
import { shareProbe } from './shared-probe.js';

export interface ReadinessOptions {
  upstream: Pick<UpstreamClient, 'probe' | 'state'>;
  /** True once shutdown has begun: the load balancer should stop sending work. */
  draining?: () => boolean;
}

/** At most one upstream probe per this many milliseconds, whoever asks, so /readyz cannot be used to flood the upstream. */
export const PROBE_INTERVAL_MS = 1_000;

/**
 * `/readyz`: 503 while shutting down or while the upstream circuit breaker is open
 * (calls would fail fast anyway), else 200 when the upstream answers HTTP at all.
 * The probe is shared: concurrent and repeated checks within a second reuse one.
 */
export function useReadiness({ upstream, draining = () => false }: ReadinessOptions): Plugin {
  const probe = shareProbe(() => upstream.probe(), PROBE_INTERVAL_MS);
  const readiness = useReadinessCheck({
    endpoint: READINESS_PATH,
    check: async () => {
      if (draining()) return false;
      if (upstream.state().breaker === 'open') return false;
      return probe();
    },
  });
  // yoga's check falls back to a URLPattern match (a slow polyfill on Node 20) for every
  // request that is not its endpoint; only /readyz needs it to look at all.
  return {
    ...readiness,
    onRequest(payload) {
      if (payload.url.pathname === READINESS_PATH) return readiness.onRequest?.(payload);
    },
  };
}

const READINESS_PATH = '/readyz';
