import { GatewayError } from '../errors.js';
import { parseTimestamp } from '../model/instant.js';
import { STATUS_FROM_UPSTREAM, type AuditLogRecord, type AuditLogStatus, type UpstreamPage } from '../model/audit-log.js';

/**
 * Decoding of a `GET /v1/AuditLogs` 200 body. Pure: it reads the parsed JSON in one
 * pass, never re-serialises it, and keeps each item object (same reference) as `raw`.
 *
 * The upstream documents `items` only as `array[object]`, so every key is read in
 * camelCase first and PascalCase second (`timestamp`, then `Timestamp`).
 */


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

const INT32_MAX = 2_147_483_647;

function readTotalCount(body: Record<string, unknown>): number {
  const pagination = pick(body, 'paginationParameters', 'PaginationParameters');
  let value: unknown = isPlainObject(pagination) ? pick(pagination, 'totalCount', 'TotalCount') : null;
  if (value === null || value === undefined) value = pick(body, 'totalCount', 'TotalCount');
  // The upstream documents totalCount as int32; a larger value is not of its shape.
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > INT32_MAX) {
    throw badResponse('The upstream response has a missing or invalid totalCount.');
  }
  return value;
}

function decodeStatus(value: unknown, onUnknownStatus?: (value: unknown) => void): AuditLogStatus | null {
  if (value === null || value === undefined) return null;
  const status = typeof value === 'string' ? STATUS_FROM_UPSTREAM.get(value.toLowerCase()) : undefined;
  if (status !== undefined) return status;
  onUnknownStatus?.(value);
  return null;
}

function optionalString(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function badResponse(message: string): GatewayError {
  return new GatewayError('UPSTREAM_BAD_RESPONSE', message);
}

/**
 * The upstream documents its bodies loosely, and .NET services answer in camelCase or
 * PascalCase: a key is read as `camel` first, then `Pascal`. A value set on either
 * wins over null; null (set to null on either) is kept apart from undefined (set on
 * neither), so a caller can tell "sent as null" from "not sent".
 */
export function pickCamelOrPascal(obj: Record<string, unknown>, camel: string, pascal: string): unknown {
  const value = obj[camel];
  if (value !== undefined && value !== null) return value;
  const other = obj[pascal];
  if (other !== undefined && other !== null) return other;
  return value === null || other === null ? null : undefined;
}

const pick = pickCamelOrPascal;
