import { builder } from './builder.js';
import { AuditLogStatusEnum } from './audit-log.js';

export const AuditLogFilterInput = builder.inputType('AuditLogFilter', {
  description: 'Filters of `GET /v1/AuditLogs`. Dates are inclusive.',
  fields: (t) => ({
    startDate: t.field({ type: 'DateTime', description: 'StartDate; default one month before the first page was read.' }),
    endDate: t.field({ type: 'DateTime', description: 'EndDate; default (and at most) the time the first page was read.' }),
    operations: t.stringList({ description: 'Operations, joined with "|".' }),
    status: t.field({ type: AuditLogStatusEnum, description: 'Status (upstream spelling: Processing, Succeded, Failed).' }),
    reseller: t.string({ description: 'Reseller: a substring of the reseller name.' }),
    customer: t.string({ description: 'Customer: a substring of the customer name.' }),
    resellerId: t.field({ type: 'UUID', description: 'resellerId: view the audit logs as this reseller.' }),
  }),
});

export type AuditLogFilterShape = typeof AuditLogFilterInput.$inferInput;
