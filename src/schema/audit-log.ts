import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../builder.js';
import type { AuditLogRecord } from '../upstream/types.js';

export const AuditLogStatusEnum = builder.enumType('AuditLogStatus', {
  values: {
    PROCESSING: { description: 'Upstream `Processing`.' },
    SUCCEEDED: { description: 'Upstream `Succeded` (sic) or `Succeeded`.' },
    FAILED: { description: 'Upstream `Failed`.' },
  } as const,
});

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The upstream documents these as UUIDs but does not guarantee it; a stray value reads as null, not as a failed page. */
const uuidOrNull = (value: string | null): string | null => (value !== null && UUID_PATTERN.test(value) ? value : null);

export const AuditLogRef = builder.objectRef<AuditLogRecord>('AuditLog');

AuditLogRef.implement({
  description: 'One audit log entry of the CloudCockpit API.',
  fields: (t) => ({
    id: t.id({
      description: 'Opaque global id: carries what is needed to find the entry again.',
      resolve: (log) => encodeGlobalID('AuditLog', `${log.timestamp.getTime()}:${log.auditLogId}`),
    }),
    auditLogId: t.exposeString('auditLogId', { description: "The upstream item's own id." }),
    timestamp: t.expose('timestamp', { type: 'DateTime' }),
    operation: t.exposeString('operation', { nullable: true }),
    status: t.expose('status', { type: AuditLogStatusEnum, nullable: true }),
    resellerId: t.field({ type: 'UUID', nullable: true, resolve: (log) => uuidOrNull(log.resellerId) }),
    resellerName: t.exposeString('resellerName', { nullable: true }),
    customerId: t.field({ type: 'UUID', nullable: true, resolve: (log) => uuidOrNull(log.customerId) }),
    customerName: t.exposeString('customerName', { nullable: true }),
    userName: t.exposeString('userName', { nullable: true }),
    correlationId: t.exposeString('correlationId', { nullable: true }),
    details: t.exposeString('details', { nullable: true }),
    raw: t.field({ type: 'JSON', description: 'The upstream item exactly as received.', resolve: (log) => log.raw }),
  }),
});
