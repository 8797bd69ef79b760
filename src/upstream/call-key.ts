import { buildSearchParams } from './query.js';
import type { ListAuditLogsRequest } from './types.js';

/**
 * What makes two upstream calls the same call: the caller's credentials
 * (`Authorization` and `X-Tenant`, exactly as received) and the whole query string.
 * Two callers never share a key, so nothing one caller may see reaches another.
 * The correlation id and trace context are left out: they label a call, they do
 * not change its answer. Neither header value can hold a line break, so the
 * parts cannot run into each other.
 */
export function upstreamCallKey(request: ListAuditLogsRequest): string {
  const { headers } = request;
  return `${headers.authorization}\n${headers.tenant}\n${buildSearchParams(request.query, request.window)}`;
}
