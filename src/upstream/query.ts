import { toUpstreamQuery } from './dialect.js';
import { DOCUMENTED_DIALECT, type UpstreamDialect } from '../model/dialect.js';
import type { PageWindow } from '../model/window.js';
import type { AuditLogQuery, AuditLogStatus, UpstreamStatus } from '../model/audit-log.js';


/** The upstream endpoint, relative to the base URL's path. */
const AUDIT_LOGS_PATH = '/v1/AuditLogs';

/**
 * The path of `GET /v1/AuditLogs` under a base URL that may carry a path prefix:
 * `https://host` → `/v1/AuditLogs`, `https://host/api/` → `/api/v1/AuditLogs`.
 * The base URL's query and fragment are ignored.
 */
export function auditLogsPath(baseUrl: URL): string {
  const prefix = baseUrl.pathname.replace(/\/+$/, '');
  return prefix + AUDIT_LOGS_PATH;
}

/**
 * The query string (without `?`) of one `GET /v1/AuditLogs` call, in upstream
 * parameter names. Parameters always appear in the same order and are encoded with
 * `encodeURIComponent` (spaces as `%20`, `|` as `%7C`), so equal requests give equal
 * strings and the result doubles as a dedupe key.
 *
 * `StartDate` and `EndDate` are always sent (they pin a walk's result set); an
 * optional filter that is undefined, null or the empty string is left out.
 * A window that is not a pair of positive integers is a programming error and throws.
 * `dialect` adapts the dates and status to this upstream (see dialect.ts).
 */
export function buildSearchParams(query: AuditLogQuery, window: PageWindow, dialect: UpstreamDialect = DOCUMENTED_DIALECT): string {
  query = toUpstreamQuery(query, dialect);
  assertPositiveInteger(window.pageNumber, 'pageNumber');
  assertPositiveInteger(window.pageSize, 'pageSize');

  const parts = [`PageNumber=${window.pageNumber}`, `PageSize=${window.pageSize}`];
  parts.push(`StartDate=${encode(query.startDate)}`);
  parts.push(`EndDate=${encode(query.endDate)}`);
  addOptional(parts, 'Operations', query.operations);
  addOptional(parts, 'Status', query.status);
  addOptional(parts, 'Reseller', query.reseller);
  addOptional(parts, 'Customer', query.customer);
  addOptional(parts, 'resellerId', query.resellerId);
  return parts.join('&');
}

function addOptional(parts: string[], name: string, value: string | null | undefined): void {
  if (value === undefined || value === null || value === '') return;
  parts.push(`${name}=${encode(value)}`);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * `encodeURIComponent`, except that a lone UTF-16 surrogate (possible in JSON
 * variables) becomes U+FFFD instead of throwing a URIError, as URLSearchParams does.
 */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD'));
  }
}

function assertPositiveInteger(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer`);
  }
}
