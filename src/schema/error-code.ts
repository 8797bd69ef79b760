import { builder } from './builder.js';
import { ERROR_CODES, type ErrorCode } from '../errors.js';

const descriptions: Record<ErrorCode, string> = {
  BAD_USER_INPUT: 'Bad arguments, a bad cursor, a missing X-Tenant header, or an upstream 400.',
  UNAUTHENTICATED: 'Missing or malformed Authorization header, or an upstream 401.',
  FORBIDDEN: 'The upstream answered 403.',
  RATE_LIMITED: 'The upstream answered 429 (see extensions.retryAfterSeconds); or a live tail was refused past its caps, or ended because its reader fell too far behind.',
  UPSTREAM_ERROR: 'The upstream answered 5xx or another unexpected status.',
  UPSTREAM_UNAVAILABLE: 'The upstream could not be reached (refused, reset, DNS failure).',
  UPSTREAM_TIMEOUT: 'The upstream did not answer within UPSTREAM_TIMEOUT_MS.',
  UPSTREAM_BAD_RESPONSE: 'The upstream body was not JSON or not of the documented shape.',
  INTERNAL_SERVER_ERROR: 'Anything unexpected; details are masked.',
};

/** Published so clients can rely on the set of `extensions.code` values. */
builder.enumType('ErrorCode', {
  description: 'The values of `extensions.code` on errors raised while executing.',
  values: Object.fromEntries(ERROR_CODES.map((code) => [code, { description: descriptions[code] }])),
});
