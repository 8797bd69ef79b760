import type { FieldError, SampleQuery } from './types.js';

/** A query string, parsed (URLSearchParams) or as a plain record. */
export type QueryInput = URLSearchParams | Readonly<Record<string, string | undefined>>;

export type ParseResult = { ok: true; query: SampleQuery } | { ok: false; errors: FieldError[] };

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 2000;
const INT32_MAX = 2147483647;
export const STATUSES = ['Processing', 'Succeded', 'Failed'] as const;

/**
 * Parses and validates a `GET /v1/AuditLogs` query the way the ASP.NET upstream
 * binds it: parameter names case-insensitive, the first of repeated values wins,
 * an empty value counts as absent, and every invalid value is reported (not just
 * the first). Pure: "now" is passed in.
 */
export function parseAuditLogQuery(input: QueryInput, nowMs: number): ParseResult {
  const get = caseInsensitiveLookup(input);
  const errors: FieldError[] = [];
  const fail = (field: string, message: string): undefined => {
    errors.push({ field, message });
    return undefined;
  };

  const pageNumber = parseIntParam(get('PageNumber'), 1, 'PageNumber', fail);
  if (pageNumber !== undefined && pageNumber < 1) fail('PageNumber', 'PageNumber must be greater than or equal to 1.');

  const pageSize = parseIntParam(get('PageSize'), DEFAULT_PAGE_SIZE, 'PageSize', fail);
  if (pageSize !== undefined && (pageSize < 1 || pageSize > MAX_PAGE_SIZE)) {
    fail('PageSize', `PageSize must be between 1 and ${MAX_PAGE_SIZE}.`);
  }

  // Bounds are exact to the nanosecond (as .NET compares its 100-ns ticks): whole ms plus the digits past them.
  const startMs = parseDateParam(get('StartDate'), oneMonthBefore(nowMs), 'floor', 'StartDate', fail);
  const endMs = parseDateParam(get('EndDate'), nowMs, 'floor', 'EndDate', fail);

  const status = get('Status');
  const statusName = status === undefined ? undefined : STATUSES.find((s) => s.toLowerCase() === status.toLowerCase());
  if (status !== undefined && statusName === undefined) {
    fail('Status', `The value '${status}' is not valid for Status. Possible values: ${STATUSES.join(', ')}.`);
  }

  const resellerIdRaw = get('resellerId');
  const resellerId = resellerIdRaw === undefined ? undefined : normalizeUuid(resellerIdRaw);
  if (resellerIdRaw !== undefined && resellerId === undefined) {
    fail('resellerId', `The value '${resellerIdRaw}' is not valid for resellerId.`);
  }

  if (errors.length > 0) return { ok: false, errors };

  const query: SampleQuery = {
    pageNumber: pageNumber as number,
    pageSize: pageSize as number,
    startMs: startMs as number,
    endMs: endMs as number,
  };
  const startSub = subMillisecondNanos(get('StartDate'));
  if (startSub > 0) query.startSub = startSub;
  const endSub = subMillisecondNanos(get('EndDate'));
  if (endSub > 0) query.endSub = endSub;
  const operations = parseOperations(get('Operations'));
  if (operations) query.operations = operations;
  if (statusName) query.status = statusName.toLowerCase();
  const reseller = get('Reseller');
  if (reseller !== undefined) query.reseller = reseller.toLowerCase();
  const customer = get('Customer');
  if (customer !== undefined) query.customer = customer.toLowerCase();
  if (resellerId) query.resellerId = resellerId;
  return { ok: true, query };
}

/** Query parameter lookup by name, case-insensitively; first value wins; '' is absent. */
export function caseInsensitiveLookup(input: QueryInput): (name: string) => string | undefined {
  const values = new Map<string, string>();
  const entries = input instanceof URLSearchParams ? input.entries() : Object.entries(input);
  for (const [key, value] of entries) {
    const lower = key.toLowerCase();
    if (value !== undefined && !values.has(lower)) values.set(lower, value);
  }
  return (name) => {
    const value = values.get(name.toLowerCase());
    return value === undefined || value === '' ? undefined : value;
  };
}

type Fail = (field: string, message: string) => undefined;

function parseIntParam(raw: string | undefined, fallback: number, field: string, fail: Fail): number | undefined {
  if (raw === undefined) return fallback;
  // int.Parse accepts surrounding whitespace and a sign, nothing else.
  if (!/^\s*[+-]?\d+\s*$/.test(raw)) return fail(field, `The value '${raw}' is not valid for ${field}.`);
  const value = Number(raw.trim());
  if (value > INT32_MAX || value < -INT32_MAX - 1) return fail(field, `The value '${raw}' is not valid for ${field}.`);
  return value;
}

function parseDateParam(
  raw: string | undefined,
  fallback: number,
  rounding: 'floor' | 'ceil',
  field: string,
  fail: Fail,
): number | undefined {
  if (raw === undefined) return fallback;
  const ms = parseDateTime(raw, rounding);
  return ms === undefined ? fail(field, `The value '${raw}' is not valid for ${field}.`) : ms;
}

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

/**
 * Parses an ISO-8601 date or date-time to epoch milliseconds; undefined when
 * invalid. No offset means UTC (never the machine's zone). Sub-millisecond
 * digits are rounded by `rounding`, so an inclusive bound never admits an item
 * outside it: 'ceil' for lower bounds, 'floor' for upper ones.
 */
export function parseDateTime(value: string, rounding: 'floor' | 'ceil' = 'floor'): number | undefined {
  const m = DATE_TIME.exec(value.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((p) => Number(p ?? 0)) as [
    number, number, number, number, number, number,
  ];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const fraction = m[7] ?? '';
  const millis = Number(fraction.slice(0, 3).padEnd(3, '0'));
  const subMillis = /[1-9]/.test(fraction.slice(3));
  let offsetMinutes = 0;
  if (m[9]) {
    const oh = Number(m[10]);
    const om = Number(m[11] ?? 0);
    if (oh > 14 || om > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0..99 to 1900..1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  return date.getTime() - offsetMinutes * 60_000 + (subMillis && rounding === 'ceil' ? 1 : 0);
}

/**
 * The nanoseconds past the whole millisecond in an ISO-8601 date-time's fraction
 * (digits 4 to 9; finer ones dropped): `…30.1234567Z` → 456700. 0 when there are none.
 */
export function subMillisecondNanos(value: string | undefined): number {
  if (value === undefined) return 0;
  const m = DATE_TIME.exec(value.trim());
  const fraction = m?.[7] ?? '';
  return fraction.length > 3 ? Number(fraction.slice(3, 9).padEnd(6, '0')) : 0;
}

function daysInMonth(year: number, month: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month, 0);
  return date.getUTCDate();
}

/** One calendar month earlier, clamped to the month's last day (like .NET AddMonths: Mar 31 -> Feb 28). */
export function oneMonthBefore(ms: number): number {
  const date = new Date(ms);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() - 1);
  date.setUTCDate(Math.min(day, daysInMonth(date.getUTCFullYear(), date.getUTCMonth() + 1)));
  return date.getTime();
}

/** 'A|B' -> ['a', 'b']; empty segments are ignored; undefined when nothing is left. */
export function parseOperations(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const operations = raw
    .split('|')
    .filter((op) => op !== '')
    .map((op) => op.toLowerCase());
  return operations.length > 0 ? operations : undefined;
}

const UUID_HEX = /^[0-9a-f]{32}$/i;

/**
 * A UUID in any of the forms .NET's Guid.Parse takes for query values
 * (D, N, B and P), as lower-case D form; undefined when it is not one.
 */
export function normalizeUuid(raw: string): string | undefined {
  let s = raw.trim();
  if ((s.startsWith('{') && s.endsWith('}')) || (s.startsWith('(') && s.endsWith(')'))) s = s.slice(1, -1);
  if (s.length === 36) {
    if (s[8] !== '-' || s[13] !== '-' || s[18] !== '-' || s[23] !== '-') return undefined;
    s = s.replaceAll('-', '');
  } else if (raw.trim() !== s) {
    return undefined; // braces only around the dashed form
  }
  if (!UUID_HEX.test(s)) return undefined;
  s = s.toLowerCase();
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
