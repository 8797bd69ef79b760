import { STATUS_FROM_UPSTREAM, AUDIT_LOG_STATUSES, type AuditLogStatus } from '../../src/model/audit-log.js';
import { type UpstreamDialect } from '../../src/model/dialect.js';

/** Likely other spellings of each status; the first ones are also tried as Status filters. */
export const STATUS_GUESSES: Readonly<Record<AuditLogStatus, readonly string[]>> = {
  SUCCEEDED: ['Success', 'Succeeded', 'Completed', 'Successful', 'Ok', 'Complete', 'Done', 'Succeed'],
  FAILED: ['Error', 'Failure', 'Errored', 'Fail', 'Faulted'],
  PROCESSING: ['InProgress', 'Running', 'Pending', 'Started', 'Queued', 'In_Progress'],
};

/** How many guesses per status the probe tries as a Status filter. */
export const STATUS_FILTER_TRIES = 3;

/** What the gateway makes of a status value with these settings: the documented spellings or UPSTREAM_STATUS_MAP. */
export function mappedStatus(value: string, dialect: UpstreamDialect): AuditLogStatus | undefined {
  const lower = value.toLowerCase();
  return STATUS_FROM_UPSTREAM.get(lower) ?? AUDIT_LOG_STATUSES.find((s) => dialect.statusMap[s]?.some((x) => x.toLowerCase() === lower));
}

/** The status a spelling most likely means, compared without case or punctuation. */
export function guessStatus(value: string): AuditLogStatus | undefined {
  const squashed = (text: string) => text.toLowerCase().replace(/[^a-z]/g, '');
  return AUDIT_LOG_STATUSES.find((s) => STATUS_GUESSES[s].some((g) => squashed(g) === squashed(value)));
}
