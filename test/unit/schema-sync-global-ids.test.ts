import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import fc from 'fast-check';
import { buildSchema, type GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.js';
import { base64, resolveGlobalIdsSynchronously } from '../../src/schema/sync-global-ids.js';

const log = { auditLogId: '9b2f6a0e-6a43-4c1e-9d1a-2f0d6b1c7e55', timestamp: new Date('2026-11-20T10:15:30.123Z') };

describe('AuditLog.id', () => {
  it('resolves synchronously to the relay global id of "<timestampMs>:<auditLogId>"', () => {
    const resolve = (schema.getType('AuditLog') as GraphQLObjectType).getFields().id!.resolve!;
    const id = resolve(log, {}, {}, {} as GraphQLResolveInfo);
    expect(typeof id).toBe('string');
    expect(decodeGlobalID(id as string)).toEqual({ typename: 'AuditLog', id: `${log.timestamp.getTime()}:${log.auditLogId}` });
  });

  it('encodes exactly as the relay plugin does, ASCII or not', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string(), (id, ascii) => {
        expect(base64(`AuditLog:${id}`)).toBe(encodeGlobalID('AuditLog', id));
        expect(base64(`AuditLog:${ascii}`)).toBe(encodeGlobalID('AuditLog', ascii));
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuses a type without an id field', () => {
    const other = buildSchema('type Query { a: Int } type Thing { name: String }');
    expect(() => resolveGlobalIdsSynchronously(other, 'Thing', () => 'x')).toThrow(/Thing/);
    expect(() => resolveGlobalIdsSynchronously(other, 'Missing', () => 'x')).toThrow(/Missing/);
  });
});
