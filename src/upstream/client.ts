import { Pool } from 'undici';
import { SETTINGS } from '../settings.js';
import { createAttempt } from './attempt.js';
import { createBreakers } from './breakers.js';
import type { BreakerConfig } from './circuit-breaker.js';
import { createConcurrencyLimiter } from './concurrency.js';
import { requestWithin } from './http.js';
import { DOCUMENTED_DIALECT, type UpstreamDialect } from '../model/dialect.js';
import { createPipeline } from './pipeline.js';
import { auditLogsPath } from './query.js';
import { reportAttempt } from './report.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
import type { UpstreamCallEvent, UpstreamClient, UpstreamClientState } from './types.js';

export interface UpstreamLogger {
  warn(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface UpstreamClientOptions {
  /** Base URL of the CloudCockpit API; it may carry a path prefix (`https://host/api`). */
  baseUrl: string;
  /** Deadline for one call: slot wait, every attempt and every backoff together. */
  timeoutMs: number;
  /** Cap on concurrent upstream requests (and keep-alive connections). Default 64. */
  maxConcurrency?: number;
  /** Longest wait for a free slot before the call fails with UPSTREAM_UNAVAILABLE. Default 2000. */
  maxQueueMs?: number;
  /** Largest 200 body read; larger is UPSTREAM_BAD_RESPONSE. Default 16 MiB. */
  maxResponseBytes?: number;
  /** Retries after the first attempt (0 turns retrying off), and the backoff. Default 2 retries, 100 ms doubling to 1 s. */
  retry?: Partial<RetryPolicy>;
  /** Circuit breakers (per tenant, and upstream-wide; see breakers.ts): `failureThreshold` failures at a 50% rate in the window open one for `cooldownMs`. Default 5 and 10 s; false turns them off. */
  breaker?: Partial<BreakerConfig> | false;
  logger?: UpstreamLogger;
  /** Called once per upstream request (each attempt) when it has settled; must not throw. */
  onCall?: (event: UpstreamCallEvent) => void;
  /** Source of the backoff jitter, [0, 1). */
  random?: () => number;
  /** How this upstream differs from the documented one (exclusive dates, key names, status spellings). */
  dialect?: UpstreamDialect;
}

const DEFAULT_BREAKER: BreakerConfig = {
  failureThreshold: SETTINGS.breakerFailureThreshold.default,
  cooldownMs: SETTINGS.breakerCooldownMs.default,
  minimumCalls: SETTINGS.breakerMinimumCalls.default,
};

/** Upper bound on the readiness probe's deadline. */
const PROBE_TIMEOUT_MS = 2000;

const noop = (): void => {};
const silentLogger: UpstreamLogger = { warn: noop, debug: noop };

/**
 * The upstream client: the pool, the concurrency limiter and the breaker, and the one
 * pipeline every call goes through (pipeline.ts), with the options' defaults from the
 * settings table.
 */
export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const { timeoutMs } = options;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RangeError('timeoutMs must be a positive number');
  const baseUrl = new URL(options.baseUrl);
  const basePath = auditLogsPath(baseUrl);
  const logger = options.logger ?? silentLogger;
  const maxConcurrency = options.maxConcurrency ?? SETTINGS.upstreamMaxConcurrency.default;
  const dialect = options.dialect ?? DOCUMENTED_DIALECT;

  const limiter = createConcurrencyLimiter(maxConcurrency);
  const breakers =
    options.breaker === false
      ? undefined
      : createBreakers({
          config: { ...DEFAULT_BREAKER, ...options.breaker },
          onChange: ({ scope, tenant, from, to }) =>
            logger.warn({ scope, ...(tenant === undefined ? {} : { tenant }), from, to }, `upstream circuit breaker ${to}${scope === 'tenant' ? ' for one tenant' : ''}`),
        });
  const totals = { retries: 0, breakerRejections: 0, queueTimeouts: 0 };

  // undici's own timeouts default to 300 s; none of them may outlast our deadline.
  // One connection per slot, so undici never queues behind the limiter's back.
  const pool = new Pool(baseUrl.origin, {
    connections: maxConcurrency,
    connectTimeout: timeoutMs,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  let closing: Promise<void> | undefined;

  const listAuditLogs = createPipeline({
    basePath,
    timeoutMs,
    breakers,
    dialect,
    attemptOnce: createAttempt({
      dialect,
      pool,
      limiter,
      maxQueueMs: options.maxQueueMs ?? SETTINGS.upstreamMaxQueueMs.default,
      maxResponseBytes: options.maxResponseBytes ?? SETTINGS.upstreamMaxResponseBytes.default,
      logger,
      totals,
    }),
    retry: { policy: { ...DEFAULT_RETRY_POLICY, ...options.retry }, random: options.random ?? Math.random, totals },
    report: (...args) => reportAttempt(options.onCall, logger, ...args),
    totals,
  });

  async function probe(): Promise<boolean> {
    try {
      const response = await requestWithin(pool, {
        method: 'GET',
        path: basePath,
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(Math.min(timeoutMs, PROBE_TIMEOUT_MS)),
      });
      await response.body.dump().catch(noop);
      return true;
    } catch {
      return false;
    }
  }

  function state(): UpstreamClientState {
    return {
      breaker: breakers?.upstreamPhase() ?? 'closed',
      recentFailures: breakers?.upstreamFailures() ?? 0,
      openTenantBreakers: breakers?.openTenants() ?? 0,
      inFlight: limiter.active(),
      queued: limiter.waiting(),
      maxConcurrency,
      totals: { ...totals },
    };
  }

  function close(): Promise<void> {
    closing ??= pool.close();
    return closing;
  }

  return { listAuditLogs, probe, state, close };
}
