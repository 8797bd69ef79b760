import { GatewayError } from './errors.js';
import type { ForwardedHeaders } from './model/caller.js';

/** What the caller sent that may go upstream: nothing else from the request ever does. */
export interface CallerHeaders {
  authorization: string | null;
  tenant: string | null;
}

const BEARER = /^bearer +[^\s]+$/i;

export function readCallerHeaders(headers: Headers): CallerHeaders {
  return { authorization: headers.get('authorization'), tenant: headers.get('x-tenant') };
}

/**
 * The headers to forward upstream, or the error that stops the call before it is made.
 * Messages never echo the header values.
 */
export function requireCaller(caller: CallerHeaders, correlationId: string): ForwardedHeaders {
  if (caller.authorization === null || !BEARER.test(caller.authorization)) {
    throw new GatewayError('UNAUTHENTICATED', 'An Authorization header of the form "Bearer <token>" is required.');
  }
  if (caller.tenant === null || caller.tenant.trim() === '') {
    throw new GatewayError('BAD_USER_INPUT', 'An X-Tenant header is required.');
  }
  return { authorization: caller.authorization, tenant: caller.tenant, correlationId };
}
