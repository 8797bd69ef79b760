import type { Dispatcher, Pool } from 'undici';
import { GatewayError } from '../errors.js';
import { NEUTRAL, type ScopedOutcome } from './breakers.js';
import { callerKey } from '../model/caller.js';
import type { ConcurrencyLimiter } from './concurrency.js';
import { decodeUpstreamPage } from './dialect.js';
import { type UpstreamDialect } from '../model/dialect.js';
import type { Deadline } from './deadline.js';
import { errorCode, errorForTransportFailure, statusFailure } from './errors.js';
import { readText, requestWithin, socketReleased } from './http.js';
import type { AttemptFailure } from './retry.js';
import { acquireSlot } from './slot.js';
import type { ListAuditLogsRequest } from './types.js';
import type { UpstreamPage } from '../model/audit-log.js';

/** How one attempt ended: a page, or an error with what retrying and the breaker need to know. */
export type AttemptResult =
  | { ok: true; page: UpstreamPage; status: number }
  | { ok: false; error: GatewayError; failure: AttemptFailure; outcome: ScopedOutcome; status?: number; notSent?: true };

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
  /** Counted here: calls shed because no slot came free in time. */
  totals: { queueTimeouts: number };
}

/** Largest error body we read; past this the body is dropped and only the status is kept. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** At most this many distinct unknown status values are named in one warning. */
const MAX_UNKNOWN_STATUS_SAMPLES = 5;
/** Failures of our own pool (closed at shutdown), not of the upstream. */
const OWN_FAILURE_CODES = new Set(['UND_ERR_CLOSED', 'UND_ERR_DESTROYED', 'UND_ERR_ABORTED']);

/** One upstream request: slot, send, read, decode (200) or classify the status. Never throws. */
export function createAttempt(parts: AttemptParts) {
  return async function attemptOnce(path: string, request: ListAuditLogsRequest, deadline: Deadline): Promise<AttemptResult> {
    const slot = await acquireSlot(parts.limiter, deadline, parts.maxQueueMs, callerKey(request.headers));
    if (!slot.ok) {
      if (slot.queueTimeout) parts.totals.queueTimeouts++;
      return { ok: false, error: slot.error, failure: { kind: 'final' }, outcome: NEUTRAL, notSent: true };
    }
    let status: number | undefined;
    try {
      const response = await requestWithin(parts.pool, {
        method: 'GET',
        path,
        headers: upstreamHeaders(request.headers),
        signal: deadline.signal,
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
