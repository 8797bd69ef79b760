import { createHash } from 'node:crypto';

/** The caller's credentials and correlation id, forwarded as received. */
export interface ForwardedHeaders {
  /** The caller's `Authorization` header, exactly as received. */
  authorization: string;
  /** The caller's `X-Tenant` header, exactly as received. */
  tenant: string;
  /** The operation's correlation id (a UUID). */
  correlationId: string;
  /** W3C trace context of the upstream call, when tracing is on. */
  traceparent?: string;
  tracestate?: string;
}

/**
 * Who a call is for, as the upstream sees it: the `Bearer` scheme in any case and
 * any spacing, the token without surrounding white space, `X-Tenant` without regard
 * to case. Every per-caller rule (tail caps, poller sharing, concurrency shares,
 * breakers, shared calls) keys on this, so re-spelling a header never buys another
 * share. The headers themselves are still forwarded exactly as received. Pure.
 */
export function callerIdentity(headers: Pick<ForwardedHeaders, 'tenant' | 'authorization'>): string {
  const authorization = headers.authorization.trim();
  const scheme = /^bearer\s+/i.exec(authorization);
  const credentials = scheme ? `bearer ${authorization.slice(scheme[0].length).trim()}` : authorization;
  return `${credentials}\n${headers.tenant.trim().toLowerCase()}`;
}

/**
 * A one-way key of the caller identity: the whole SHA-256, since it decides what is
 * shared (a poller, a cached page) and a collision would mix two callers. Maps hold
 * this, never the token.
 */
export function callerKey(headers: Pick<ForwardedHeaders, 'tenant' | 'authorization'>): string {
  return createHash('sha256').update(callerIdentity(headers)).digest('base64url');
}

/** A short name of a caller key for log lines and breaker events: enough to tell callers apart, not to decide anything. */
export function callerTag(key: string): string {
  return key.slice(0, 12);
}
