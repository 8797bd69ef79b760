/**
 * The audit log as the gateway knows it: the record decoded from an upstream item,
 * its status in both spellings, the query that lists it and the page that holds it.
 * The floor of the house: imports nothing of the gateway's.
 */

/** Upstream spelling of the status values (sic: "Succeded"). */
export type UpstreamStatus = 'Processing' | 'Succeded' | 'Failed';

export type AuditLogStatus = 'PROCESSING' | 'SUCCEEDED' | 'FAILED';

export const AUDIT_LOG_STATUSES: readonly AuditLogStatus[] = ['PROCESSING', 'SUCCEEDED', 'FAILED'];

/** The upstream's spelling of each status, for the `Status` parameter. */
export const UPSTREAM_STATUS: Readonly<Record<AuditLogStatus, UpstreamStatus>> = {
  PROCESSING: 'Processing',
  SUCCEEDED: 'Succeded', // sic: the upstream's own spelling
  FAILED: 'Failed',
};

/** Every spelling of a status the upstream writes, lower-cased. */
export const STATUS_FROM_UPSTREAM: ReadonlyMap<string, AuditLogStatus> = new Map([
  ['processing', 'PROCESSING'],
  ['succeded', 'SUCCEEDED'], // the upstream's spelling
  ['succeeded', 'SUCCEEDED'],
  ['failed', 'FAILED'],
]);

/** The item keys the gateway reads; `id` and `timestamp` are required. */
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

/** The largest `PageSize` the upstream serves, and so the largest page of the gateway. */
export const MAX_PAGE_SIZE = 2000;

/** The filter part of a `GET /v1/AuditLogs` call, already in upstream terms. */
export interface AuditLogQuery {
  /** Inclusive lower bound, ISO-8601. Always sent: it pins the walk's result set. */
  startDate: string;
  /** Inclusive upper bound, ISO-8601. Always sent: it pins the walk's result set. */
  endDate: string;
  /** Operation names joined with "|". */
  operations?: string;
  status?: UpstreamStatus;
  reseller?: string;
  customer?: string;
  resellerId?: string;
}

/** A query without its time window: what a filter says (the window is a walk's or a poll's). */
export type FilterQuery = Omit<AuditLogQuery, 'startDate' | 'endDate'>;

/**
 * An upstream item, decoded. `raw` is the item exactly as received.
 * Deliberately the same fields as the sample upstream's SampleLog: that one is the
 * wire shape the stand-in serves (strings, upstream spelling), this one what the
 * gateway decodes it into (a Date, our status enum); the stand-in shares no code
 * with the gateway.
 */
export interface AuditLogRecord {
  auditLogId: string;
  timestamp: Date;
  operation: string | null;
  status: AuditLogStatus | null;
  resellerId: string | null;
  resellerName: string | null;
  customerId: string | null;
  customerName: string | null;
  userName: string | null;
  correlationId: string | null;
  details: string | null;
  raw: Record<string, unknown>;
}

/** One decoded upstream page. */
export interface UpstreamPage {
  items: AuditLogRecord[];
  totalCount: number;
}
