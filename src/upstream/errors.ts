import { GatewayError, type ErrorCode, type UpstreamErrorDetails } from '../errors.js';
import { capDepth } from '../model/json-depth.js';
import { pickCamelOrPascal as pick } from './decode.js';

/**
 * Mapping of upstream failures onto the gateway's error codes (ERROR_CODES; the
 * README's error table says which status gives which).
 * Pure. Messages are fixed sentences: they never carry a token, a header value, the
 * upstream URL or the upstream body. What the upstream said about a failed call goes
 * into `extensions.upstream`, as far as it sent it.
 */

export type ResponseHeaders = Record<string, string | string[] | undefined>;

/** The longest `Retry-After` we pass on, so the value stays a safe integer. */
const MAX_RETRY_AFTER_SECONDS = 7 * 24 * 60 * 60;

/** A non-200 upstream response, read once: its gateway error, how it is classified, and its `Retry-After`. */
export interface StatusFailure {
  error: GatewayError;
  rule: StatusRule;
  /** Seconds the upstream asked us to wait, when it said so. */
  retryAfterSeconds?: number;
}

/** Classifies a non-200 response (classifyStatus, below) and parses its `Retry-After`, once. */
export function statusFailure(status: number, body: unknown, headers: ResponseHeaders, now: number = Date.now()): StatusFailure {
  const rule = classifyStatus(status);
  const upstream = upstreamDetails(status, body);
  const retryAfterSeconds = parseRetryAfter(header(headers, 'retry-after'), now);
  // Only a 429 passes the wait on to the client: there it is the client's to honour.
  const passOn = rule.code === 'RATE_LIMITED' && retryAfterSeconds !== undefined ? { retryAfterSeconds } : {};
  const error = new GatewayError(rule.code, rule.message, { upstream, ...passOn });
  return { error, rule, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) };
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * The GatewayError for a call that got no usable HTTP response: undici and socket
 * errors are mapped by `err.code` (undici's connect, headers and body timeouts, and our
 * own deadline, AbortSignal.timeout's `TimeoutError`, are timeouts), a GatewayError
 * passes through unchanged, and anything else (refused, reset, DNS failure, a closed
 * pool, a cancelled call) counts as the upstream being unavailable. The original
 * error is kept as the GatewayError's `cause`.
 */
export function errorForTransportFailure(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  const code = errorCode(err);
  if ((code !== undefined && TIMEOUT_CODES.has(code)) || errorName(err) === 'TimeoutError') {
    return new GatewayError('UPSTREAM_TIMEOUT', 'The audit-log service did not answer in time.', { cause: err });
  }
  // ECONNREFUSED, ECONNRESET, ENOTFOUND, EAI_AGAIN, EPIPE, EHOSTUNREACH,
  // UND_ERR_SOCKET, UND_ERR_CLOSED, UND_ERR_DESTROYED and everything unforeseen.
  return new GatewayError('UPSTREAM_UNAVAILABLE', 'The audit-log service could not be reached.', { cause: err });
}

/**
 * Seconds to wait from a `Retry-After` value: delta-seconds, or an HTTP-date relative
 * to `now`. Rounded up, never negative; undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  let seconds: number;
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    seconds = Number(trimmed);
  } else {
    // An HTTP-date starts with the day name in all three of its forms (IMF-fixdate,
    // RFC 850, asctime); asctime has no zone and is GMT by definition.
    if (!/^[A-Za-z]{3,9},? /.test(trimmed)) return undefined;
    const date = Date.parse(/ (GMT|UTC)$/i.test(trimmed) ? trimmed : `${trimmed} GMT`);
    if (Number.isNaN(date)) return undefined;
    seconds = (date - now) / 1000;
  }
  return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(0, Math.ceil(seconds)));
}

function upstreamDetails(status: number, body: unknown): UpstreamErrorDetails {
  const details: UpstreamErrorDetails = { status };
  const parsed = parseBody(body);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return details;
  const obj = parsed as Record<string, unknown>;

  const type = pick(obj, 'type', 'Type');
  if (type === null || typeof type === 'string') details.type = type;
  const description = pick(obj, 'description', 'Description');
  if (description === null || typeof description === 'string') details.description = description;
  const errors = pick(obj, 'errors', 'Errors');
  // Passed on to the client: cut where it nests too deep to be written.
  if (errors === null || Array.isArray(errors)) details.errors = capDepth(errors) as unknown[] | null;
  return details;
}

function parseBody(body: unknown): unknown {
  let text: string;
  if (typeof body === 'string') text = body;
  else if (body instanceof Uint8Array) text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  else return body;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A header's first value, looked up case-insensitively. */
function header(headers: ResponseHeaders, name: string): string | undefined {
  let value = headers[name];
  if (value === undefined) {
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === name) {
        value = headers[key];
        break;
      }
    }
  }
  return Array.isArray(value) ? value[0] : value;
}

/** The socket-level code of a transport failure (`ECONNRESET`, `UND_ERR_SOCKET`, …). */
export function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // fetch-style wrappers put the socket error in `cause`.
  const cause = (err as { cause?: unknown }).cause;
  if (typeof cause === 'object' && cause !== null) {
    const causeCode = (cause as { code?: unknown }).code;
    if (typeof causeCode === 'string') return causeCode;
  }
  return undefined;
}

function errorName(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const name = (err as { name?: unknown }).name;
  return typeof name === 'string' ? name : undefined;
}

/**
 * What one upstream HTTP status means to the gateway, in one table: the error code
 * and message the client gets, whether retrying may help, whether its
 * `Retry-After` is honoured, and whether it counts against the circuit breaker. Pure.
 */
export interface StatusRule {
  code: ErrorCode;
  message: string;
  /**
   * `always`: the status says nothing about the request itself (only GETs are sent);
   * `with-retry-after`: only on the upstream's own word of when; `never`: retrying
   * would get the same answer.
   */
  retry: 'always' | 'with-retry-after' | 'never';
  /** A `Retry-After` with this status sets the wait before the retry. */
  honoursRetryAfter: boolean;
  /** Says the upstream (or what stands in front of it) is unwell. */
  countsAgainstBreaker: boolean;
}

const rule = (code: ErrorCode, message: string, extra: Partial<StatusRule> = {}): StatusRule => ({
  code,
  message,
  retry: 'never',
  honoursRetryAfter: false,
  countsAgainstBreaker: false,
  ...extra,
});

const UNWELL = 'The audit-log service failed to handle the request.';
const unwell = (honoursRetryAfter: boolean): StatusRule =>
  rule('UPSTREAM_ERROR', UNWELL, { retry: 'always', honoursRetryAfter, countsAgainstBreaker: true });

const RULES: ReadonlyMap<number, StatusRule> = new Map([
  [400, rule('BAD_USER_INPUT', 'The audit-log service rejected the request.')],
  [401, rule('UNAUTHENTICATED', 'The audit-log service rejected the credentials.')],
  [403, rule('FORBIDDEN', 'Access to these audit logs is forbidden.')],
  [429, rule('RATE_LIMITED', 'Too many requests to the audit-log service; retry later.', { retry: 'with-retry-after', honoursRetryAfter: true })],
  [502, unwell(false)],
  [503, unwell(true)],
  [504, unwell(false)],
]);

/** Any other status, 500 included: the upstream ran the request and failed on it. */
const OTHER = rule('UPSTREAM_ERROR', UNWELL);

export function classifyStatus(status: number): StatusRule {
  return RULES.get(status) ?? OTHER;
}
