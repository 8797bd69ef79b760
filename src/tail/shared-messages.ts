import { ERROR_CODES, GatewayError, type ErrorCode, type UpstreamErrorDetails } from '../errors.js';
import { AUDIT_LOG_STATUSES, type AuditLogRecord, type AuditLogStatus } from '../model/audit-log.js';
import { placeLog, type PlacedLog } from '../model/placed-log.js';

/**
 * What the replica polling a tail tells the others about it, as text for the
 * fan-out: a batch of logs found (with the window it covers), the failure that ends
 * the tail, or that it gave the lease up. Pure.
 */
export type TailMessage =
  /** `rereads`: the poller's first batch, which reads its whole window again (see TailBatch). */
  | { kind: 'batch'; fresh: PlacedLog[]; sinceMs: number; endMs: number; rereads: boolean }
  | { kind: 'failure'; error: GatewayError }
  | { kind: 'released' };

/** Bumped when the shape changes: a replica drops messages of another version (it repairs the gap as after a lost message). */
const VERSION = 1;

export function encodeTailMessage(message: TailMessage): string {
  switch (message.kind) {
    case 'batch':
      return JSON.stringify({ v: VERSION, kind: 'batch', sinceMs: message.sinceMs, endMs: message.endMs, rereads: message.rereads, logs: message.fresh.map((item) => encodeRecord(item.record)) });
    case 'failure': {
      const { error } = message;
      const extensions = error.extensions as { upstream?: UpstreamErrorDetails; retryAfterSeconds?: number };
      return JSON.stringify({ v: VERSION, kind: 'failure', code: error.code, message: error.message, upstream: extensions.upstream, retryAfterSeconds: extensions.retryAfterSeconds });
    }
    case 'released':
      return JSON.stringify({ v: VERSION, kind: 'released' });
  }
}

/** The message, or undefined when it is not one this version reads. */
export function decodeTailMessage(text: string): TailMessage | undefined {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || value.v !== VERSION) return undefined;
  switch (value.kind) {
    case 'batch': {
      if (typeof value.sinceMs !== 'number' || typeof value.endMs !== 'number' || typeof value.rereads !== 'boolean' || !Array.isArray(value.logs)) return undefined;
      const fresh: PlacedLog[] = [];
      for (const log of value.logs) {
        const record = decodeRecord(log);
        if (record === undefined) return undefined;
        fresh.push(placeLog(record));
      }
      return { kind: 'batch', fresh, sinceMs: value.sinceMs, endMs: value.endMs, rereads: value.rereads };
    }
    case 'failure': {
      if (!ERROR_CODES.includes(value.code as ErrorCode) || typeof value.message !== 'string') return undefined;
      const retryAfterSeconds = typeof value.retryAfterSeconds === 'number' ? value.retryAfterSeconds : undefined;
      const upstream = typeof value.upstream === 'object' && value.upstream !== null ? (value.upstream as UpstreamErrorDetails) : undefined;
      return { kind: 'failure', error: new GatewayError(value.code as ErrorCode, value.message, { upstream, retryAfterSeconds }) };
    }
    case 'released':
      return { kind: 'released' };
    default:
      return undefined;
  }
}

const TEXT_FIELDS = ['operation', 'resellerId', 'resellerName', 'customerId', 'customerName', 'userName', 'correlationId', 'details'] as const;
const STATUSES: ReadonlySet<string> = new Set<string>(AUDIT_LOG_STATUSES);

function encodeRecord(record: AuditLogRecord): Record<string, unknown> {
  return { ...record, timestamp: record.timestamp.getTime() };
}

function decodeRecord(value: unknown): AuditLogRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const log = value as Record<string, unknown>;
  if (typeof log.auditLogId !== 'string' || typeof log.timestamp !== 'number' || typeof log.raw !== 'object' || log.raw === null) return undefined;
  if (log.status !== null && !STATUSES.has(log.status as string)) return undefined;
  for (const field of TEXT_FIELDS) if (log[field] !== null && typeof log[field] !== 'string') return undefined;
  return {
    auditLogId: log.auditLogId,
    timestamp: new Date(log.timestamp),
    operation: log.operation as string | null,
    status: log.status as AuditLogStatus | null,
    resellerId: log.resellerId as string | null,
    resellerName: log.resellerName as string | null,
    customerId: log.customerId as string | null,
    customerName: log.customerName as string | null,
    userName: log.userName as string | null,
    correlationId: log.correlationId as string | null,
    details: log.details as string | null,
    raw: log.raw as Record<string, unknown>,
  };
}
