import { performance } from 'node:perf_hooks';
import { Pool, type Dispatcher } from 'undici';
import { GatewayError } from '../errors.js';
import { decodeAuditLogPage } from './decode.js';
import { errorForStatus, errorForTransportFailure } from './errors.js';
import { auditLogsPath, buildSearchParams } from './query.js';
import type { ListAuditLogsRequest, UpstreamCallEvent, UpstreamClient, UpstreamPage } from './types.js';

export interface UpstreamLogger {
  warn(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface UpstreamClientOptions {
  /** Base URL of the CloudCockpit API; it may carry a path prefix (`https://host/api`). */
  baseUrl: string;
  /** Deadline for one upstream call, body included. */
  timeoutMs: number;
  /** Keep-alive connections in the pool. Default 64. */
  connections?: number;
  logger?: UpstreamLogger;
  /** Called once per upstream call when it has settled; must not throw. */
  onCall?: (event: UpstreamCallEvent) => void;
}

/** Largest 200 body we read: a 2000-item page is a few MB. */
const MAX_PAGE_BYTES = 64 * 1024 * 1024;
/** Largest error body we read; past this the body is dropped and only the status is kept. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** Upper bound on the readiness probe's deadline. */
const PROBE_TIMEOUT_MS = 2000;
/** At most this many distinct unknown status values are named in one warning. */
const MAX_UNKNOWN_STATUS_SAMPLES = 5;

const noop = (): void => {};
const silentLogger: UpstreamLogger = { warn: noop, debug: noop };

type ResponseBody = Dispatcher.ResponseData['body'];

/**
 * The one pipeline every upstream call goes through:
 * build path → request on a keep-alive pool under a deadline → read body once →
 * decode (200) or map the status (anything else) → log.
 */
export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const { timeoutMs } = options;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RangeError('timeoutMs must be a positive number');
  const baseUrl = new URL(options.baseUrl);
  const basePath = auditLogsPath(baseUrl);
  const logger = options.logger ?? silentLogger;

  // undici's own timeouts default to 300 s; none of them may outlast our deadline.
  const pool = new Pool(baseUrl.origin, {
    connections: options.connections ?? 64,
    connectTimeout: timeoutMs,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  let closing: Promise<void> | undefined;

  async function listAuditLogs(request: ListAuditLogsRequest): Promise<UpstreamPage> {
    const { query, window, headers } = request;
    const path = `${basePath}?${buildSearchParams(query, window)}`;
    const signal = deadline(timeoutMs, request.signal);
    const started = performance.now();
    let status: number | undefined;
    let failure: string | undefined;
    let unknownStatuses = 0;
    const unknownSamples = new Set<string>();

    try {
      const response = await requestWithin(pool, {
        method: 'GET',
        path,
        headers: upstreamHeaders(headers),
        signal,
      });
      status = response.statusCode;

      if (status !== 200) {
        const text = await readText(response.body, MAX_ERROR_BODY_BYTES, response.headers['content-length']);
        await socketReleased();
        throw errorForStatus(status, text, response.headers);
      }

      const text = await readText(response.body, MAX_PAGE_BYTES, response.headers['content-length']);
      await socketReleased();
      if (text === undefined) throw badResponse('The upstream response is too large.', status);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (err) {
        throw badResponse('The upstream response is not JSON.', status, err);
      }
      try {
        return decodeAuditLogPage(body, (value) => {
          unknownStatuses++;
          if (unknownSamples.size < MAX_UNKNOWN_STATUS_SAMPLES) unknownSamples.add(describe(value));
        });
      } catch (err) {
        throw err instanceof GatewayError ? badResponse(err.message, status, err) : err;
      }
    } catch (err) {
      const error = errorForTransportFailure(err);
      failure = error.code;
      throw error;
    } finally {
      const durationMs = performance.now() - started;
      const { correlationId } = headers;
      options.onCall?.({ correlationId, status, code: failure, durationMs, ...window });
      if (unknownStatuses > 0) {
        logger.warn(
          { correlationId, count: unknownStatuses, values: [...unknownSamples] },
          'upstream audit logs with an unknown status; decoded as null',
        );
      }
      logger.debug(
        { correlationId, status, durationMs: Math.round(durationMs), pageNumber: window.pageNumber, pageSize: window.pageSize, error: failure },
        'upstream GET AuditLogs',
      );
    }
  }

  async function probe(): Promise<boolean> {
    try {
      const response = await requestWithin(pool, {
        method: 'GET',
        path: basePath,
        headers: { accept: 'application/json' },
        signal: deadline(Math.min(timeoutMs, PROBE_TIMEOUT_MS)),
      });
      await response.body.dump().catch(noop);
      return true;
    } catch {
      return false;
    }
  }

  function close(): Promise<void> {
    closing ??= pool.close();
    return closing;
  }

  return { listAuditLogs, probe, close };
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

/** Our deadline, combined with the caller's signal when there is one. */
function deadline(ms: number, callerSignal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  return callerSignal ? AbortSignal.any([timeout, callerSignal]) : timeout;
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
      pending.then((late) => late.body.destroy(), noop);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (response) => {
        signal.removeEventListener('abort', onAbort);
        if (settled) return void response.body.destroy();
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
    body.destroy();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        body.destroy();
        return undefined;
      }
      chunks.push(chunk);
    }
  } catch (err) {
    body.destroy();
    throw err;
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

function badResponse(message: string, status: number, cause?: unknown): GatewayError {
  return new GatewayError('UPSTREAM_BAD_RESPONSE', message, { upstream: { status }, cause });
}

/** A short, log-safe description of an unexpected status value. */
function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value;
}
