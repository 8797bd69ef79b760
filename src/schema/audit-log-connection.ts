import { builder } from './builder.js';
import { readConnectionPage } from '../pagination/read.js';
import { AuditLogRef } from './audit-log.js';
import { AuditLogFilterInput } from './audit-log-filter.js';

/** One edge type: of every connection of audit logs, and the event of the live tail. */
export const AuditLogEdgeRef = builder.edgeObject({ type: AuditLogRef, name: 'AuditLogEdge' });

/** One connection type, shared by every field that lists audit logs. */
export const AuditLogConnectionRef = builder.connectionObject(
  {
    type: AuditLogRef,
    name: 'AuditLogConnection',
    fields: (t) => ({
      totalCount: t.exposeInt('totalCount', {
        description: 'Size of the whole (pinned) result set of the filter; the same on every page of a walk.',
      }),
    }),
  },
  AuditLogEdgeRef,
);

builder.queryField('auditLogs', (t) =>
  t.connection(
    {
      type: AuditLogRef,
      description:
        'Audit logs, newest first. `first`/`after` walk towards older logs, `last`/`before` towards newer ones; ' +
        'a walk is pinned to the result set its first page saw.',
      args: { filter: t.arg({ type: AuditLogFilterInput }) },
      resolve: (_root, args, context) => readConnectionPage(context.auditLogs, args.filter, args),
    },
    AuditLogConnectionRef,
  ),
);
