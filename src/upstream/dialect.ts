import { decodeAuditLogPage, STATUS_FROM_UPSTREAM } from './decode.js';
import { shiftIso } from '../model/instant.js';
import type { AuditLogQuery, AuditLogStatus, UpstreamPage, UpstreamStatus } from './types.js';

/**
 * How one deployment's upstream differs from the documented API in ways the gateway
 * absorbs by configuration (UPSTREAM_START_DATE_EXCLUSIVE, UPSTREAM_END_DATE_EXCLUSIVE,
 * UPSTREAM_FIELD_MAP, UPSTREAM_STATUS_MAP, UPSTREAM_KEY_CASE). `npm run probe` finds
 * the differences and prints the settings; docs/real-api.md explains each.
 */
export interface UpstreamDialect {
  /** The upstream leaves out logs at exactly StartDate: the gateway sends StartDate one tick (100 ns) earlier. */
  startDateExclusive: boolean;
  /** The upstream leaves out logs at exactly EndDate: the gateway sends EndDate one tick later. */
  endDateExclusive: boolean;
  /** Our item key → the upstream's name for it, for keys the upstream names otherwise. */
  fieldMap: Readonly<Record<string, string>>;
  /** Our status → the upstream's spellings of it; the first is the one sent in `Status`. */
  statusMap: Readonly<Partial<Record<AuditLogStatus, readonly string[]>>>;
  /** Which casing the upstream's keys use. The gateway reads both; the probe checks against this. */
  keyCase: 'camel' | 'pascal';
}

/** The upstream as documented (contract section 3): nothing to absorb. */
export const DOCUMENTED_DIALECT: UpstreamDialect = Object.freeze({
  startDateExclusive: false,
  endDateExclusive: false,
  fieldMap: Object.freeze({}),
  statusMap: Object.freeze({}),
  keyCase: 'camel',
});

/** The item keys the gateway reads (contract section 3); `id` and `timestamp` are required. */
export const READ_KEYS = [
  'id',
  'timestamp',
  'operation',
  'status',
  'resellerId',
  'resellerName',
  'customerId',
  'customerName',
  'userName',
  'correlationId',
  'details',
] as const;
export const REQUIRED_KEYS: readonly string[] = ['id', 'timestamp'];

export const AUDIT_LOG_STATUSES: readonly AuditLogStatus[] = ['PROCESSING', 'SUCCEEDED', 'FAILED'];

const KEY_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** `timestamp:createdAt,operation:action` → `{ timestamp: 'createdAt', operation: 'action' }`; throws on a bad entry. */
export function parseFieldMap(text: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const entry of splitList(text)) {
    const [ours, theirs, ...rest] = entry.split(':').map((part) => part.trim());
    if (rest.length > 0 || !ours || !theirs || !KEY_NAME.test(theirs)) throw new Error(`"${entry}" is not ourKey:theirKey`);
    if (!(READ_KEYS as readonly string[]).includes(ours)) throw new Error(`"${ours}" is not one of ${READ_KEYS.join(', ')}`);
    map[ours] = theirs;
  }
  return map;
}

/** `SUCCEEDED:Success|Ok,FAILED:Error` → `{ SUCCEEDED: ['Success', 'Ok'], FAILED: ['Error'] }`; throws on a bad entry. */
export function parseStatusMap(text: string): Partial<Record<AuditLogStatus, string[]>> {
  const map: Partial<Record<AuditLogStatus, string[]>> = {};
  for (const entry of splitList(text)) {
    const [ours, theirs, ...rest] = entry.split(':').map((part) => part.trim());
    const status = ours?.toUpperCase() as AuditLogStatus;
    if (rest.length > 0 || !theirs || !AUDIT_LOG_STATUSES.includes(status)) {
      throw new Error(`"${entry}" is not STATUS:Spelling with STATUS one of ${AUDIT_LOG_STATUSES.join(', ')}`);
    }
    const spellings = theirs.split('|').map((s) => s.trim()).filter((s) => s !== '');
    (map[status] ??= []).push(...spellings);
  }
  return map;
}

export function formatFieldMap(map: Readonly<Record<string, string>>): string {
  return Object.entries(map).map(([ours, theirs]) => `${ours}:${theirs}`).join(',');
}

export function formatStatusMap(map: UpstreamDialect['statusMap']): string {
  return AUDIT_LOG_STATUSES.filter((s) => map[s]?.length).map((s) => `${s}:${map[s]!.join('|')}`).join(',');
}

function splitList(text: string): string[] {
  return text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
}

/**
 * The query as this upstream must receive it: the one place where a window is
 * adapted, so every window sent (page, tail, node look-up) is widened alike.
 * An exclusive bound moves outwards by one tick, which admits exactly the logs
 * at the bound itself; the status filter takes the upstream's spelling.
 */
export function toUpstreamQuery(query: AuditLogQuery, dialect: UpstreamDialect): AuditLogQuery {
  if (absorbsNothing(dialect)) return query;
  const sent = { ...query };
  if (dialect.startDateExclusive) sent.startDate = shiftIso(query.startDate, -1);
  if (dialect.endDateExclusive) sent.endDate = shiftIso(query.endDate, +1);
  if (query.status !== undefined) {
    const ours = STATUS_FROM_UPSTREAM.get(query.status.toLowerCase());
    const spelling = ours === undefined ? undefined : dialect.statusMap[ours]?.[0];
    // The upstream's own spelling; the type names the documented ones only.
    if (spelling !== undefined) sent.status = spelling as UpstreamStatus;
  }
  return sent;
}

/**
 * Decodes a 200 body read from this upstream: renamed keys and other status
 * spellings are read as the documented ones, and each record's `raw` stays the
 * item exactly as received.
 */
export function decodeUpstreamPage(
  body: unknown,
  dialect: UpstreamDialect,
  onUnknownStatus?: (value: unknown) => void,
): UpstreamPage {
  if (absorbsNothing(dialect) || !isPlainObject(body)) return decodeAuditLogPage(body, onUnknownStatus);
  const items = body.items !== undefined ? body.items : body.Items;
  if (!Array.isArray(items)) return decodeAuditLogPage(body, onUnknownStatus);
  const statusFrom = spellingsToDocumented(dialect.statusMap);
  const page = decodeAuditLogPage({ ...body, items: items.map((item) => readAsDocumented(item, dialect, statusFrom)) }, onUnknownStatus);
  page.items.forEach((record, i) => (record.raw = items[i] as Record<string, unknown>));
  return page;
}

function readAsDocumented(item: unknown, dialect: UpstreamDialect, statusFrom: ReadonlyMap<string, AuditLogStatus>): unknown {
  if (!isPlainObject(item)) return item;
  const copy: Record<string, unknown> = { ...item };
  for (const [ours, theirs] of Object.entries(dialect.fieldMap)) {
    if (item[theirs] !== undefined) copy[ours] = item[theirs];
  }
  const status = copy.status ?? copy.Status;
  if (typeof status === 'string') {
    // Our status in lower case is one of the spellings the decoder maps.
    const ours = statusFrom.get(status.toLowerCase());
    if (ours !== undefined) copy.status = ours.toLowerCase();
  }
  return copy;
}

function spellingsToDocumented(map: UpstreamDialect['statusMap']): Map<string, AuditLogStatus> {
  const from = new Map<string, AuditLogStatus>();
  for (const status of AUDIT_LOG_STATUSES) {
    for (const spelling of map[status] ?? []) from.set(spelling.toLowerCase(), status);
  }
  return from;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when the dialect changes nothing sent or read (the documented upstream, in either key casing). */
export function absorbsNothing(dialect: UpstreamDialect): boolean {
  return !dialect.startDateExclusive && !dialect.endDateExclusive && isEmpty(dialect.fieldMap) && isEmpty(dialect.statusMap);
}

function isEmpty(record: object): boolean {
  for (const _ in record) return false;
  return true;
}

/** A dialect with these differences from the documented upstream. */
export function createDialect(differences: Partial<UpstreamDialect>): UpstreamDialect {
  return { ...DOCUMENTED_DIALECT, ...differences };
}
