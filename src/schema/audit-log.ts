import { brandWithType } from '@pothos/core';
import { builder } from './builder.js';
import { AUDIT_LOG_TYPENAME, auditLogKeyFromGlobalId, auditLogRawId, parseAuditLogRawId } from '../nodes/node-id.js';
import type { AuditLogRecord } from '../model/audit-log.js';
import { isUuid } from '../model/uuid.js';

export const AuditLogStatusEnum = builder.enumType('AuditLogStatus', {
  values: {
    PROCESSING: { description: 'Upstream `Processing`.' },
    SUCCEEDED: { description: 'Upstream `Succeded` (sic) or `Succeeded`.' },
    FAILED: { description: 'Upstream `Failed`.' },
  } as const,
});


/** The upstream documents these as UUIDs but does not guarantee it; a stray value reads as null, not as a failed page. */
const uuidOrNull = (value: string | null): string | null => (value !== null && isUuid(value) ? value : null);

/**
 * A Relay Node and a federation entity keyed by its global id. The id is
 * base64("AuditLog:<timestampMs>:<auditLogId>"): the timestamp finds a narrow time
 * window upstream (which has no get-by-id), the upstream id picks the item in it.
 */
export const AuditLogRef = builder.node(builder.objectRef<AuditLogRecord>(AUDIT_LOG_TYPENAME), {
  description: 'One audit log entry of the CloudCockpit API.',
  id: {
    description: 'Opaque global id: carries what is needed to find the entry again.',
    resolve: auditLogRawId,
    parse: (rawId) => parseAuditLogRawId(rawId),
  },
  // Branded here, not only by the relay plugin after its batch settles: the plugin hands a
  // second `node(id:)` of the same id its cached promise, which can settle first, and an
  // unbranded record is a Node no type claims ("Abstract type Node must resolve …").
  loadOne: async (key, context) => brandAuditLog(await context.nodes.load(key)),
  fields: (t) => ({
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

/**
 * Marks a record as an AuditLog for `Node`'s type resolution, with the very brand the
 * relay plugin sets (the typename: a brand is set once and never changed).
 */
function brandAuditLog(record: AuditLogRecord | null): AuditLogRecord | null {
  if (record !== null) brandWithType(record, AUDIT_LOG_TYPENAME as unknown as Parameters<typeof brandWithType>[1]);
  return record;
}

builder.asEntity(AuditLogRef, {
  key: builder.selection<{ id: string }>('id'),
  // async: a malformed id fails its own entry of _entities, not the whole list.
  resolveReference: async ({ id }, context) => context.nodes.load(auditLogKeyFromGlobalId(String(id))),
});
