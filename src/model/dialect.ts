import { AUDIT_LOG_STATUSES, READ_KEYS, type AuditLogStatus } from './audit-log.js';

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

/** The upstream as documented: nothing to absorb. */
export const DOCUMENTED_DIALECT: UpstreamDialect = Object.freeze({
  startDateExclusive: false,
  endDateExclusive: false,
  fieldMap: Object.freeze({}),
  statusMap: Object.freeze({}),
  keyCase: 'camel',
});

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
