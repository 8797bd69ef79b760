import { GatewayError } from '../errors.js';
import type { AuditLogRecord, AuditLogStatus, UpstreamPage, UpstreamStatus } from './types.js';

/**
 * Decoding of a `GET /v1/AuditLogs` 200 body. Pure: it reads the parsed JSON in one
 * pass, never re-serialises it, and keeps each item object (same reference) as `raw`.
 *
 * The upstream documents `items` only as `array[object]`, so every key is read in
 * camelCase first and PascalCase second (`timestamp`, then `Timestamp`).
 */

const STATUS_FROM_UPSTREAM: ReadonlyMap<string, AuditLogStatus> = new Map([
  ['processing', 'PROCESSING'],
  ['succeded', 'SUCCEEDED'], // the upstream's spelling
  ['succeeded', 'SUCCEEDED'],
  ['failed', 'FAILED'],
]);

const STATUS_TO_UPSTREAM: Readonly<Record<AuditLogStatus, UpstreamStatus>> = {
  PROCESSING: 'Processing',
  SUCCEEDED: 'Succeded', // sic: the upstream's spelling
  FAILED: 'Failed',
};

/** The upstream's spelling of a status, for the `Status` query parameter. */
export function mapStatusToUpstream(status: AuditLogStatus): UpstreamStatus {
  return STATUS_TO_UPSTREAM[status];
}

/**
 * Decodes one upstream page.
 *
 * - The body must be an object; `items` an array, or null (an empty page).
 * - `totalCount` is read from `paginationParameters.totalCount` or, failing that, a
 *   top-level `totalCount` (camel or Pascal case); it must be a non-negative integer.
 * - Every item must be an object with an `id` (a non-empty string, or a number, which
 *   is turned into a string) and a `timestamp` (ISO-8601, see `parseTimestamp`).
 * - An unknown `status` decodes as null and is reported through `onUnknownStatus`;
 *   it never fails the page.
 *
 * Anything else throws a GatewayError with code UPSTREAM_BAD_RESPONSE whose message
 * names the offending item index and field, never the value.
 */
export function decodeAuditLogPage(body: unknown, onUnknownStatus?: (value: unknown) => void): UpstreamPage {
  if (!isPlainObject(body)) throw badResponse('The upstream response is not a JSON object.');

  // `items: null` is documented (an empty page); a missing `items` is not.
  const rawItems = body.items !== undefined ? body.items : body.Items;
  if (rawItems !== null && !Array.isArray(rawItems)) {
    throw badResponse('The upstream response has no items list.');
  }
  const totalCount = readTotalCount(body);

  const count = rawItems === null ? 0 : rawItems.length;
  const items = new Array<AuditLogRecord>(count);
  for (let i = 0; i < count; i++) {
    items[i] = decodeItem((rawItems as unknown[])[i], i, onUnknownStatus);
  }
  return { items, totalCount };
}

function decodeItem(item: unknown, index: number, onUnknownStatus?: (value: unknown) => void): AuditLogRecord {
  if (!isPlainObject(item)) throw badResponse(`Upstream item ${index} is not an object.`);

  const id = pick(item, 'id', 'Id');
  let auditLogId: string;
  if (typeof id === 'string' && id !== '') auditLogId = id;
  else if (typeof id === 'number' && Number.isFinite(id)) auditLogId = String(id);
  else throw badResponse(`Upstream item ${index} has a missing or invalid id.`);

  const timestamp = parseTimestamp(pick(item, 'timestamp', 'Timestamp'));
  if (timestamp === null) throw badResponse(`Upstream item ${index} has a missing or invalid timestamp.`);

  return {
    auditLogId,
    timestamp,
    operation: optionalString(pick(item, 'operation', 'Operation')),
    status: decodeStatus(pick(item, 'status', 'Status'), onUnknownStatus),
    resellerId: optionalString(pick(item, 'resellerId', 'ResellerId')),
    resellerName: optionalString(pick(item, 'resellerName', 'ResellerName')),
    customerId: optionalString(pick(item, 'customerId', 'CustomerId')),
    customerName: optionalString(pick(item, 'customerName', 'CustomerName')),
    userName: optionalString(pick(item, 'userName', 'UserName')),
    correlationId: optionalString(pick(item, 'correlationId', 'CorrelationId')),
    details: optionalString(pick(item, 'details', 'Details')),
    raw: item,
  };
}

function readTotalCount(body: Record<string, unknown>): number {
  const pagination = pick(body, 'paginationParameters', 'PaginationParameters');
  let value: unknown = isPlainObject(pagination) ? pick(pagination, 'totalCount', 'TotalCount') : null;
  if (value === null) value = pick(body, 'totalCount', 'TotalCount');
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw badResponse('The upstream response has a missing or invalid totalCount.');
  }
  return value;
}

function decodeStatus(value: unknown, onUnknownStatus?: (value: unknown) => void): AuditLogStatus | null {
  if (value === null) return null;
  const status = typeof value === 'string' ? STATUS_FROM_UPSTREAM.get(value.toLowerCase()) : undefined;
  if (status !== undefined) return status;
  onUnknownStatus?.(value);
  return null;
}

// YYYY-MM-DD, `T` (or a space), hh:mm[:ss[.fraction]], then an optional offset.
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Parses an ISO-8601 date-time, or returns null when it is not one.
 *
 * A timestamp without an offset (as .NET serialises an unspecified DateTime) is taken
 * as UTC, never as the gateway's local time. Fractions finer than a millisecond are
 * truncated. Calendar values are checked, so `2026-02-30` is rejected rather than
 * rolled over into March as `Date.parse` would.
 */
export function parseTimestamp(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const m = ISO_DATE_TIME.exec(value);
  if (m === null) return null;
  const [, year, month, day, hour, minute, second = '00', fraction = '', offset = 'Z'] = m as unknown as string[];

  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return null;

  let zone = 'Z';
  if (offset !== 'Z' && offset !== 'z') {
    const digits = offset.replace(':', '');
    const oh = digits.slice(1, 3);
    const om = digits.slice(3, 5) || '00';
    if (Number(oh) > 23 || Number(om) > 59) return null;
    zone = `${digits[0]}${oh}:${om}`;
  }
  const ms = (fraction + '000').slice(0, 3);
  const time = Date.parse(`${year}-${month}-${day}T${hour}:${minute}:${second}.${ms}${zone}`);
  return Number.isNaN(time) ? null : new Date(time);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function optionalString(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** The camelCase key's value, else the PascalCase key's; null when neither is set. */
function pick(obj: Record<string, unknown>, camel: string, pascal: string): unknown {
  const value = obj[camel];
  if (value !== undefined && value !== null) return value;
  return obj[pascal] ?? null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function badResponse(message: string): GatewayError {
  return new GatewayError('UPSTREAM_BAD_RESPONSE', message);
}
