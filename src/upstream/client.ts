import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import type { Config } from '../config.js';
import { GatewayError } from '../errors.js';
import { callerKey } from '../model/caller.js';
import { DOCUMENTED_DIALECT, type UpstreamDialect } from '../model/dialect.js';
import { createLocalCooldowns, type Cooldowns } from '../shared/cooldowns.js';
import { UNLIMITED, type RateLimiter } from '../shared/rate-limiter.js';
import { createAttempt, requestWithin, type AttemptResult } from './attempt.js';
import { createBreakers, NEUTRAL, SUCCESS, type ScopedOutcome } from './breakers.js';
import { createConcurrencyLimiter } from './concurrency.js';
import { errorForTransportFailure } from './errors.js';
import { auditLogsPath, buildSearchParams } from './query.js';
import { decideRetry, retryPolicy } from './retry.js';
import type { ListAuditLogsRequest, UpstreamCallEvent, UpstreamClient, UpstreamClientState } from './types.js';

/** The settings the client is built from, by their names in the configuration. */
export type UpstreamClientSettings = Pick<
  Config,
  | 'upstreamTimeoutMs'
  | 'upstreamMaxConcurrency'
  | 'upstreamMaxQueueMs'
  | 'upstreamMaxResponseBytes'
  | 'upstreamRetries'
  | 'breakerFailureThreshold'
  | 'breakerMinimumCalls'
  | 'breakerCooldownMs'
>;

export interface UpstreamLogger {
  warn(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface UpstreamClientDependencies {
  /** Base URL of the CloudCockpit API; it may carry a path prefix (`https://host/api`). */
  baseUrl: string;
  /** How this upstream differs from the documented one (exclusive dates, key names, status spellings). */
  dialect?: UpstreamDialect;
  logger?: UpstreamLogger;
  /** Called once per upstream request (each attempt) when it has settled; must not throw. */
  onCall?: (event: UpstreamCallEvent) => void;
  /** Source of the backoff jitter, [0, 1). */
  random?: () => number;
  /** The breakers' clock, epoch ms. */
  clock?: () => number;
  /** The 429 cool-downs each call checks first (shared by the replicas through Redis). Default: this client's own. */
  cooldowns?: Cooldowns;
  /** UPSTREAM_RATE_LIMIT's buckets, drawn from before each attempt. Default: no limit. */
  rateLimiter?: RateLimiter;
}

/** Upper bound on the readiness probe's deadline. */
const PROBE_TIMEOUT_MS = 2000;

const noop = (): void => {};
const silentLogger: UpstreamLogger = { warn: noop, debug: noop };

/**
 * The upstream client: one `GET /v1/AuditLogs` call, top to bottom in `listAuditLogs`
 * below, as `ky` and `RESTDataSource` keep theirs. The call's deadline (slot wait,
 * every attempt and every backoff together) starts; the breakers admit it or fail it
 * fast; attempts follow (attempt.ts: budget, slot, request, read, decode or classify)
 * until one succeeds or retrying would not help (retry.ts); each attempt is reported;
 * the breakers learn how the call ended. The client owns its pool, its limiter, its
 * breakers and its running totals.
 */
export function createUpstreamClient(settings: UpstreamClientSettings, deps: UpstreamClientDependencies): UpstreamClient {
  const timeoutMs = settings.upstreamTimeoutMs;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RangeError('upstreamTimeoutMs must be a positive number');
  const baseUrl = new URL(deps.baseUrl);
  const basePath = auditLogsPath(baseUrl);
  const logger = deps.logger ?? silentLogger;
  const dialect = deps.dialect ?? DOCUMENTED_DIALECT;
  const random = deps.random ?? Math.random;
  const policy = retryPolicy(settings.upstreamRetries);
  const maxConcurrency = settings.upstreamMaxConcurrency;

  const limiter = createConcurrencyLimiter(maxConcurrency);
  const breakers = createBreakers({
    config: { failureThreshold: settings.breakerFailureThreshold, cooldownMs: settings.breakerCooldownMs, minimumCalls: settings.breakerMinimumCalls },
    clock: deps.clock,
    onChange: ({ scope, tenant, from, to }) =>
      logger.warn({ scope, ...(tenant === undefined ? {} : { tenant }), from, to }, `upstream circuit breaker ${to}${scope === 'tenant' ? ' for one tenant' : ''}`),
  });
  const totals = { retries: 0, breakerRejections: 0, queueTimeouts: 0 };
  const cooldowns = deps.cooldowns ?? createLocalCooldowns(deps.clock);
  const rateLimiter = deps.rateLimiter ?? UNLIMITED;

  // undici's own timeouts default to 300 s; none of them may outlast our deadline.
  // One connection per slot, so undici never queues behind the limiter's back.
  const pool = new Pool(baseUrl.origin, { connections: maxConcurrency, connectTimeout: timeoutMs, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const attemptOnce = createAttempt({
    pool,
    limiter,
    maxQueueMs: settings.upstreamMaxQueueMs,
    maxResponseBytes: settings.upstreamMaxResponseBytes,
    logger,
    dialect,
  });
  let closing: Promise<void> | undefined;

  async function listAuditLogs(request: ListAuditLogsRequest) {
    const path = `${basePath}?${buildSearchParams(request.query, request.window, dialect)}`;
    const deadline = startDeadline(timeoutMs, request.signal);
    if (deadline.signal.aborted) throw errorForTransportFailure(deadline.signal.reason);
    // Hashed once per call: the cool-downs, the breaker, the rate limit and every attempt's slot key on it.
    const caller = callerKey(request.headers);
    // A 429's Retry-After holds the caller's calls, on every replica, until the time has passed.
    const coolingMs = await cooldowns.remainingMs(caller);
    if (coolingMs > 0) throw rateLimited(coolingMs, 'Too many requests to the audit-log service; retry later.');

    const admission = breakers.tryAcquire(request.headers, caller);
    if (typeof admission === 'string') {
      totals.breakerRejections++;
      throw new GatewayError('UPSTREAM_UNAVAILABLE', 'The audit-log service is failing; calls to it are paused briefly.');
    }
    // What the breakers learn when the call settles, however it ends.
    let outcome: ScopedOutcome = NEUTRAL;
    let last: Extract<AttemptResult, { ok: false }> | undefined;
    try {
      for (let attempt = 1; ; attempt++) {
        // The operation's budget pays for every attempt; past it, no request is sent: the
        // first attempt fails with the budget's error, a retry leaves the last failure standing.
        const refused = request.budget?.spend(request.window.pageSize);
        if (refused) throw last?.error ?? refused;
        await takeTurn(caller, deadline, last?.error);
        const startedAt = performance.now();
        const result = await attemptOnce(path, request, caller, deadline.signal, deadline.remainingMs());
        if (result.ok) {
          report(request, attempt, startedAt, result, undefined);
          outcome = SUCCESS;
          return result.page;
        }
        if (result.queueTimeout) totals.queueTimeouts++;
        if (result.failure.kind === 'status' && result.status === 429 && result.failure.retryAfterSeconds !== undefined) {
          await cooldowns.hold(caller, result.failure.retryAfterSeconds * 1000);
        }
        last = result;
        outcome = result.outcome;
        const decision = decideRetry({ failure: result.failure, attempt, remainingMs: deadline.remainingMs(), random: random(), policy });
        report(request, attempt, startedAt, result, decision.retry ? decision.delayMs : undefined);
        if (!decision.retry) throw result.error;
        totals.retries++;
        // The backoff; the deadline or the caller can still cut it short.
        await sleep(decision.delayMs, undefined, { signal: deadline.signal }).catch(() => {
          throw errorForTransportFailure(deadline.signal.reason);
        });
      }
    } finally {
      admission.settle(outcome);
    }
  }

  /**
   * UPSTREAM_RATE_LIMIT: waits for the caller's turn in its bucket, within the call's
   * deadline. A turn that would come after the deadline is not waited for: the call
   * is RATE_LIMITED at once (on a retry, the last failure stands).
   */
  async function takeTurn(caller: string, deadline: { signal: AbortSignal; remainingMs(): number }, lastError: GatewayError | undefined): Promise<void> {
    const turn = await rateLimiter.reserve(caller, deadline.remainingMs());
    if (!turn.ok) {
      throw lastError ?? rateLimited(turn.waitMs, 'Too many calls to the audit-log service for these credentials (UPSTREAM_RATE_LIMIT); retry later.');
    }
    if (turn.waitMs <= 0) return;
    await sleep(turn.waitMs, undefined, { signal: deadline.signal }).catch(() => {
      throw errorForTransportFailure(deadline.signal.reason);
    });
  }

  /** Each attempt: the `onCall` hook (only requests that reached the upstream; it must not break the call) and one debug line. */
  function report(request: ListAuditLogsRequest, attempt: number, startedAt: number, result: AttemptResult, retryInMs: number | undefined): void {
    const durationMs = performance.now() - startedAt;
    const { correlationId } = request.headers;
    const { status } = result;
    const code = result.ok ? undefined : result.error.code;
    const event: UpstreamCallEvent = { correlationId, status, code, durationMs, ...request.window, attempt };
    if (retryInMs !== undefined) event.retryInMs = retryInMs;
    try {
      if (result.ok || !result.notSent) deps.onCall?.(event);
    } catch {
      // A reporting hook must never break the call.
    }
    logger.debug({ ...event, durationMs: Math.round(durationMs), error: code }, 'upstream GET AuditLogs');
  }

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
      breaker: breakers.upstreamPhase(),
      recentFailures: breakers.upstreamFailures(),
      openTenantBreakers: breakers.openTenants(),
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

/** RATE_LIMITED without an upstream call, with the whole seconds until a call may go. */
function rateLimited(waitMs: number, message: string): GatewayError {
  return new GatewayError('RATE_LIMITED', message, { retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) });
}

/** One call's deadline: slot wait, every attempt and every backoff together, cut short when the caller gives up. */
function startDeadline(ms: number, callerSignal: AbortSignal | undefined): { signal: AbortSignal; remainingMs(): number } {
  const endsAt = performance.now() + ms;
  const timeout = AbortSignal.timeout(ms);
  return {
    signal: callerSignal ? AbortSignal.any([timeout, callerSignal]) : timeout,
    remainingMs: () => Math.max(0, endsAt - performance.now()),
  };
}

