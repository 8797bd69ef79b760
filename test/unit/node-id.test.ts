import { encodeGlobalID } from '@pothos/plugin-relay';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertNodeIdCount, auditLogKeyFromGlobalId, auditLogRawId, decodeNodeGlobalId, MAX_NODE_TIMESTAMP_MS, parseAuditLogRawId, MAX_LOOKUP_ENTRIES } from '../../src/nodes/node-id.js';
import { GatewayError } from '../../src/errors.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

/** Runs `fn` and returns the GatewayError code it threw, or 'no error'. */
const codeOf = (fn: () => unknown): string => {
  try {
    fn();
    return 'no error';
  } catch (error) {
    return error instanceof GatewayError ? error.code : `not a GatewayError: ${String(error)}`;
  }
};

describe('AuditLog global ids', () => {
  const log = { timestamp: new Date('2026-11-20T10:15:30.123Z'), auditLogId: '9b2f6a0e-6a43-4c1e-9d1a-2f0d6b1c7e55' };

  it('keep the format ids had before they became Node ids', () => {
    // The relay plugin wraps the raw id as base64("AuditLog:<raw>"); clients may have stored these.
    const before = encodeGlobalID('AuditLog', `${log.timestamp.getTime()}:${log.auditLogId}`);
    expect(encodeGlobalID('AuditLog', auditLogRawId(log))).toBe(before);
    expect(before).toBe(b64('AuditLog:1795169730123:9b2f6a0e-6a43-4c1e-9d1a-2f0d6b1c7e55'));
  });

  it('carry the timestamp and the upstream id back out', () => {
    const id = encodeGlobalID('AuditLog', auditLogRawId(log));
    expect(auditLogKeyFromGlobalId(id)).toEqual({ timestampMs: 1795169730123, auditLogId: log.auditLogId });
  });

  it('round-trip any upstream id and timestamp', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_NODE_TIMESTAMP_MS }),
        fc.string({ minLength: 1, maxLength: 256 }),
        (timestampMs, auditLogId) => {
          const id = encodeGlobalID('AuditLog', auditLogRawId({ timestamp: new Date(timestampMs), auditLogId }));
          expect(auditLogKeyFromGlobalId(id)).toEqual({ timestampMs, auditLogId });
        },
      ),
    );
  });

  it('refuses a time whose lookup window would end past the largest date', () => {
    expect(() => parseAuditLogRawId(`${MAX_NODE_TIMESTAMP_MS}:a`)).not.toThrow();
    for (const timestampMs of [MAX_NODE_TIMESTAMP_MS + 1, 8.64e15, 8.64e15 + 1]) {
      expect(() => parseAuditLogRawId(`${timestampMs}:a`)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }));
    }
  });

  it.each([
    ['not base64', 'not base64!'],
    ['no type', b64(':123:abc')],
    ['no raw id', b64('AuditLog')],
    ['no upstream id', b64('AuditLog:123:')],
    ['no timestamp', b64('AuditLog::abc')],
    ['a timestamp that is not digits', b64('AuditLog:12.5:abc')],
    ['a negative timestamp', b64('AuditLog:-5:abc')],
    ['a timestamp past what a Date holds', b64('AuditLog:9999999999999999:abc')],
    ['an overlong id', b64(`AuditLog:123:${'x'.repeat(600)}`)],
    ['the empty string', ''],
  ])('refuse %s with BAD_USER_INPUT', (_name, id) => {
    expect(codeOf(() => auditLogKeyFromGlobalId(id))).toBe('BAD_USER_INPUT');
  });

  it('refuse an id of another type with BAD_USER_INPUT: every Node here is an AuditLog', () => {
    expect(codeOf(() => decodeNodeGlobalId(b64('Reseller:1c9e4d2a-7b3f-4e8a-9c1d-2f5b6a7e8d90')))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => decodeNodeGlobalId(b64('AuditLog:123:abc')))).toBe('no error');
  });

  it('never fail with anything but BAD_USER_INPUT, whatever the caller sends', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string().map(b64), fc.string().map((s) => b64(`AuditLog:${s}`))), (id) => {
        const code = codeOf(() => auditLogKeyFromGlobalId(id));
        expect(['no error', 'BAD_USER_INPUT']).toContain(code);
      }),
    );
  });

  it('parse only the raw ids this service issues', () => {
    expect(parseAuditLogRawId('0:a:b')).toEqual({ timestampMs: 0, auditLogId: 'a:b' });
    expect(codeOf(() => parseAuditLogRawId('abc'))).toBe('BAD_USER_INPUT');
  });
});

describe('assertNodeIdCount', () => {
  it(`accepts up to ${MAX_LOOKUP_ENTRIES} ids and refuses more with BAD_USER_INPUT`, () => {
    expect(codeOf(() => assertNodeIdCount(MAX_LOOKUP_ENTRIES))).toBe('no error');
    expect(codeOf(() => assertNodeIdCount(MAX_LOOKUP_ENTRIES + 1))).toBe('BAD_USER_INPUT');
  });
});
