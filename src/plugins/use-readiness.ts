import { useReadinessCheck, type Plugin } from 'graphql-yoga';
import type { UpstreamClient } from '../upstream/types.js';

export interface ReadinessOptions {
  upstream: Pick<UpstreamClient, 'probe' | 'state'>;
  /** True once shutdown has begun: the load balancer should stop sending work. */
  draining?: () => boolean;
}

/**
 * `/readyz`: 503 while shutting down or while the upstream circuit breaker is open
 * (calls would fail fast anyway), else 200 when the upstream answers HTTP at all.
 */
export function useReadiness({ upstream, draining = () => false }: ReadinessOptions): Plugin {
  return useReadinessCheck({
    endpoint: '/readyz',
    check: async () => {
      if (draining()) return false;
      if (upstream.state().breaker === 'open') return false;
      return upstream.probe();
    },
  });
}
