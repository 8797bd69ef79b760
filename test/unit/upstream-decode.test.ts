import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { GatewayError } from '../../src/errors.js';
import { decodeAuditLogPage } from '../../src/upstream/decode.js';
import { parseTimestamp } from '../../src/model/instant.js';
import { UPSTREAM_STATUS } from '../../src/model/audit-log.js';
import { UPSTREAM_ITEM } from '../support/upstream-item.js';

const camelItem = UPSTREAM_ITEM;

const pascalItem = {
  Id: 'a-1',
  Timestamp: '2026-11-19T08:00:00+02:00',
  Operation: 'CreateCustomer',
  Status: 'Processing',
  ResellerId: 'r-1',
  ResellerName: 'R',
  CustomerId: 'c-1',
  CustomerName: 'C',
  UserName: 'bob',
  CorrelationId: 'k-1',
  Details: 'd',
};

const page = (items: unknown, totalCount: unknown = 2) => ({
  items,
  paginationParameters: { totalPages: 1, totalCount, hasPreviousPage: false, hasNextPage: false },
  continuationToken: null,
});

function badResponse(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).code).toBe('UPSTREAM_BAD_RESPONSE');
    expect((err as GatewayError).extensions.code).toBe('UPSTREAM_BAD_RESPONSE');
    return err as GatewayError;
  }
  throw new Error('expected UPSTREAM_BAD_RESPONSE');
}

describe('decodeAuditLogPage', () => {
  it('decodes camelCase items and keeps each item object as raw', () => {
    const body = page([camelItem]);
    const result = decodeAuditLogPage(body);
    expect(result.totalCount).toBe(2);
    expect(result.items).toHaveLength(1);
    const [record] = result.items;
    expect(record).toEqual({
      auditLogId: camelItem.id,
      timestamp: new Date('2026-11-20T10:15:30.123Z'),
      operation: 'CreateOrder',
      status: 'SUCCEEDED',
      resellerId: camelItem.resellerId,
      resellerName: 'Contoso Reseller',
      customerId: camelItem.customerId,
      customerName: 'Fabrikam Ltd',
      userName: 'alice@contoso.example',
      correlationId: camelItem.correlationId,
      details: 'Order 4711 created',
      raw: camelItem,
    });
    expect(record!.raw).toBe(camelItem);
  });

  it('decodes PascalCase items', () => {
    const [record] = decodeAuditLogPage(page([pascalItem])).items;
    expect(record).toEqual({
      auditLogId: 'a-1',
      timestamp: new Date('2026-11-19T06:00:00.000Z'),
      operation: 'CreateCustomer',
      status: 'PROCESSING',
      resellerId: 'r-1',
      resellerName: 'R',
      customerId: 'c-1',
      customerName: 'C',
      userName: 'bob',
      correlationId: 'k-1',
      details: 'd',
      raw: pascalItem,
    });
  });

  it('keeps the upstream order of items', () => {
    const items = Array.from({ length: 5 }, (_, i) => ({ id: `id-${i}`, timestamp: '2026-01-01T00:00:00Z' }));
    expect(decodeAuditLogPage(page(items, 5)).items.map((r) => r.auditLogId)).toEqual(items.map((i) => i.id));
  });

  it('turns a numeric id into a string', () => {
    expect(decodeAuditLogPage(page([{ id: 4711, timestamp: '2026-01-01T00:00:00Z' }])).items[0]!.auditLogId).toBe(
      '4711',
    );
  });

  it('reads items: null as an empty page', () => {
    expect(decodeAuditLogPage(page(null, 0))).toEqual({ items: [], totalCount: 0 });
  });

  it('reads an empty items array', () => {
    expect(decodeAuditLogPage(page([], 0))).toEqual({ items: [], totalCount: 0 });
  });

  it('accepts PascalCase envelope keys', () => {
    const result = decodeAuditLogPage({ Items: [camelItem], PaginationParameters: { TotalCount: 7 } });
    expect(result.totalCount).toBe(7);
    expect(result.items).toHaveLength(1);
  });

  it.each([
    ['nested', { items: [], paginationParameters: { totalCount: 3 } }],
    ['top-level', { items: [], totalCount: 3 }],
    ['top-level Pascal', { items: [], TotalCount: 3 }],
    ['nested without a count, top-level with one', { items: [], paginationParameters: {}, totalCount: 3 }],
    ['nested wins over top-level', { items: [], paginationParameters: { totalCount: 3 }, totalCount: 9 }],
  ])('reads totalCount %s', (_name, body) => {
    expect(decodeAuditLogPage(body).totalCount).toBe(3);
  });

  it.each([
    ['missing', { items: [] }],
    ['missing in an empty paginationParameters', { items: [], paginationParameters: {} }],
    ['null', page([], null)],
    ['negative', page([], -1)],
    ['fractional', page([], 1.5)],
    ['a string', page([], '3')],
    ['too large', page([], 2 ** 60)],
  ])('rejects a totalCount that is %s', (_name, body) => {
    expect(badResponse(() => decodeAuditLogPage(body)).message).toMatch(/totalCount/);
  });

  it.each([
    ['null', null],
    ['an array', []],
    ['a string', 'items'],
    ['a number', 42],
    ['undefined', undefined],
  ])('rejects a body that is %s', (_name, body) => {
    badResponse(() => decodeAuditLogPage(body));
  });

  it.each([
    ['missing', { totalCount: 0 }],
    ['an object', { items: {}, totalCount: 0 }],
    ['a string', { items: 'x', totalCount: 0 }],
  ])('rejects items that are %s', (_name, body) => {
    badResponse(() => decodeAuditLogPage(body));
  });

  it.each([
    ['null', null],
    ['an array', [camelItem]],
    ['a string', 'item'],
  ])('rejects an item that is %s, naming its index', (_name, item) => {
    const err = badResponse(() => decodeAuditLogPage(page([camelItem, item])));
    expect(err.message).toContain('item 1');
  });

  it.each([
    ['missing', { timestamp: camelItem.timestamp }],
    ['null', { id: null, timestamp: camelItem.timestamp }],
    ['empty', { id: '', timestamp: camelItem.timestamp }],
    ['an object', { id: { v: 1 }, timestamp: camelItem.timestamp }],
    ['a boolean', { id: true, timestamp: camelItem.timestamp }],
  ])('rejects an id that is %s, naming index and field but not the value', (_name, item) => {
    const err = badResponse(() => decodeAuditLogPage(page([camelItem, camelItem, item])));
    expect(err.message).toContain('item 2');
    expect(err.message).toContain('id');
    expect(err.message).not.toContain(camelItem.timestamp);
  });

  it.each([
    ['missing', { id: 'x' }],
    ['null', { id: 'x', timestamp: null }],
    ['not a date', { id: 'x', timestamp: 'yesterday-secret' }],
    ['a number', { id: 'x', timestamp: 1763633730123 }],
    ['an impossible date', { id: 'x', timestamp: '2026-02-30T10:00:00Z' }],
  ])('rejects a timestamp that is %s, naming index and field but not the value', (_name, item) => {
    const err = badResponse(() => decodeAuditLogPage(page([item])));
    expect(err.message).toContain('item 0');
    expect(err.message).toContain('timestamp');
    expect(err.message).not.toContain('secret');
    expect(err.message).not.toContain('"x"');
  });

  it('reads absent, null and non-string optional fields as null', () => {
    const [record] = decodeAuditLogPage(
      page([
        {
          id: 'x',
          timestamp: '2026-01-01T00:00:00Z',
          operation: null,
          resellerName: 42,
          customerName: { name: 'x' },
          userName: ['a'],
          details: true,
        },
      ]),
    ).items;
    expect(record).toMatchObject({
      operation: null,
      status: null,
      resellerId: null,
      resellerName: null,
      customerId: null,
      customerName: null,
      userName: null,
      correlationId: null,
      details: null,
    });
  });

  it('keeps empty strings in optional fields', () => {
    const [record] = decodeAuditLogPage(page([{ id: 'x', timestamp: '2026-01-01T00:00:00Z', details: '' }])).items;
    expect(record!.details).toBe('');
  });

  it.each([
    ['Processing', 'PROCESSING'],
    ['processing', 'PROCESSING'],
    ['Succeded', 'SUCCEEDED'],
    ['SUCCEDED', 'SUCCEEDED'],
    ['Succeeded', 'SUCCEEDED'],
    ['succeeded', 'SUCCEEDED'],
    ['Failed', 'FAILED'],
    ['FAILED', 'FAILED'],
  ])('maps status %s to %s without reporting it', (value, expected) => {
    const onUnknown = vi.fn();
    const [record] = decodeAuditLogPage(page([{ ...camelItem, status: value }]), onUnknown).items;
    expect(record!.status).toBe(expected);
    expect(onUnknown).not.toHaveBeenCalled();
  });

  it.each([['Cancelled'], [''], [' Failed'], [3], [{ name: 'Failed' }]])(
    'decodes unknown status %j as null and reports it, without failing the page',
    (value) => {
      const onUnknown = vi.fn();
      const result = decodeAuditLogPage(page([{ ...camelItem, status: value }, camelItem]), onUnknown);
      expect(result.items.map((r) => r.status)).toEqual([null, 'SUCCEEDED']);
      expect(onUnknown).toHaveBeenCalledTimes(1);
      expect(onUnknown).toHaveBeenCalledWith(value);
    },
  );

  it('does not report an absent or null status', () => {
    const onUnknown = vi.fn();
    const { id, timestamp } = camelItem;
    decodeAuditLogPage(page([{ id, timestamp }, { id, timestamp, status: null }]), onUnknown);
    expect(onUnknown).not.toHaveBeenCalled();
  });

  it('decodes unknown statuses without a callback', () => {
    expect(decodeAuditLogPage(page([{ ...camelItem, status: 'Weird' }])).items[0]!.status).toBeNull();
  });

  // How fast is measured by `npm run bench:micro`.
  it('decodes a 2000-item page, every item in order', () => {
    const items = Array.from({ length: 2000 }, (_, i) => ({ ...camelItem, id: `id-${i}` }));
    const result = decodeAuditLogPage(page(items, 100_000));
    expect(result.items).toHaveLength(2000);
    expect(result.items.map((item) => item.auditLogId)).toEqual(items.map((item) => item.id));
    expect(result.totalCount).toBe(100_000);
  });

  it('never throws anything but UPSTREAM_BAD_RESPONSE, whatever JSON it is given', () => {
    const anyItem = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          id: fc.oneof(fc.string(), fc.integer(), fc.jsonValue()),
          timestamp: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string(), fc.jsonValue()),
          status: fc.oneof(fc.constantFrom('Processing', 'Succeded', 'Failed', 'failed'), fc.jsonValue()),
          operation: fc.jsonValue(),
        },
        { requiredKeys: [] },
      ),
    );
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          items: fc.oneof(fc.constant(null), fc.array(anyItem, { maxLength: 5 }), fc.jsonValue()),
          totalCount: fc.oneof(fc.nat(), fc.jsonValue()),
          paginationParameters: fc.oneof(fc.record({ totalCount: fc.oneof(fc.nat(), fc.jsonValue()) }), fc.jsonValue()),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(body, (value) => {
        try {
          const result = decodeAuditLogPage(value, () => {});
          expect(Number.isSafeInteger(result.totalCount)).toBe(true);
          for (const item of result.items) expect(Number.isNaN(item.timestamp.getTime())).toBe(false);
        } catch (err) {
          if (!(err instanceof GatewayError) || err.code !== 'UPSTREAM_BAD_RESPONSE') throw err;
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseTimestamp', () => {
  it.each([
    ['2026-11-20T10:15:30.123Z', '2026-11-20T10:15:30.123Z'],
    ['2026-11-20T10:15:30Z', '2026-11-20T10:15:30.000Z'],
    ['2026-11-20T10:15Z', '2026-11-20T10:15:00.000Z'],
    ['2026-11-20t10:15:30z', '2026-11-20T10:15:30.000Z'],
    ['2026-11-20 10:15:30Z', '2026-11-20T10:15:30.000Z'],
    ['2026-11-20T10:15:30.1234567Z', '2026-11-20T10:15:30.123Z'],
    ['2026-11-20T10:15:30.1+01:00', '2026-11-20T09:15:30.100Z'],
    ['2026-11-20T10:15:30-0530', '2026-11-20T15:45:30.000Z'],
    ['2026-11-20T10:15:30+02', '2026-11-20T08:15:30.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    // No offset: taken as UTC, not as the gateway's local time.
    ['2026-11-20T10:15:30', '2026-11-20T10:15:30.000Z'],
    ['2026-11-20T10:15:30.1234567', '2026-11-20T10:15:30.123Z'],
  ])('parses %s', (input, iso) => {
    expect(parseTimestamp(input)?.toISOString()).toBe(iso);
  });

  it('takes a timestamp without offset as UTC even when the process runs in another zone', () => {
    const previous = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      expect(new Date(2026, 10, 20).getTimezoneOffset()).not.toBe(0);
      expect(parseTimestamp('2026-11-20T10:15:30')?.toISOString()).toBe('2026-11-20T10:15:30.000Z');
    } finally {
      if (previous === undefined) delete process.env.TZ;
      else process.env.TZ = previous;
    }
  });

  it.each([
    ['2026-11-20'],
    ['2026-13-01T00:00:00Z'],
    ['2026-00-01T00:00:00Z'],
    ['2025-02-29T00:00:00Z'],
    ['2026-04-31T00:00:00Z'],
    ['2026-11-20T24:00:00Z'],
    ['2026-11-20T10:60:00Z'],
    ['2026-11-20T10:15:60Z'],
    ['2026-11-20T10:15:30+24:00'],
    ['2026-11-20T10:15:30 GMT'],
    ['Fri, 20 Nov 2026 10:15:30 GMT'],
    ['1763633730123'],
    [''],
    [1763633730123],
    [null],
  ])('rejects %j', (input) => {
    expect(parseTimestamp(input)).toBeNull();
  });
});

/** The regular-expression parser parseTimestamp replaced, kept as the oracle of its grammar. */
function referenceParseTimestamp(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/.exec(value);
  if (m === null) return null;
  const [, year, month, day, hour, minute, second = '00', fraction = '', offset = 'Z'] = m as unknown as string[];
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  const days = mo === 2 ? ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28) : [4, 6, 9, 11].includes(mo) ? 30 : 31;
  if (mo < 1 || mo > 12 || d < 1 || d > days) return null;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return null;
  let zone = 'Z';
  if (offset !== 'Z' && offset !== 'z') {
    const digits = offset.replace(':', '');
    const oh = digits.slice(1, 3);
    const om = digits.slice(3, 5) || '00';
    if (Number(oh) > 23 || Number(om) > 59) return null;
    zone = `${digits[0]}${oh}:${om}`;
  }
  const time = Date.parse(`${year}-${month}-${day}T${hour}:${minute}:${second}.${(fraction + '000').slice(0, 3)}${zone}`);
  return Number.isNaN(time) ? null : new Date(time);
}

describe('parseTimestamp ISO text', () => {
  it('gives back the same text as toISOString, whatever form the timestamp came in', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('0000-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }), (date) => {
        const iso = date.toISOString();
        const parsed = parseTimestamp(iso)!;
        expect(parsed.getTime()).toBe(date.getTime());
        expect(parsed.toISOString()).toBe(iso);
        expect(JSON.stringify({ t: parsed })).toBe(JSON.stringify({ t: date }));
        expect(parsed).toBeInstanceOf(Date);
      }),
      { numRuns: 2_000 },
    );
    expect(parseTimestamp('2026-11-20T11:15:30.1+01:00')!.toISOString()).toBe('2026-11-20T10:15:30.100Z');
    expect(parseTimestamp('2026-11-20t10:15:30.123z')!.toISOString()).toBe('2026-11-20T10:15:30.123Z');
  });
});

describe('parseTimestamp against the regular-expression grammar', () => {
  const digits = (n: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: n, maxLength: n }).map((d) => d.join(''));
  // Mostly in range (a little past each edge), sometimes a broken field.
  const field = (max: number, width: number) =>
    fc.oneof(
      { weight: 12, arbitrary: fc.integer({ min: 0, max }).map((n) => String(n).padStart(width, '0')) },
      { weight: 1, arbitrary: fc.array(fc.constantFrom(...'0123456789:+-.,Zz T'), { minLength: width - 1, maxLength: width + 1 }).map((d) => d.join('')) },
    );
  const rare = <T,>(usual: T, ...others: T[]) => fc.oneof({ weight: 12, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: fc.constantFrom(...others) });
  const timestampLike = fc
    .tuple(
      field(9999, 4), rare('-', '/'), field(13, 2), rare('-', ''), field(32, 2), fc.constantFrom('T', 't', ' ', 'T', 'X'),
      field(24, 2), rare(':', '.'), field(60, 2),
      fc.option(fc.tuple(rare(':', '.'), field(60, 2), fc.option(fc.tuple(rare('.', ',', ';'), fc.oneof(digits(1), digits(2), digits(3), digits(7), fc.constant(''))))), { nil: undefined }),
      fc.option(
        fc.oneof(
          fc.constantFrom('Z', 'z', 'GMT', ' Z', 'Zz'),
          fc.tuple(fc.constantFrom('+', '-'), field(24, 2), fc.constantFrom('', ':', '', '::'), fc.oneof(field(60, 2), fc.constant(''))).map((p) => p.join('')),
        ),
        { nil: undefined },
      ),
    )
    .map(([y, dash, mo, dash2, d, t, h, colon, mi, seconds, zone]) => {
      const sec = seconds === undefined ? '' : seconds[0] + seconds[1] + (seconds[2] ? seconds[2].join('') : '');
      return `${y}${dash}${mo}${dash2}${d}${t}${h}${colon}${mi}${sec}${zone ?? ''}`;
    });

  it('agrees with it on timestamp-like strings, valid or not', () => {
    let valid = 0;
    fc.assert(
      fc.property(timestampLike, (value) => {
        const expected = referenceParseTimestamp(value)?.getTime() ?? null;
        if (expected !== null) valid++;
        expect(parseTimestamp(value)?.getTime() ?? null).toBe(expected);
      }),
      { numRuns: 20_000 },
    );
    // Both kinds are well represented, so the agreement means something.
    expect(valid).toBeGreaterThan(2_000);
    expect(valid).toBeLessThan(18_000);
  });

  it('agrees with it on any string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (value) => {
        expect(parseTimestamp(value)?.getTime() ?? null).toBe(referenceParseTimestamp(value)?.getTime() ?? null);
      }),
      { numRuns: 5_000 },
    );
  });

  it('agrees with it over the whole calendar, leap years and far years included', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), (y, mo, d) => {
        const value = `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}T23:59:59.999-23:59`;
        expect(parseTimestamp(value)?.getTime() ?? null).toBe(referenceParseTimestamp(value)?.getTime() ?? null);
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('UPSTREAM_STATUS', () => {
  it('uses the upstream spelling', () => {
    expect(UPSTREAM_STATUS.PROCESSING).toBe('Processing');
    expect(UPSTREAM_STATUS.SUCCEEDED).toBe('Succeded');
    expect(UPSTREAM_STATUS.FAILED).toBe('Failed');
  });
});
