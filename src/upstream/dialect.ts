import { AUDIT_LOG_STATUSES, STATUS_FROM_UPSTREAM, type AuditLogQuery, type AuditLogStatus, type UpstreamPage, type UpstreamStatus } from '../model/audit-log.js';
import type { UpstreamDialect } from '../model/dialect.js';
import { shiftTimestamp } from '../model/instant.js';
import { decodeAuditLogPage } from './decode.js';

/**
 * Applies the dialect (model/dialect.ts) of one deployment's upstream: to every
 * query sent, and to every page read.
 */


/**
 * The query as this upstream must receive it: the one place where a window is
 * adapted, so every window sent (page, tail, node look-up) is widened alike.
 * An exclusive bound moves outwards by one tick, which admits exactly the logs
 * at the bound itself; the status filter takes the upstream's spelling.
 */
export function toUpstreamQuery(query: AuditLogQuery, dialect: UpstreamDialect): AuditLogQuery {
  if (absorbsNothing(dialect)) return query;
  const sent = { ...query };
  if (dialect.startDateExclusive) sent.startDate = shiftTimestamp(query.startDate, -1);
  if (dialect.endDateExclusive) sent.endDate = shiftTimestamp(query.endDate, +1);
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
