import type { Config } from '../config.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import { propagatingTracer, traceUpstreamCalls, type SpanStarter } from '../observability/tracing.js';
import { createUpstreamClient, type UpstreamClientOptions, type UpstreamLogger } from './client.js';
import { shareUpstreamCalls } from './shared-calls.js';
import { watchItemKeys } from './item-keys.js';
import type { UpstreamClient } from './types.js';

/** The settings the upstream side is built from. */
export type UpstreamConfig = Pick<
  Config,
  | 'upstreamTimeoutMs'
  | 'upstreamMaxConcurrency'
  | 'upstreamMaxQueueMs'
  | 'upstreamMaxResponseBytes'
  | 'upstreamRetries'
  | 'breakerFailureThreshold'
  | 'breakerCooldownMs'
  | 'breakerMinimumCalls'
  | 'upstreamCoalesce'
  | 'upstreamCacheTtlMs'
  | 'upstreamCacheMaxItems'
>;

export interface UpstreamDependencies {
  /** Base URL of the CloudCockpit API (the configured one, or the sample upstream's). */
  baseUrl: string;
  logger: UpstreamLogger;
  /** Fed one sample per attempt, and shown the breaker's state on every scrape. */
  metrics?: GatewayMetrics;
  /** Spans per upstream call. Default: propagate W3C trace context, record nothing. */
  tracer?: SpanStarter;
  /** Client options over the configuration (a breaker turned off, a fixed jitter, …). */
  clientOptions?: Partial<Omit<UpstreamClientOptions, 'baseUrl'>>;
}

/**
 * The one place the upstream side is assembled, for the process and the tests alike,
 * outermost first: a span per call (tracing.ts) → the response cache and coalescing,
 * when configured (shared-calls.ts) → the item-key watch (upstream-item-keys.ts) →
 * the client's pipeline: breaker, retries, concurrency slot, request (client.ts,
 * pipeline.ts).
 */
export function createUpstream(config: UpstreamConfig, deps: UpstreamDependencies): UpstreamClient {
  const client = createUpstreamClient({
    baseUrl: deps.baseUrl,
    timeoutMs: config.upstreamTimeoutMs,
    maxConcurrency: config.upstreamMaxConcurrency,
    maxQueueMs: config.upstreamMaxQueueMs,
    maxResponseBytes: config.upstreamMaxResponseBytes,
    retry: { retries: config.upstreamRetries },
    breaker: { failureThreshold: config.breakerFailureThreshold, cooldownMs: config.breakerCooldownMs, minimumCalls: config.breakerMinimumCalls },
    logger: deps.logger,
    onCall: deps.metrics?.observeUpstreamCall,
    ...deps.clientOptions,
  });
  deps.metrics?.watchCircuit(() => client.state().breaker);
  deps.metrics?.watchTenantCircuits(() => client.state().openTenantBreakers);
  // Below the sharing layer: each page read from the upstream is inspected (and counted) once, not per cache hit.
  const watched = watchItemKeys(client, {
    logger: deps.logger,
    onMissingKeys: deps.metrics?.observeMissingItemKeys,
    fieldMap: deps.clientOptions?.dialect?.fieldMap,
  });
  // Off unless configured: sharing calls across operations trades freshness and memory for upstream load.
  const shared = shareUpstreamCalls(watched, {
    coalesce: config.upstreamCoalesce,
    cacheTtlMs: config.upstreamCacheTtlMs,
    cacheMaxItems: config.upstreamCacheMaxItems,
  });
  return traceUpstreamCalls(shared, deps.tracer ?? propagatingTracer());
}
