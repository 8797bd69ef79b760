import { createHash } from 'node:crypto';
import { subMillisecondNanos, type Instant } from './instant.js';
import type { AuditLogRecord } from './audit-log.js';

/**
 * Exact timestamps and compact ids, the two things a walk's position is made of.
 * Pure. The upstream (.NET) keeps 100-ns ticks, so a timestamp is compared as whole
 * milliseconds plus the nanoseconds its text carries past them, never as a JS Date.
 */

/**
 * The log's timestamp exactly as the upstream wrote it (the `raw` item's text), so
 * nothing finer than a millisecond is lost when it is sent back as a bound.
 */
export function timestampText(record: AuditLogRecord): string {
  const raw = record.raw.timestamp ?? record.raw.Timestamp;
  return typeof raw === 'string' ? raw : record.timestamp.toISOString();
}

/** Bytes of an id digest: 48 bits, 8 base64url characters. */
export const ID_DIGEST_BYTES = 6;

/**
 * A short digest of an audit log id, which cursors carry instead of the id. Ids are
 * only ever compared among logs sharing one exact timestamp, so 48 bits make a
 * collision vanishingly unlikely (about n²/2⁴⁹ for a tie group of n).
 */
export function idDigest(id: string): string {
  return createHash('sha256').update(id).digest().subarray(0, ID_DIGEST_BYTES).toString('base64url');
}

/** What a walk needs to know of a log to place it: its exact instant, its timestamp text and its id digest. */
export interface PlacedLog<T = AuditLogRecord> {
  record: T;
  text: string;
  instant: Instant;
  digest: string;
}

/**
 * Places an upstream record. Its Date already holds the whole milliseconds (the
 * decoder parsed the same text); only the digits past them are read here. The id
 * digest is made when first needed: only ties at a cut and edge cursors need one.
 */
export function placeLog(record: AuditLogRecord): PlacedLog {
  return new PlacedRecord(record, timestampText(record));
}

/**
 * Every log of every read is placed, so a placed log is one small class instance
 * (its digest a lazily filled field) rather than an object literal with a getter and
 * the closure behind it: fewer objects per item for the garbage collector.
 */
class PlacedRecord implements PlacedLog {
  readonly instant: Instant;
  #digest: string | undefined;

  constructor(
    readonly record: AuditLogRecord,
    readonly text: string,
  ) {
    this.instant = { ms: record.timestamp.getTime(), ns: subMillisecondNanos(text) };
  }

  get digest(): string {
    return (this.#digest ??= idDigest(this.record.auditLogId));
  }
}
