import type { Config } from '../config.js';
import type { UpstreamDialect } from '../model/dialect.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { Cooldowns } from '../shared/cooldowns.js';
import { createLocalRateLimiter, UNLIMITED, type RateLimiter } from '../shared/rate-limiter.js';
import { propagatingTracer, type SpanStarter } from '../observability/tracing.js';
import { createUpstreamClient, type UpstreamClientSettings, type UpstreamLogger } from './client.js';
import { watchItemKeys } from './item-keys.js';
import { shareUpstreamCalls } from './shared-calls.js';
import { traceUpstreamCalls } from './tracing.js';
import type { UpstreamClient } from './types.js';

export type { ListAuditLogsRequest, UpstreamClient, UpstreamClientState } from './types.js';

/** The settings the upstream side is built from, by their names in the configuration. */
export type UpstreamSettings = UpstreamClientSettings &
  Pick<
    Config,
    | 'upstreamCoalesce'
    | 'upstreamCacheTtlMs'
    | 'upstreamCacheMaxItems'
    | 'upstreamStartDateExclusive'
    | 'upstreamEndDateExclusive'
    | 'upstreamFieldMap'
    | 'upstreamStatusMap'
    | 'upstreamKeyCase'
    | 'upstreamRateLimit'
  >;

export interface UpstreamDependencies {
  /** Base URL of the CloudCockpit API (the configured one, or the sample upstream's). */
  baseUrl: string;
  logger: UpstreamLogger;
  /** Fed one sample per attempt, and shown the breakers' state on every scrape. */
  metrics?: GatewayMetrics;
  /** Spans per upstream call. Default: propagate W3C trace context, record nothing. */
  tracer?: SpanStarter;
  /** Source of the backoff jitter, [0, 1). */
  random?: () => number;
  /** The breakers' and the cache's clock, epoch ms. */
  clock?: () => number;
  /** The 429 cool-downs (shared state's, so every replica sees them). Default: the client's own. */
  cooldowns?: Cooldowns;
  /** UPSTREAM_RATE_LIMIT's buckets (shared state's). Default: this client's own, when the setting is set. */
  rateLimiter?: RateLimiter;
}

/** How this deployment's upstream differs from the documented API, from its five settings. */
export function dialectOf(settings: Pick<UpstreamSettings, 'upstreamStartDateExclusive' | 'upstreamEndDateExclusive' | 'upstreamFieldMap' | 'upstreamStatusMap' | 'upstreamKeyCase'>): UpstreamDialect {
  return {
    startDateExclusive: settings.upstreamStartDateExclusive,
    endDateExclusive: settings.upstreamEndDateExclusive,
    fieldMap: settings.upstreamFieldMap,
    statusMap: settings.upstreamStatusMap,
    keyCase: settings.upstreamKeyCase,
  };
}

/**
 * The one place the upstream side is assembled, for the process and the tests alike,
 * outermost first: a span per call (tracing.ts) → the response cache and coalescing,
 * when configured (shared-calls.ts) → the item-key watch (item-keys.ts) → the client:
 * breakers, retries, concurrency slot, request (client.ts, attempt.ts).
 */
export function createUpstream(settings: UpstreamSettings, deps: UpstreamDependencies): UpstreamClient {
  const dialect = dialectOf(settings);
  const client = createUpstreamClient(settings, {
    baseUrl: deps.baseUrl,
    dialect,
    logger: deps.logger,
    onCall: deps.metrics?.observeUpstreamCall,
    random: deps.random,
    clock: deps.clock,
    cooldowns: deps.cooldowns,
    rateLimiter: deps.rateLimiter ?? (settings.upstreamRateLimit === undefined ? UNLIMITED : createLocalRateLimiter(settings.upstreamRateLimit, deps.clock)),
  });
  deps.metrics?.watchCircuit(() => client.state().breaker);
  deps.metrics?.watchTenantCircuits(() => client.state().openTenantBreakers);
  // Below the sharing layer: each page read from the upstream is inspected (and counted) once, not per cache hit.
  const watched = watchItemKeys(client, { logger: deps.logger, onMissingKeys: deps.metrics?.observeMissingItemKeys, fieldMap: dialect.fieldMap });
  // Off unless configured: sharing calls across operations trades freshness and memory for upstream load.
  const shared = shareUpstreamCalls(watched, {
    coalesce: settings.upstreamCoalesce,
    cacheTtlMs: settings.upstreamCacheTtlMs,
    cacheMaxItems: settings.upstreamCacheMaxItems,
    now: deps.clock,
  });
  return traceUpstreamCalls(shared, deps.tracer ?? propagatingTracer());
}
