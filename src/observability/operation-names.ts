/**
 * The operation names /metrics labels by name; any other name counts as `other`, so
 * clients cannot mint label values (or take the slots of real dashboards' operations).
 */

/** The operations shipped in `operations/` (a unit test keeps this list and the folder equal). */
export const SHIPPED_OPERATION_NAMES: readonly string[] = ['AuditLogById', 'FilteredAuditLogs', 'WalkAuditLogs'];

/** A GraphQL name of at most 64 characters; the only shape a label value may take. */
export const LABELLED_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

/** Most configured names kept: a series per name and outcome stays a small set. */
export const MAX_LABELLED_NAMES = 500;

/**
 * The shipped names, the names of the trusted-document manifest (PERSISTED_DOCUMENTS)
 * and those configured (`METRICS_OPERATION_NAMES`, comma-separated), at most
 * MAX_LABELLED_NAMES in all, in that order. Entries that are not GraphQL names could
 * never name an operation, so they are left out.
 */
export function labelledOperationNames(configured = '', manifestNames: readonly string[] = []): Set<string> {
  const names = [...manifestNames, ...configured.split(',').map((name) => name.trim())].filter(
    (name) => LABELLED_NAME.test(name) && name !== 'anonymous' && name !== 'other',
  );
  return new Set([...SHIPPED_OPERATION_NAMES, ...names].slice(0, MAX_LABELLED_NAMES));
}
