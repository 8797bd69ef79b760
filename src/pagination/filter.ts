import { badUserInput } from '../errors.js';
import { filterFingerprint } from './cursor.js';
import { UPSTREAM_STATUS, type AuditLogQuery, type AuditLogStatus } from '../model/audit-log.js';

/** The GraphQL `AuditLogFilter` input as Pothos hands it over. */
export interface AuditLogFilterArgs {
  startDate?: Date | null;
  endDate?: Date | null;
  operations?: readonly string[] | null;
  status?: AuditLogStatus | null;
  reseller?: string | null;
  customer?: string | null;
  resellerId?: string | null;
}

/** A filter in upstream terms, without the time window (which the walk pins). */
export interface NormalizedFilter {
  query: Omit<AuditLogQuery, 'startDate' | 'endDate'>;
  startDate: Date | null;
  endDate: Date | null;
  /** Identifies the filter inside cursors, so a cursor cannot be replayed against another filter. */
  fingerprint: string;
}

/** Longest string any filter field takes: a longer one is no name or operation, and would only bloat the upstream URL. */
export const MAX_FILTER_STRING_LENGTH = 256;

/** BAD_USER_INPUT, before any upstream call, for a filter string longer than the limit. The message does not repeat it. */
function assertFilterStringLengths(filter: AuditLogFilterArgs): void {
  const named: Array<[string, string | null | undefined]> = [
    ['reseller', filter.reseller],
    ['customer', filter.customer],
    ['resellerId', filter.resellerId],
    ...(filter.operations ?? []).map((operation, index): [string, string] => [`operations[${index}]`, operation]),
  ];
  for (const [name, value] of named) {
    if (typeof value === 'string' && value.length > MAX_FILTER_STRING_LENGTH) {
      throw badUserInput(`filter.${name} is longer than ${MAX_FILTER_STRING_LENGTH} characters.`);
    }
  }
}

const nonEmpty = (value: string | null | undefined): string | undefined =>
  value === null || value === undefined || value === '' ? undefined : value;

/** Validates the filter and maps it onto upstream parameters; throws BAD_USER_INPUT. Pure. */
export function normalizeFilter(input: AuditLogFilterArgs | null | undefined): NormalizedFilter {
  const filter = input ?? {};
  assertFilterStringLengths(filter);
  const startDate = filter.startDate ?? null;
  const endDate = filter.endDate ?? null;
  if (startDate && endDate && startDate.getTime() > endDate.getTime()) {
    throw badUserInput('filter.startDate must not be after filter.endDate.');
  }

  const operations = filter.operations?.map((operation) => operation.trim()).filter((operation) => operation !== '');
  if (operations?.some((operation) => operation.includes('|'))) {
    throw badUserInput('filter.operations entries must not contain "|".');
  }

  const query: NormalizedFilter['query'] = {};
  if (operations && operations.length > 0) query.operations = operations.join('|');
  if (filter.status) query.status = UPSTREAM_STATUS[filter.status];
  const reseller = nonEmpty(filter.reseller);
  if (reseller !== undefined) query.reseller = reseller;
  const customer = nonEmpty(filter.customer);
  if (customer !== undefined) query.customer = customer;
  // A UUID's case carries no meaning: one spelling upstream and in the fingerprint, so a
  // cursor made for "1C9E…" serves "1c9e…" too.
  const resellerId = nonEmpty(filter.resellerId)?.toLowerCase();
  if (resellerId !== undefined) query.resellerId = resellerId;

  const fingerprint = filterFingerprint({
    ...query,
    startDate: startDate?.getTime(),
    endDate: endDate?.getTime(),
  });
  return { query, startDate, endDate, fingerprint };
}
