import { GatewayError } from './errors.js';
import type { ForwardedHeaders } from './model/caller.js';

/** What the caller sent that may go upstream: nothing else from the request ever does. */
export interface CallerHeaders {
  authorization: string | null;
  tenant: string | null;
}

const BEARER = /^bearer +[^\s]+$/i;

const wellFormedAuthorization = (value: string | null): value is string => value !== null && BEARER.test(value);
const wellFormedTenant = (value: string | null): value is string => value !== null && value.trim() !== '';

/**
 * True when both headers have the form an upstream call needs. Only the form: the
 * gateway cannot tell a real token from an invented one, the upstream decides.
 */
export function hasWellFormedCredentials(caller: CallerHeaders): boolean {
  return wellFormedAuthorization(caller.authorization) && wellFormedTenant(caller.tenant);
}

/** Which credential is missing or malformed (the Authorization first), or null when both will do. */
export function credentialProblem(caller: CallerHeaders): 'authorization' | 'tenant' | null {
  if (!wellFormedAuthorization(caller.authorization)) return 'authorization';
  return wellFormedTenant(caller.tenant) ? null : 'tenant';
}

export function readCallerHeaders(headers: Headers): CallerHeaders {
  return { authorization: headers.get('authorization'), tenant: headers.get('x-tenant') };
}

/**
 * The headers to forward upstream, or the error that stops the call before it is made.
 * Messages never echo the header values.
 */
export function requireCaller(caller: CallerHeaders, correlationId: string): ForwardedHeaders {
  if (!wellFormedAuthorization(caller.authorization)) {
    throw new GatewayError('UNAUTHENTICATED', 'An Authorization header of the form "Bearer <token>" is required.');
  }
  if (!wellFormedTenant(caller.tenant)) {
    throw new GatewayError('BAD_USER_INPUT', 'An X-Tenant header is required.');
  }
  return { authorization: caller.authorization, tenant: caller.tenant, correlationId };
}
