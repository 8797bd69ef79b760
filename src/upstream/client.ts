import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, type Dispatcher } from 'undici';
import { GatewayError } from '../errors.js';
import { createCircuitBreaker, type BreakerConfig, type CallOutcome } from './circuit-breaker.js';
import { createConcurrencyLimiter, QueueTimeoutError } from './concurrency.js';
import { decodeUpstreamPage, DOCUMENTED_DIALECT, type UpstreamDialect } from './dialect.js';
import { errorCode, errorForStatus, errorForTransportFailure, parseRetryAfter, type ResponseHeaders } from './errors.js';
import { auditLogsPath, buildSearchParams } from './query.js';
import { decideRetry, DEFAULT_RETRY_POLICY, type AttemptFailure, type RetryPolicy } from './retry.js';
import type {
  ListAuditLogsRequest,
  UpstreamCallEvent,
  UpstreamClient,
  UpstreamClientState,
  UpstreamPage,
} from './types.js';

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
  /** Circuit breaker: opens after `failureThreshold` failed calls in a row for `cooldownMs`. Default 5 and 10 s; false turns it off. */
  breaker?: Partial<BreakerConfig> | false;
  logger?: UpstreamLogger;
  /** Called once per upstream request (each attempt) when it has settled; must not throw. */
  onCall?: (event: UpstreamCallEvent) => void;
  /** Source of the backoff jitter, [0, 1). */
  random?: () => number;
  /** How this upstream differs from the documented one (exclusive dates, key names, status spellings). */
  dialect?: UpstreamDialect;
}

export const DEFAULT_MAX_CONCURRENCY = 64;
export const DEFAULT_MAX_QUEUE_MS = 2_000;
/** A 2000-item page of ordinary audit logs is about 1 MB; this leaves room for long `details`. */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
export const DEFAULT_BREAKER: BreakerConfig = { failureThreshold: 5, cooldownMs: 10_000 };

/** Largest error body we read; past this the body is dropped and only the status is kept. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** Upper bound on the readiness probe's deadline. */
const PROBE_TIMEOUT_MS = 2000;
/** At most this many distinct unknown status values are named in one warning. */
const MAX_UNKNOWN_STATUS_SAMPLES = 5;
/** Statuses that say the upstream (or what stands in front of it) is unwell; they count against the breaker. */
const UNHEALTHY_STATUSES = new Set([502, 503, 504]);
/** Failures of our own pool (closed at shutdown), not of the upstream. */
const OWN_FAILURE_CODES = new Set(['UND_ERR_CLOSED', 'UND_ERR_DESTROYED', 'UND_ERR_ABORTED']);

const noop = (): void => {};
const silentLogger: UpstreamLogger = { warn: noop, debug: noop };

type ResponseBody = Dispatcher.ResponseData['body'];

/** How one attempt ended: a page, or an error with what retrying and the breaker need to know. */
type AttemptResult =
  | { ok: true; page: UpstreamPage; status: number }
  | { ok: false; error: GatewayError; failure: AttemptFailure; outcome: CallOutcome; status?: number; notSent?: true };

/**
 * The one pipeline every upstream call goes through, in small named steps:
 * breaker admission → [slot → request under the call's deadline → read the body once →
 * decode (200) or map the status → report] → retry decision → … → breaker record.
 */
export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const { timeoutMs } = options;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RangeError('timeoutMs must be a positive number');
  const baseUrl = new URL(options.baseUrl);
  const basePath = auditLogsPath(baseUrl);
  const logger = options.logger ?? silentLogger;
  const maxConcurrency = options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY;
  const maxQueueMs = options.maxQueueMs ?? DEFAULT_MAX_QUEUE_MS;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const retryPolicy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const random = options.random ?? Math.random;
  const dialect = options.dialect ?? DOCUMENTED_DIALECT;

  const limiter = createConcurrencyLimiter(maxConcurrency);
  const breaker =
    options.breaker === false
      ? undefined
      : createCircuitBreaker({ ...DEFAULT_BREAKER, ...options.breaker }, Date.now, (from, to) =>
          logger.warn({ from, to }, `upstream circuit breaker ${to}`),
        );
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

  async function listAuditLogs(request: ListAuditLogsRequest): Promise<UpstreamPage> {
    const path = `${basePath}?${buildSearchParams(request.query, request.window, dialect)}`;
    const deadline = startDeadline(timeoutMs, request.signal);
    if (deadline.signal.aborted) throw errorForTransportFailure(deadline.signal.reason);

    const admission = breaker?.tryAcquire();
    if (breaker && !admission) {
      totals.breakerRejections++;
      throw new GatewayError('UPSTREAM_UNAVAILABLE', 'The audit-log service is failing; calls to it are paused briefly.');
    }

    let outcome: CallOutcome = 'neutral';
    try {
      for (let attempt = 1; ; attempt++) {
        const started = performance.now();
        const result = await attemptOnce(path, request, deadline);
        outcome = result.ok ? 'success' : result.outcome;
        const decision = result.ok
          ? undefined
          : decideRetry({ failure: result.failure, attempt, remainingMs: deadline.remainingMs(), random: random(), policy: retryPolicy });
        report(request, attempt, started, result, decision?.retry ? decision.delayMs : undefined);

        if (result.ok) return result.page;
        if (!decision?.retry) throw result.error;
        totals.retries++;
        await waitOrFail(decision.delayMs, deadline.signal);
      }
    } catch (err) {
      if (!(err instanceof GatewayError)) outcome = 'neutral';
      throw errorForTransportFailure(err);
    } finally {
      admission?.settle(outcome);
    }
  }

  /** One upstream request: slot, send, read, decode or map. Never throws. */
  async function attemptOnce(path: string, request: ListAuditLogsRequest, deadline: Deadline): Promise<AttemptResult> {
    let release: () => void;
    try {
      release = await acquireSlot(deadline);
    } catch (err) {
      return slotUnavailable(err);
    }
    let status: number | undefined;
    try {
      const response = await requestWithin(pool, {
        method: 'GET',
        path,
        headers: upstreamHeaders(request.headers),
        signal: deadline.signal,
      });
      status = response.statusCode;
      if (status !== 200) return await readErrorResponse(response);
      return { ok: true, page: await readPage(response, request.headers.correlationId), status };
    } catch (err) {
      return failedAttempt(err, status, request.signal);
    } finally {
      release();
    }
  }

  /** A slot, waiting at most `maxQueueMs`, or only the deadline when that comes first. */
  function acquireSlot(deadline: Deadline): Promise<() => void> {
    const remaining = deadline.remainingMs();
    return limiter.acquire(deadline.signal, maxQueueMs < remaining ? maxQueueMs : undefined);
  }

  /** No slot: the gateway shed the call, or its deadline passed while it waited. Neither is the upstream's health. */
  function slotUnavailable(err: unknown): AttemptResult {
    if (err instanceof QueueTimeoutError) {
      totals.queueTimeouts++;
      const error = new GatewayError('UPSTREAM_UNAVAILABLE', 'Too many calls to the audit-log service are in flight; retry later.', { cause: err });
      return { ok: false, error, failure: { kind: 'final' }, outcome: 'neutral', notSent: true };
    }
    return { ok: false, error: errorForTransportFailure(err), failure: { kind: 'final' }, outcome: 'neutral', notSent: true };
  }

  async function readErrorResponse(response: Dispatcher.ResponseData): Promise<AttemptResult> {
    const status = response.statusCode;
    const text = await readText(response.body, MAX_ERROR_BODY_BYTES, response.headers['content-length']);
    await socketReleased();
    const retryAfterSeconds = parseRetryAfter(firstHeader(response.headers, 'retry-after'), Date.now());
    return {
      ok: false,
      error: errorForStatus(status, text, response.headers),
      failure: { kind: 'status', status, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) },
      outcome: UNHEALTHY_STATUSES.has(status) ? 'failure' : 'success',
      status,
    };
  }

  async function readPage(response: Dispatcher.ResponseData, correlationId: string): Promise<UpstreamPage> {
    const status = response.statusCode;
    const text = await readText(response.body, maxResponseBytes, response.headers['content-length']);
    await socketReleased();
    if (text === undefined) throw badResponse('The upstream response is too large.', status);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      throw badResponse('The upstream response is not JSON.', status, err);
    }
    let unknownStatuses = 0;
    const unknownSamples = new Set<string>();
    try {
      return decodeUpstreamPage(body, dialect, (value) => {
        unknownStatuses++;
        if (unknownSamples.size < MAX_UNKNOWN_STATUS_SAMPLES) unknownSamples.add(describe(value));
      });
    } catch (err) {
      throw err instanceof GatewayError ? badResponse(err.message, status, err) : err;
    } finally {
      if (unknownStatuses > 0) {
        logger.warn(
          { correlationId, count: unknownStatuses, values: [...unknownSamples] },
          'upstream audit logs with an unknown status; decoded as null',
        );
      }
    }
  }

  function failedAttempt(err: unknown, status: number | undefined, callerSignal: AbortSignal | undefined): AttemptResult {
    const error = errorForTransportFailure(err);
    const final = (outcome: CallOutcome): AttemptResult => ({ ok: false, error, failure: { kind: 'final' }, outcome, status });
    // A body we could not use came from an upstream that answered; a caller who gave up says nothing about it.
    if (err instanceof GatewayError || callerSignal?.aborted) return final('neutral');
    if (error.code === 'UPSTREAM_TIMEOUT') return { ok: false, error, failure: { kind: 'timeout' }, outcome: 'failure', status };
    const code = errorCode(err);
    if (code === undefined || OWN_FAILURE_CODES.has(code)) return final('neutral');
    return { ok: false, error, failure: { kind: 'transport', code }, outcome: 'failure', status };
  }

  /** The onCall hook (for requests that reached the upstream) and one debug line per attempt. */
  function report(
    request: ListAuditLogsRequest,
    attempt: number,
    started: number,
    result: AttemptResult,
    retryInMs: number | undefined,
  ): void {
    const durationMs = performance.now() - started;
    const { correlationId } = request.headers;
    const status = result.status;
    const code = result.ok ? undefined : result.error.code;
    const event: UpstreamCallEvent = { correlationId, status, code, durationMs, ...request.window, attempt };
    if (retryInMs !== undefined) event.retryInMs = retryInMs;
    try {
      if (result.ok || !result.notSent) options.onCall?.(event);
    } catch {
      // A reporting hook must never break the call.
    }
    logger.debug(
      {
        correlationId,
        status,
        durationMs: Math.round(durationMs),
        pageNumber: request.window.pageNumber,
        pageSize: request.window.pageSize,
        attempt,
        error: code,
        ...(retryInMs === undefined ? {} : { retryInMs }),
      },
      'upstream GET AuditLogs',
    );
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
      breaker: breaker?.phase() ?? 'closed',
      consecutiveFailures: breaker?.consecutiveFailures() ?? 0,
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

/** The allow-list: nothing else from the caller ever reaches the upstream. */
function upstreamHeaders(headers: ListAuditLogsRequest['headers']): Record<string, string> {
  const sent: Record<string, string> = {
    authorization: headers.authorization,
    'x-tenant': headers.tenant,
    'x-correlation-id': headers.correlationId,
    accept: 'application/json',
  };
  if (headers.traceparent !== undefined) sent.traceparent = headers.traceparent;
  if (headers.tracestate !== undefined) sent.tracestate = headers.tracestate;
  return sent;
}

interface Deadline {
  /** Aborts when the call's time is up (a TimeoutError) or the caller gives up. */
  signal: AbortSignal;
  remainingMs(): number;
}

/** The call's deadline, combined with the caller's signal when there is one. */
function startDeadline(ms: number, callerSignal?: AbortSignal): Deadline {
  const endsAt = performance.now() + ms;
  const timeout = AbortSignal.timeout(ms);
  return {
    signal: callerSignal ? AbortSignal.any([timeout, callerSignal]) : timeout,
    remainingMs: () => Math.max(0, endsAt - performance.now()),
  };
}

/** The backoff before a retry; the deadline or the caller can still cut it short. */
async function waitOrFail(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    throw errorForTransportFailure(signal.reason);
  }
}

/**
 * `pool.request`, settled by the signal even while the request waits in the pool's
 * queue: undici only looks at the signal of a queued request once a connection takes
 * it, so with every connection busy a deadline would otherwise be missed.
 */
function requestWithin(
  pool: Pool,
  options: Dispatcher.RequestOptions & { signal: AbortSignal },
): Promise<Dispatcher.ResponseData> {
  const { signal } = options;
  const pending = pool.request(options);
  return new Promise<Dispatcher.ResponseData>((resolve, reject) => {
    let settled = false;
    const onAbort = (): void => {
      if (settled) return;
      settled = true;
      reject(signal.reason);
      // If a response still arrives, drop it so its socket is freed.
      pending.then((late) => discard(late.body), noop);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (response) => {
        signal.removeEventListener('abort', onAbort);
        if (settled) return discard(response.body);
        settled = true;
        resolve(response);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        if (settled) return;
        settled = true;
        reject(err);
      },
    );
  });
}

/**
 * Waits for the connection that carried a finished response to be usable again.
 * undici (pipelining 1) hands a keep-alive socket back to its pool only on the next
 * `setImmediate` after the response ends; a caller that made its next call sooner
 * (two sequential upstream calls for one page) would open a second connection.
 */
function socketReleased(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Reads a body to the end as UTF-8, or returns undefined (and destroys the body)
 * once it exceeds `limit` bytes. Either way the body is consumed or destroyed, so the
 * connection goes back to the pool or is closed.
 */
async function readText(
  body: ResponseBody,
  limit: number,
  contentLength?: string | string[],
): Promise<string | undefined> {
  if (Number(contentLength) > limit) {
    discard(body);
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        discard(body);
        return undefined;
      }
      chunks.push(chunk);
    }
  } catch (err) {
    discard(body);
    throw err;
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

/**
 * Drops a body we will not read and closes its connection. undici reports the
 * destruction of an unread body as an 'error' event; unheard, that would be an
 * uncaught exception.
 */
function discard(body: ResponseBody): void {
  body.on('error', noop);
  body.destroy();
}

function badResponse(message: string, status: number, cause?: unknown): GatewayError {
  return new GatewayError('UPSTREAM_BAD_RESPONSE', message, { upstream: { status }, cause });
}

function firstHeader(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}


/** A short, log-safe description of an unexpected status value. */
function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value;
}
