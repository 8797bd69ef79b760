import { GatewayError } from '../errors.js';
import { pickCamelOrPascal as pick } from './pick.js';
import type { AuditLogRecord, AuditLogStatus, UpstreamPage } from './types.js';

/**
 * Decoding of a `GET /v1/AuditLogs` 200 body. Pure: it reads the parsed JSON in one
 * pass, never re-serialises it, and keeps each item object (same reference) as `raw`.
 *
 * The upstream documents `items` only as `array[object]`, so every key is read in
 * camelCase first and PascalCase second (`timestamp`, then `Timestamp`).
 */

export const STATUS_FROM_UPSTREAM: ReadonlyMap<string, AuditLogStatus> = new Map([
  ['processing', 'PROCESSING'],
  ['succeded', 'SUCCEEDED'], // the upstream's spelling
  ['succeeded', 'SUCCEEDED'],
  ['failed', 'FAILED'],
]);

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

/**
 * Parses an ISO-8601 date-time, or returns null when it is not one:
 * `YYYY-MM-DD`, `T` (or `t`, or a space), `hh:mm[:ss[.fraction]]`, then an optional
 * offset (`Z`, `±hh`, `±hhmm`, `±hh:mm`).
 *
 * A timestamp without an offset (as .NET serialises an unspecified DateTime) is taken
 * as UTC, never as the gateway's local time. Fractions finer than a millisecond are
 * truncated. Calendar values are checked, so `2026-02-30` is rejected rather than
 * rolled over into March as `Date.parse` would.
 *
 * Every item of every page passes through here, so it scans the characters itself:
 * no regular expression, no intermediate strings, no `Date.parse`.
 */
export function parseTimestamp(value: unknown): Date | null {
  const ms = timestampMs(value);
  if (ms === null) return null;
  return isCanonical(value as string) ? new UpstreamTimestamp(ms, value as string) : new Date(ms);
}

/**
 * A Date read from text that already is its own ISO form (`2026-11-20T10:15:30.123Z`,
 * what the upstream sends): it hands that text back instead of formatting it again,
 * so a page's timestamps are serialised at no cost. It is a Date in every other way.
 */
class UpstreamTimestamp extends Date {
  readonly #iso: string;

  constructor(ms: number, iso: string) {
    super(ms);
    this.#iso = iso;
  }

  override toISOString(): string {
    return this.#iso;
  }
}

/** `YYYY-MM-DDTHH:mm:ss.sssZ` exactly, the only text toISOString makes for years 0-9999 (the value is already validated). */
function isCanonical(value: string): boolean {
  return (
    value.length === 24 &&
    value.charCodeAt(10) === UPPER_T &&
    value.charCodeAt(16) === COLON &&
    value.charCodeAt(19) === DOT &&
    value.charCodeAt(23) === UPPER_Z
  );
}

function timestampMs(value: unknown): number | null {
  if (typeof value !== 'string' || value.length < 16) return null;
  const century = twoDigits(value, 0);
  const yearOfCentury = twoDigits(value, 2);
  const month = twoDigits(value, 5);
  const day = twoDigits(value, 8);
  const hour = twoDigits(value, 11);
  const minute = twoDigits(value, 14);
  const separator = value.charCodeAt(10);
  if (
    century < 0 || yearOfCentury < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
    value.charCodeAt(4) !== DASH || value.charCodeAt(7) !== DASH || value.charCodeAt(13) !== COLON ||
    (separator !== UPPER_T && separator !== LOWER_T && separator !== SPACE)
  ) {
    return null;
  }
  const year = century * 100 + yearOfCentury;
  if (day > daysInMonth(year, month)) return null;

  let at = 16;
  let second = 0;
  let millisecond = 0;
  if (value.charCodeAt(at) === COLON) {
    second = twoDigits(value, at + 1);
    if (second < 0 || second > 59) return null;
    at += 3;
    const mark = value.charCodeAt(at);
    if (mark === DOT || mark === COMMA) {
      const first = ++at;
      for (let d = digit(value, at); d >= 0; d = digit(value, ++at)) {
        if (at - first < 3) millisecond = millisecond * 10 + d;
      }
      const digits = at - first;
      if (digits === 0) return null;
      if (digits < 3) millisecond *= digits === 1 ? 100 : 10;
    }
  }

  let offsetMinutes = 0;
  if (at < value.length) {
    const zone = value.charCodeAt(at);
    if (zone === UPPER_Z || zone === LOWER_Z) {
      if (at + 1 !== value.length) return null;
    } else if (zone === PLUS || zone === MINUS) {
      const offsetHour = twoDigits(value, at + 1);
      let offsetMinute = 0;
      at += 3;
      if (at < value.length) {
        if (value.charCodeAt(at) === COLON) at++;
        offsetMinute = twoDigits(value, at);
        at += 2;
      }
      if (at !== value.length || offsetHour < 0 || offsetHour > 23 || offsetMinute < 0 || offsetMinute > 59) return null;
      offsetMinutes = (zone === MINUS ? -1 : 1) * (offsetHour * 60 + offsetMinute);
    } else {
      return null;
    }
  }
  return (
    daysSinceEpoch(year, month, day) * 86_400_000 +
    (hour * 60 + minute - offsetMinutes) * 60_000 +
    second * 1000 +
    millisecond
  );
}

const DASH = 45;
const COLON = 58;
const DOT = 46;
const COMMA = 44;
const SPACE = 32;
const PLUS = 43;
const MINUS = 45;
const UPPER_T = 84;
const LOWER_T = 116;
const UPPER_Z = 90;
const LOWER_Z = 122;

/** The ASCII digit at `index` as a number, or -1 (also past the end). */
function digit(text: string, index: number): number {
  const d = text.charCodeAt(index) - 48;
  return d >= 0 && d <= 9 ? d : -1;
}

/** The two ASCII digits at `index` as a number, or -1. */
function twoDigits(text: string, index: number): number {
  const tens = digit(text, index);
  const ones = digit(text, index + 1);
  return tens < 0 || ones < 0 ? -1 : tens * 10 + ones;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysSinceEpoch(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
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
