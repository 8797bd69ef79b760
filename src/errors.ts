import { GraphQLError } from 'graphql';

/** Every code the gateway raises while executing; published in the schema as `enum ErrorCode`. */
export const ERROR_CODES = [
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'UPSTREAM_ERROR',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_BAD_RESPONSE',
  'INTERNAL_SERVER_ERROR',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** What the upstream told us about a failed call, as far as it sent it. */
export interface UpstreamErrorDetails {
  status: number;
  type?: string | null;
  description?: string | null;
  errors?: unknown[] | null;
}

export interface GatewayErrorOptions {
  upstream?: UpstreamErrorDetails;
  retryAfterSeconds?: number;
  cause?: unknown;
}

/**
 * An expected failure with a stable `extensions.code`. Being a GraphQLError, it
 * survives yoga's error masking; anything else thrown is masked as
 * INTERNAL_SERVER_ERROR.
 */
export class GatewayError extends GraphQLError {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    const extensions: Record<string, unknown> = { code };
    if (options.upstream) extensions.upstream = options.upstream;
    if (options.retryAfterSeconds !== undefined) extensions.retryAfterSeconds = options.retryAfterSeconds;
    // The cause is kept off `originalError`: yoga masks any GraphQLError whose
    // originalError is not itself a GraphQLError, which would hide the code.
    super(message, { extensions });
    this.name = 'GatewayError';
    this.code = code;
    if (options.cause !== undefined) {
      Object.defineProperty(this, 'cause', { value: options.cause, enumerable: false });
    }
  }
}

export const badUserInput = (message: string): GatewayError => new GatewayError('BAD_USER_INPUT', message);

/**
 * yoga's maskError replacement, applied to every error a client is sent (request,
 * execution and subscription errors alike):
 * - GraphQL errors we raised on purpose pass through, with what clients must not see
 *   taken out (`clientSafe`);
 * - graphql-js's own errors with no code get one: BAD_USER_INPUT when the operation as
 *   a whole was refused (no `path`: an operation type the schema does not serve, an
 *   unknown operation name), INTERNAL_SERVER_ERROR when a field could not be completed
 *   (a `path`: an abstract type left unresolved, a null in a non-null field), which is
 *   a defect of ours, masked like any other;
 * - everything else becomes INTERNAL_SERVER_ERROR with no message details and no
 *   stack, whatever NODE_ENV says.
 */
export function maskUnexpectedError(error: unknown, message: string): Error {
  if (isDeliberate(error)) {
    const deliberate = error as GraphQLError;
    if (deliberate.extensions.code !== undefined) return clientSafe(deliberate);
    if (deliberate.path === undefined) return copyWithExtensions(deliberate, { ...deliberate.extensions, code: 'BAD_USER_INPUT' });
  }
  const masked = new GraphQLError(message, {
    nodes: error instanceof GraphQLError ? error.nodes : undefined,
    path: error instanceof GraphQLError ? error.path : undefined,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
  maskedCauses.set(masked, error instanceof GraphQLError && error.originalError ? error.originalError : error);
  return masked;
}

/** What a masked error hid, for the server's own log line of the operation; never for clients. */
const maskedCauses = new WeakMap<GraphQLError, unknown>();

export function causeOfMaskedError(error: unknown): unknown {
  return error instanceof GraphQLError ? maskedCauses.get(error) : undefined;
}

/** What the upstream said about a server failure, withheld from the client: it can name the upstream's internals. */
export interface WithheldUpstreamDetails {
  path?: ReadonlyArray<string | number>;
  status: number;
  description?: string | null;
  errors?: unknown;
}

const withheldDetails = new WeakMap<GraphQLError, WithheldUpstreamDetails>();

/**
 * A deliberate error as a client may see it:
 * - for an upstream 5xx, `extensions.upstream` keeps `{ status, type }` only; the
 *   upstream's description and errors (they can name its internals) are kept for the
 *   operation's log line (`withheldFromClients`);
 * - `extensions.originalError` (yoga puts the JSON parser's message there, which quotes
 *   the request body) is dropped.
 */
function clientSafe(error: GraphQLError): GraphQLError {
  const { originalError, upstream, ...rest } = error.extensions as Record<string, unknown> & { upstream?: UpstreamErrorDetails };
  const serverFailure = upstream !== undefined && typeof upstream.status === 'number' && upstream.status >= 500;
  if (originalError === undefined && !serverFailure) return error;
  if (!serverFailure) return copyWithExtensions(error, upstream === undefined ? withoutSpecFlag(rest) : { ...withoutSpecFlag(rest), upstream });
  const { status, type, description, errors } = upstream;
  const safe = copyWithExtensions(error, { ...rest, upstream: type === undefined ? { status } : { status, type } });
  if (description != null || errors != null) {
    // Kept as received; scrubbed only for the few that reach a log line (withheldFromClients).
    withheldDetails.set(safe, {
      ...(error.path ? { path: error.path } : {}),
      status,
      ...(description !== undefined ? { description } : {}),
      ...(errors !== undefined ? { errors } : {}),
    });
  }
  return safe;
}

/** Longest withheld text logged: enough to diagnose, not a copy of an arbitrary body. */
const MAX_WITHHELD_CHARS = 2_000;

const BEARER_TOKEN = /bearer\s+[^\s"',;]+/gi;
/** Keys whose values are credentials, whatever the upstream echoes back. */
const SECRET_KEY = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key)$/i;
/** Deeper than this, an upstream body is summarised rather than walked. */
const MAX_DEPTH = 8;

/** A value with every bearer token in its strings and every credential-named key replaced. Pure. */
function scrubbed(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(BEARER_TOKEN, 'Bearer [redacted]');
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[…]';
  if (Array.isArray(value)) return value.map((item) => scrubbed(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, SECRET_KEY.test(key) ? '[redacted]' : scrubbed(item, depth + 1)]),
  );
}

/** Upstream text as a log line may carry it: no credential in it, and bounded. */
function forLog(value: unknown): unknown {
  const clean = scrubbed(value);
  const text = typeof clean === 'string' ? clean : JSON.stringify(clean);
  return text.length > MAX_WITHHELD_CHARS ? `${text.slice(0, MAX_WITHHELD_CHARS)}…` : clean;
}

/**
 * The upstream details withheld from the errors of a result, for the operation's log
 * line (with its correlation id); `{}` when none were.
 */
export function withheldFromClients(result: unknown): { upstreamWithheld?: WithheldUpstreamDetails[] } {
  const parts = (Array.isArray(result) ? result : [result]) as Array<{ errors?: readonly unknown[] } | undefined>;
  const withheld: WithheldUpstreamDetails[] = [];
  for (const part of parts) {
    for (const error of part?.errors ?? []) {
      const details = error instanceof GraphQLError ? withheldDetails.get(error) : undefined;
      // A few are enough to diagnose; a list of 100 failed ids would repeat one body.
      if (details !== undefined && withheld.length < 3) withheld.push(forLogLine(details));
    }
  }
  return withheld.length > 0 ? { upstreamWithheld: withheld } : {};
}

function forLogLine({ description, errors, ...rest }: WithheldUpstreamDetails): WithheldUpstreamDetails {
  return {
    ...rest,
    ...(description !== undefined ? { description: description === null ? null : (forLog(description) as string) } : {}),
    ...(errors !== undefined ? { errors: errors === null ? null : forLog(errors) } : {}),
  };
}

/**
 * yoga answers a request error flagged `http.spec` with 200 to `Accept: application/json`
 * unless `originalError` is present; with that gone, the flag goes too, so a body that
 * is not JSON keeps its 400.
 */
function withoutSpecFlag(extensions: Record<string, unknown>): Record<string, unknown> {
  const http = extensions.http as { spec?: unknown } | undefined;
  if (http === undefined || http.spec === undefined) return extensions;
  const { spec: _spec, ...rest } = http;
  return { ...extensions, http: rest };
}

function copyWithExtensions(error: GraphQLError, extensions: Record<string, unknown>): GraphQLError {
  const copy = new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions,
  });
  if (error instanceof GatewayError) Object.defineProperty(copy, 'cause', { value: error, enumerable: false });
  return copy;
}

/** A GraphQL error all the way down: raised on purpose, not wrapping a crash. */
function isDeliberate(error: unknown): boolean {
  if (!(error instanceof GraphQLError)) return false;
  return error.originalError == null || isDeliberate(error.originalError);
}
