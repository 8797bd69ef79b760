import { callerIdentity } from '../model/caller.js';
import { buildSearchParams } from './query.js';
import type { ListAuditLogsRequest } from './types.js';

/**
 * What makes two upstream calls the same call: the caller as the upstream sees it
 * (`callerIdentity`: the same token and tenant however the headers are spelled) and
 * the whole query string. Two callers never share a key, so nothing one caller may
 * see reaches another. The correlation id and trace context are left out: they
 * label a call, they do not change its answer. Neither header value can hold a line
 * break, so the parts cannot run into each other.
 */
export function upstreamCallKey(request: ListAuditLogsRequest): string {
  return `${callerIdentity(request.headers)}\n${buildSearchParams(request.query, request.window)}`;
}
