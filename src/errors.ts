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
 * yoga's maskError replacement: GraphQL errors we raised on purpose pass through;
 * everything else becomes INTERNAL_SERVER_ERROR with no message details and no stack,
 * whatever NODE_ENV says.
 */
export function maskUnexpectedError(error: unknown, message: string): Error {
  if (isDeliberate(error)) return error as GraphQLError;
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

/** A GraphQLError all the way down: raised on purpose, not wrapping a crash. */
function isDeliberate(error: unknown): boolean {
  if (!(error instanceof GraphQLError)) return false;
  return error.originalError == null || isDeliberate(error.originalError);
}
