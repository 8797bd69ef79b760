import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors.js';
import { idDigest } from '../../src/model/placed-log.js';
import {
  createCursorCodec,
  decodeCursorArgs,
  filterFingerprint,
  type Boundary,
  type CursorPayload,
} from '../../src/pagination/cursor.js';

const codec = createCursorCodec(['test secret']);
const fingerprint = filterFingerprint({ status: 'Failed' });
const ids = (n: number) => Array.from({ length: n }, (_, i) => idDigest(`log-${i}`));
const boundary: Boundary = { timestamp: '2026-11-20T10:15:30.1234567Z', side: 'newer', ids: ids(1), otherSide: 0, newerCount: 0 };
const payload: CursorPayload = {
  fingerprint,
  start: Date.parse('2026-10-20T10:15:30.123Z'),
  end: Date.parse('2026-11-20T10:15:30.123Z'),
  total: 407,
  boundary,
};

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const badUserInput = (run: () => unknown, pattern: RegExp = /cursor/): void => {
  let error: unknown;
  try {
    run();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(GatewayError);
  expect((error as GatewayError).code).toBe('BAD_USER_INPUT');
  expect((error as GatewayError).message).toMatch(pattern);
};

const timestamps = fc
  .record({
    ms: fc.integer({ min: Date.parse('2000-01-01T00:00:00Z'), max: Date.parse('2099-12-31T23:59:59Z') }),
    ticks: fc.integer({ min: 0, max: 9999 }),
    digits: fc.constantFrom(0, 3, 7),
  })
  .map(({ ms, ticks, digits }) => {
    const iso = new Date(ms).toISOString();
    if (digits === 0) return iso.replace(/\.\d{3}Z$/, 'Z');
    if (digits === 3) return iso;
    return iso.replace(/Z$/, `${String(ticks).padStart(4, '0')}Z`);
  });

const payloads = fc.record({
  fingerprint: fc.dictionary(fc.string(), fc.jsonValue()).map((filter) => filterFingerprint(filter)),
  start: fc.integer({ min: -8.64e15, max: 8.64e15 }),
  end: fc.integer({ min: -8.64e15, max: 8.64e15 }),
  total: fc.integer({ min: 0, max: 0x7fffffff }),
  boundary: fc.record({
    timestamp: timestamps,
    side: fc.constantFrom('newer' as const, 'older' as const),
    ids: fc.array(fc.uuid(), { minLength: 1, maxLength: 40 }).map((list) => list.map(idDigest)),
    otherSide: fc.integer({ min: 0, max: 0xffff }),
    newerCount: fc.integer({ min: 0, max: 0x7fffffff }),
  }),
});

describe('cursor codec', () => {
  it('round-trips any payload through a URL-safe string', () => {
    fc.assert(
      fc.property(payloads, (p) => {
        const cursor = codec.encode(p);
        expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(codec.decode(cursor)).toEqual(p);
      }),
      { numRuns: 500 },
    );
  });

  it('is short: 115 characters for a tie group of 1 and 267 for one of 20 (7-digit timestamp)', () => {
    expect(codec.encode(payload)).toHaveLength(115);
    expect(codec.encode({ ...payload, boundary: { ...boundary, ids: ids(20) } })).toHaveLength(267);
    // Each further tie adds 6 bytes, 8 characters; a 3-digit timestamp takes 4 bytes less.
    expect(codec.encode({ ...payload, boundary: { ...boundary, ids: ids(21) } })).toHaveLength(275);
    expect(codec.encode({ ...payload, boundary: { ...boundary, timestamp: '2026-11-20T10:15:30.123Z' } })).toHaveLength(110);
  });

  it('keeps the timestamp text exactly as the upstream wrote it', () => {
    for (const timestamp of ['2026-11-20T10:15:30.1234567Z', '2026-11-20T10:15:30Z', '2026-11-20T12:15:30.1234567+02:00']) {
      expect(codec.decode(codec.encode({ ...payload, boundary: { ...boundary, timestamp } })).boundary.timestamp).toBe(timestamp);
    }
  });

  it('is deterministic for a secret and differs between secrets', () => {
    expect(createCursorCodec(['test secret']).encode(payload)).toBe(codec.encode(payload));
    expect(createCursorCodec(['other secret']).encode(payload)).not.toBe(codec.encode(payload));
  });

  it('rejects every single-character change of a real cursor', () => {
    const cursor = codec.encode(payload);
    for (let i = 0; i < cursor.length; i++) {
      for (const replacement of ALPHABET) {
        if (replacement === cursor[i]) continue;
        const tampered = cursor.slice(0, i) + replacement + cursor.slice(i + 1);
        badUserInput(() => codec.decode(tampered));
      }
    }
  });

  it('rejects any changed bit with the old tag', () => {
    const cursor = Buffer.from(codec.encode({ ...payload, boundary: { ...boundary, ids: ids(3) } }), 'base64url');
    for (let at = 0; at < cursor.length; at++) {
      const forged = Buffer.from(cursor);
      forged[at] = forged[at]! ^ 1;
      badUserInput(() => codec.decode(forged.toString('base64url')));
    }
  });

  it('rejects cursors made with another secret', () => {
    const foreign = createCursorCodec(['other secret']);
    badUserInput(() => codec.decode(foreign.encode(payload)));
    fc.assert(
      fc.property(payloads, (p) => {
        badUserInput(() => codec.decode(foreign.encode(p)));
      }),
      { numRuns: 100 },
    );
  });

  it('signs with the first of several secrets and accepts a cursor made under any of them', () => {
    const old = createCursorCodec(['old secret']);
    const rotating = createCursorCodec(['new secret', 'old secret']);
    const renewed = createCursorCodec(['new secret']);
    // Signed with the first: exactly what the codec of the new secret alone makes.
    expect(rotating.encode(payload)).toBe(renewed.encode(payload));
    expect(rotating.decode(old.encode(payload))).toEqual(payload);
    expect(rotating.decode(renewed.encode(payload))).toEqual(payload);
    // The old secret still accepts nothing but its own; dropped, it no longer verifies.
    badUserInput(() => old.decode(rotating.encode(payload)));
    badUserInput(() => renewed.decode(old.encode(payload)));
    // No secret in the list lends its key to a tampered cursor.
    const cursor = Buffer.from(old.encode(payload), 'base64url');
    cursor[5] = cursor[5]! ^ 1;
    badUserInput(() => rotating.decode(cursor.toString('base64url')));
    expect(() => createCursorCodec([])).toThrow(/at least one secret/);
  });

  it('rejects garbage and the empty string', () => {
    const cursor = codec.encode(payload);
    for (const garbage of [
      '',
      ' ',
      'null',
      'YXJyYXljb25uZWN0aW9uOjEw', // a graphql-relay style cursor
      cursor.slice(1),
      cursor.slice(0, -1),
      `${cursor}A`,
      `${cursor}=`,
      ` ${cursor.slice(1)}`,
      Buffer.alloc(82).toString('base64url'),
      'A'.repeat(110),
      '_'.repeat(110),
      'A'.repeat(100_000),
    ]) {
      badUserInput(() => codec.decode(garbage));
    }
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        badUserInput(() => codec.decode(text));
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 40, maxLength: 300 }), (bytes) => {
        badUserInput(() => codec.decode(Buffer.from(bytes).toString('base64url')));
      }),
    );
  });

  it('names the argument in the message', () => {
    badUserInput(() => codec.decode('nope', 'after'), /"after" is not a valid cursor/);
  });

  it('refuses to encode what it could not decode', () => {
    expect(() => codec.encode({ ...payload, total: -1 })).toThrow(RangeError);
    expect(() => codec.encode({ ...payload, start: Number.NaN })).toThrow(RangeError);
    expect(() => codec.encode({ ...payload, end: Infinity })).toThrow(RangeError);
    expect(() => codec.encode({ ...payload, fingerprint: 'not-a-fingerprint' })).toThrow(TypeError);
    expect(() => codec.encode({ ...payload, boundary: { ...boundary, ids: [] } })).toThrow(RangeError);
    expect(() => codec.encode({ ...payload, boundary: { ...boundary, ids: ['not a digest'] } })).toThrow(RangeError);
    expect(() => codec.encode({ ...payload, boundary: { ...boundary, timestamp: 'yesterday' } })).toThrow(RangeError);
  });
});

describe('filterFingerprint', () => {
  it('is a short URL-safe hash', () => {
    expect(filterFingerprint({})).toMatch(/^[A-Za-z0-9_-]{12}$/);
  });

  it('ignores key order and absent or null members', () => {
    const a = filterFingerprint({ status: 'Failed', operations: 'A|B', reseller: undefined, customer: null });
    const b = filterFingerprint({ operations: 'A|B', status: 'Failed' });
    expect(a).toBe(b);
    expect(filterFingerprint({ nested: { y: 1, x: [1, 2], z: null } })).toBe(
      filterFingerprint({ nested: { x: [1, 2], y: 1 } }),
    );
  });

  it('tells different filters apart', () => {
    const seen = new Set(
      [
        {},
        { status: 'Failed' },
        { status: 'Processing' },
        { operations: ['A', 'B'] },
        { operations: ['B', 'A'] },
        { operations: [] },
        { reseller: 'x' },
        { customer: 'x' },
        { reseller: '1' },
        { reseller: 1 },
        { startDate: new Date('2026-01-01T00:00:00Z') },
        { startDate: new Date('2026-01-01T00:00:00.001Z') },
      ].map((filter) => filterFingerprint(filter)),
    );
    expect(seen.size).toBe(12);
  });

  it('treats a Date like its ISO string', () => {
    expect(filterFingerprint({ startDate: new Date('2026-01-01T00:00:00Z') })).toBe(
      filterFingerprint({ startDate: '2026-01-01T00:00:00.000Z' }),
    );
  });
});

describe('decodeCursorArgs', () => {
  const cursor = (b: Partial<Boundary> = {}, walk: Partial<CursorPayload> = {}) =>
    codec.encode({ ...payload, ...walk, boundary: { ...boundary, ...b } });
  const walk = { fingerprint, start: payload.start, end: payload.end, total: payload.total };

  it('starts a new walk without cursors; an empty string is absent', () => {
    expect(decodeCursorArgs(codec, fingerprint, {})).toEqual({ walk: null, after: null, before: null });
    expect(decodeCursorArgs(codec, fingerprint, { after: '', before: null })).toEqual({ walk: null, after: null, before: null });
  });

  it('reads the walk and the boundaries from the cursors', () => {
    expect(decodeCursorArgs(codec, fingerprint, { after: cursor() })).toEqual({ walk, after: boundary, before: null });
    const older = { ...boundary, side: 'older' as const, ids: ids(2) };
    expect(decodeCursorArgs(codec, fingerprint, { before: cursor(older), after: '' })).toEqual({ walk, after: null, before: older });
    expect(decodeCursorArgs(codec, fingerprint, { after: cursor(), before: cursor(older) })).toEqual({ walk, after: boundary, before: older });
  });

  it('rejects cursors of another filter, another walk, or not ours', () => {
    const other = filterFingerprint({ status: 'Processing' });
    badUserInput(() => decodeCursorArgs(codec, other, { after: cursor() }), /"after" .*different filter/);
    badUserInput(() => decodeCursorArgs(codec, other, { before: cursor() }), /"before" .*different filter/);
    for (const later of [{ end: payload.end + 1 }, { start: payload.start - 1 }, { total: payload.total + 1 }]) {
      badUserInput(() => decodeCursorArgs(codec, fingerprint, { after: cursor(), before: cursor({}, later) }), /different walks/);
    }
    badUserInput(() => decodeCursorArgs(codec, fingerprint, { after: 'garbage' }), /"after" is not a valid cursor/);
  });
});
