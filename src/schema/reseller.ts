import { builder } from './builder.js';
import { readConnectionPage } from '../pagination/read.js';
import type { AuditLogFilterArgs } from '../pagination/filter.js';
import { badUserInput } from '../errors.js';
import { isUuid } from '../model/uuid.js';
import { AuditLogRef } from './audit-log.js';
import { AuditLogConnectionRef } from './audit-log-connection.js';
import { AuditLogFilterInput } from './audit-log-filter.js';

/**
 * The filter of `Reseller.auditLogs`: the caller's filter with the entity's key as
 * `resellerId`. A filter that names another reseller is a contradiction, not
 * something to pick a winner for: BAD_USER_INPUT. Pure.
 */
export function filterForReseller(resellerId: string, filter: AuditLogFilterArgs | null | undefined): AuditLogFilterArgs {
  if (!isUuid(resellerId)) throw badUserInput('Reseller.id must be a UUID.');
  const requested = filter?.resellerId;
  if (requested !== null && requested !== undefined && requested !== '' && requested.toLowerCase() !== resellerId.toLowerCase()) {
    throw badUserInput("filter.resellerId differs from the Reseller's id; leave it out or pass the same id.");
  }
  return { ...filter, resellerId };
}

/**
 * Reseller is owned by another subgraph (the directory); this one contributes
 * its audit logs. A plain Federation v2 entity (an `externalRef` would print the
 * Federation 1 `@extends`): its key field is shareable by being a key.
 */
export const ResellerRef = builder.objectRef<{ id: string }>('Reseller');

ResellerRef.implement({
  description: 'A reseller (entity owned elsewhere in the supergraph); this subgraph contributes its audit logs.',
  fields: (t) => ({
    id: t.exposeID('id', { description: "The reseller's UUID." }),
    auditLogs: t.connection(
      {
        type: AuditLogRef,
        description:
          "This reseller's audit logs (upstream `resellerId` = the key), paginated exactly like `Query.auditLogs`. " +
          '`filter.resellerId`, if given, must equal the key.',
        args: { filter: t.arg({ type: AuditLogFilterInput }) },
        resolve: (reseller, args, context) => {
          // The caller's headers first, as for Query.auditLogs: no upstream call without them.
          context.auditLogs.requireCaller();
          return readConnectionPage(context.auditLogs, filterForReseller(reseller.id, args.filter), args);
        },
      },
      AuditLogConnectionRef,
    ),
  }),
});

builder.asEntity(ResellerRef, {
  key: builder.selection<{ id: string }>('id'),
  // Any key resolves, with no upstream call: whether the reseller exists is the
  // owner's business (an unknown one simply has no audit logs).
  resolveReference: ({ id }) => ({ id: String(id) }),
});
