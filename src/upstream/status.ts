import type { ErrorCode } from '../errors.js';

/**
 * What one upstream HTTP status means to the gateway, in one table: the contract's
 * error code and message (section 6), whether retrying may help, whether its
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
