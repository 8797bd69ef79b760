import type { Dispatcher, Pool } from 'undici';
import { GatewayError } from '../errors.js';
import type { UpstreamDialect } from '../model/dialect.js';
import type { UpstreamPage } from '../model/audit-log.js';
import { NEUTRAL, type ScopedOutcome } from './breakers.js';
import { QueueTimeoutError, type ConcurrencyLimiter } from './concurrency.js';
import { decodeUpstreamPage } from './dialect.js';
import { errorCode, errorForTransportFailure, statusFailure } from './errors.js';
import type { AttemptFailure } from './retry.js';
import type { ListAuditLogsRequest } from './types.js';

/**
 * One attempt of an upstream call: a concurrency slot within the tenant's fair share,
 * the request, the body read within its limit, then a decoded page or a classified
 * failure. Never throws: the client decides what a failure means for retrying and
 * for the breakers.
 */

/** How one attempt ended: a page, or an error with what retrying and the breaker need to know. */
export type AttemptResult =
  | { ok: true; page: UpstreamPage; status: number }
  | { ok: false; error: GatewayError; failure: AttemptFailure; outcome: ScopedOutcome; status?: number; notSent?: true; queueTimeout?: true };

export interface AttemptLogger {
  warn(obj: object, msg?: string): void;
}

export interface AttemptParts {
  pool: Pool;
  limiter: ConcurrencyLimiter;
  maxQueueMs: number;
  maxResponseBytes: number;
  logger: AttemptLogger;
  /** How this upstream's 200 bodies differ from the documented ones. */
  dialect: UpstreamDialect;
}

/** Largest error body we read; past this the body is dropped and only the status is kept. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** At most this many distinct unknown status values are named in one warning. */
const MAX_UNKNOWN_STATUS_SAMPLES = 5;
/** Failures of our own pool (closed at shutdown), not of the upstream. */
const OWN_FAILURE_CODES = new Set(['UND_ERR_CLOSED', 'UND_ERR_DESTROYED', 'UND_ERR_ABORTED']);

/**
 * One upstream request: slot, send, read, decode (200) or classify the status. Never
 * throws. `caller` is the `callerKey` of the request's credentials, which the tenant's
 * fair share of the slots keys on.
 */
export function createAttempt(parts: AttemptParts) {
  return async function attemptOnce(path: string, request: ListAuditLogsRequest, caller: string, signal: AbortSignal, remainingMs: number): Promise<AttemptResult> {
    const slot = await acquireSlot(parts.limiter, signal, remainingMs, parts.maxQueueMs, caller);
    if (!slot.ok) return { ok: false, error: slot.error, failure: { kind: 'final' }, outcome: NEUTRAL, notSent: true, ...(slot.queueTimeout ? { queueTimeout: true as const } : {}) };
    let status: number | undefined;
    try {
      const response = await requestWithin(parts.pool, {
        method: 'GET',
        path,
        headers: upstreamHeaders(request.headers),
        signal,
      });
      status = response.statusCode;
      if (status !== 200) return await readErrorResponse(response);
      return { ok: true, page: await readPage(response, request.headers.correlationId, parts), status };
    } catch (err) {
      return failedAttempt(err, status, request.signal);
    } finally {
      slot.release();
    }
  };
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

async function readErrorResponse(response: Dispatcher.ResponseData): Promise<AttemptResult> {
  const status = response.statusCode;
  const text = await readText(response.body, MAX_ERROR_BODY_BYTES, response.headers['content-length']);
  await socketReleased();
  const { error, rule, retryAfterSeconds } = statusFailure(status, text, response.headers);
  return {
    ok: false,
    error,
    failure: { kind: 'status', status, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) },
    // The upstream answered: its connection is well; a 502/503/504 is the tenant's call failing.
    outcome: { tenant: rule.countsAgainstBreaker ? 'failure' : 'success', upstream: 'success' },
    status,
  };
}

async function readPage(
  response: Dispatcher.ResponseData,
  correlationId: string,
  { maxResponseBytes, logger, dialect }: AttemptParts,
): Promise<UpstreamPage> {
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
  const final = (): AttemptResult => ({ ok: false, error, failure: { kind: 'final' }, outcome: NEUTRAL, status });
  // A body we could not use came from an upstream that answered; a caller who gave up says nothing about it.
  if (err instanceof GatewayError || callerSignal?.aborted) return final();
  const code = errorCode(err);
  if (error.code === 'UPSTREAM_TIMEOUT') {
    // No connection within the deadline is the upstream's; a slow answer is the tenant's own call.
    const outcome: ScopedOutcome = code === 'UND_ERR_CONNECT_TIMEOUT' ? { tenant: 'neutral', upstream: 'failure' } : { tenant: 'slow', upstream: 'neutral' };
    return { ok: false, error, failure: { kind: 'timeout' }, outcome, status };
  }
  if (code === undefined || OWN_FAILURE_CODES.has(code)) return final();
  // Refused, reset, DNS: the connection failed, whoever's call it carried.
  return { ok: false, error, failure: { kind: 'transport', code }, outcome: { tenant: 'neutral', upstream: 'failure' }, status };
}

function badResponse(message: string, status: number, cause?: unknown): GatewayError {
  return new GatewayError('UPSTREAM_BAD_RESPONSE', message, { upstream: { status }, cause });
}

/** A short, log-safe description of an unexpected status value. */
function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value;
}

/**
 * The concurrency step of an attempt: a slot of the limiter, within the tenant's fair
 * share (concurrency.ts), waiting at most
 * `maxQueueMs`, or only the deadline when that comes first. No slot means the gateway
 * shed the call, or its deadline passed while it waited: neither is the upstream's
 * health, so the error is the caller's to see and nothing for the breaker.
 */
type Slot = { ok: true; release: () => void } | { ok: false; error: GatewayError; queueTimeout: boolean };

async function acquireSlot(limiter: ConcurrencyLimiter, signal: AbortSignal, remainingMs: number, maxQueueMs: number, tenant: string): Promise<Slot> {
  try {
    const release = await limiter.acquire(signal, maxQueueMs < remainingMs ? maxQueueMs : undefined, tenant);
    return { ok: true, release };
  } catch (err) {
    if (err instanceof QueueTimeoutError) {
      const error = new GatewayError('UPSTREAM_UNAVAILABLE', 'Too many calls to the audit-log service are in flight; retry later.', { cause: err });
      return { ok: false, error, queueTimeout: true };
    }
    return { ok: false, error: errorForTransportFailure(err), queueTimeout: false };
  }
}

/* undici helpers for one request on our pool: a deadline that holds while queued, bounded body reads. */

type ResponseBody = Dispatcher.ResponseData['body'];

const noop = (): void => {};

/**
 * `pool.request`, settled by the signal even while the request waits in the pool's
 * queue: undici only looks at the signal of a queued request once a connection takes
 * it, so with every connection busy a deadline would otherwise be missed.
 */
export function requestWithin(
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
export function socketReleased(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Reads a body to the end as UTF-8, or returns undefined (and destroys the body)
 * once it exceeds `limit` bytes. Either way the body is consumed or destroyed, so the
 * connection goes back to the pool or is closed.
 */
export async function readText(
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
export function discard(body: ResponseBody): void {
  body.on('error', noop);
  body.destroy();
}
