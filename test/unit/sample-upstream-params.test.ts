import { describe, expect, it } from 'vitest';
import {
  normalizeUuid,
  oneMonthBefore,
  parseAuditLogQuery,
  parseDateTime,
  parseOperations,
} from '../../tools/sample-upstream/params.js';
import type { SampleQuery } from '../../tools/sample-upstream/types.js';

const NOW = Date.parse('2026-11-20T10:15:30.123Z');

function ok(input: Record<string, string>): SampleQuery {
  const result = parseAuditLogQuery(input, NOW);
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.errors)}`);
  return result.query;
}

function fieldsOf(input: Record<string, string>): string[] {
  const result = parseAuditLogQuery(input, NOW);
  if (result.ok) throw new Error('expected a validation failure');
  return result.errors.map((e) => e.field);
}

describe('parseAuditLogQuery defaults', () => {
  it('uses page 1 of 25, one calendar month back to now', () => {
    expect(ok({})).toEqual({
      pageNumber: 1,
      pageSize: 25,
      startMs: Date.parse('2026-10-20T10:15:30.123Z'),
      endMs: NOW,
    });
  });

  it('treats empty values as absent', () => {
    expect(ok({ PageNumber: '', PageSize: '', StartDate: '', Status: '', Reseller: '', resellerId: '' })).toEqual(ok({}));
  });

  it('accepts URLSearchParams, first repeated value wins', () => {
    expect(parseAuditLogQuery(new URLSearchParams('PageSize=10&PageSize=20'), NOW)).toMatchObject({
      ok: true,
      query: { pageSize: 10 },
    });
  });
});

describe('parseAuditLogQuery values', () => {
  it('matches parameter names case-insensitively', () => {
    const query = ok({
      pagenumber: '3',
      PAGESIZE: '100',
      startdate: '2026-11-01T00:00:00Z',
      ENDDATE: '2026-11-02T00:00:00Z',
      operations: 'CreateOrder|cancelSubscription',
      STATUS: 'failed',
      reseller: 'Contoso',
      CUSTOMER: 'FABRIKAM',
      ResellerID: '1C9E4D2A-7B3F-4E8A-9C1D-2F5B6A7E8D90',
    });
    expect(query).toEqual({
      pageNumber: 3,
      pageSize: 100,
      startMs: Date.parse('2026-11-01T00:00:00Z'),
      endMs: Date.parse('2026-11-02T00:00:00Z'),
      operations: ['createorder', 'cancelsubscription'],
      status: 'failed',
      reseller: 'contoso',
      customer: 'fabrikam',
      resellerId: '1c9e4d2a-7b3f-4e8a-9c1d-2f5b6a7e8d90',
    });
  });

  it('accepts the page-size bounds 1 and 2000 and int32 max page number', () => {
    expect(ok({ PageSize: '1' }).pageSize).toBe(1);
    expect(ok({ PageSize: '2000' }).pageSize).toBe(2000);
    expect(ok({ PageNumber: '2147483647' }).pageNumber).toBe(2147483647);
    expect(ok({ PageNumber: ' +7 ' }).pageNumber).toBe(7);
  });

  it('accepts every documented status in any case', () => {
    expect(ok({ Status: 'Processing' }).status).toBe('processing');
    expect(ok({ Status: 'SUCCEDED' }).status).toBe('succeded');
    expect(ok({ Status: 'Failed' }).status).toBe('failed');
  });
});

describe('parseAuditLogQuery errors', () => {
  it.each([
    [{ PageNumber: '0' }, 'PageNumber'],
    [{ PageNumber: '-1' }, 'PageNumber'],
    [{ PageNumber: 'abc' }, 'PageNumber'],
    [{ PageNumber: '1.5' }, 'PageNumber'],
    [{ PageNumber: '2147483648' }, 'PageNumber'],
    [{ PageSize: '0' }, 'PageSize'],
    [{ PageSize: '2001' }, 'PageSize'],
    [{ PageSize: 'ten' }, 'PageSize'],
    [{ StartDate: 'yesterday' }, 'StartDate'],
    [{ StartDate: '2026-02-30T00:00:00Z' }, 'StartDate'],
    [{ EndDate: '2026-13-01' }, 'EndDate'],
    [{ EndDate: '2026-11-20T24:00:00Z' }, 'EndDate'],
    [{ Status: 'Succeeded' }, 'Status'],
    [{ Status: 'Done' }, 'Status'],
    [{ resellerId: 'not-a-uuid' }, 'resellerId'],
    [{ resellerId: '1c9e4d2a7b3f4e8a9c1d2f5b6a7e8d9' }, 'resellerId'],
  ])('%j is a 400 on %s', (input, field) => {
    expect(fieldsOf(input)).toEqual([field]);
  });

  it('reports every invalid field, with a message', () => {
    const result = parseAuditLogQuery({ PageNumber: '0', PageSize: '2001', Status: 'x' }, NOW);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.field)).toEqual(['PageNumber', 'PageSize', 'Status']);
    for (const error of result.errors) expect(error.message).toMatch(/\S/);
  });
});

describe('parseDateTime', () => {
  it('reads UTC, offsets, date-only and offset-less (as UTC)', () => {
    expect(parseDateTime('2026-11-20T10:15:30.123Z')).toBe(Date.parse('2026-11-20T10:15:30.123Z'));
    expect(parseDateTime('2026-11-20T12:15:30.123+02:00')).toBe(Date.parse('2026-11-20T10:15:30.123Z'));
    expect(parseDateTime('2026-11-20T05:15:30-0500')).toBe(Date.parse('2026-11-20T10:15:30Z'));
    expect(parseDateTime('2026-11-20')).toBe(Date.parse('2026-11-20T00:00:00Z'));
    expect(parseDateTime('2026-11-20T10:15:30')).toBe(Date.parse('2026-11-20T10:15:30Z'));
    expect(parseDateTime('2026-11-20T10:15')).toBe(Date.parse('2026-11-20T10:15:00Z'));
    expect(parseDateTime('0001-01-01T00:00:00Z')).toBe(Date.parse('0001-01-01T00:00:00Z'));
  });

  it('rounds sub-millisecond digits so inclusive bounds stay exact', () => {
    expect(parseDateTime('2026-11-20T10:15:30.1234567Z', 'floor')).toBe(Date.parse('2026-11-20T10:15:30.123Z'));
    expect(parseDateTime('2026-11-20T10:15:30.1234567Z', 'ceil')).toBe(Date.parse('2026-11-20T10:15:30.124Z'));
    expect(parseDateTime('2026-11-20T10:15:30.1230000Z', 'ceil')).toBe(Date.parse('2026-11-20T10:15:30.123Z'));
  });

  it('rejects impossible dates and junk', () => {
    for (const bad of ['', 'now', '2026-2-1', '2025-02-29', '2026-11-20T10:60:00Z', '2026-11-20T10:15:30+15:00', '1732097730']) {
      expect(parseDateTime(bad), bad).toBeUndefined();
    }
    expect(parseDateTime('2024-02-29')).toBeDefined();
  });
});

describe('helpers', () => {
  it('oneMonthBefore clamps to the shorter month', () => {
    expect(oneMonthBefore(Date.parse('2026-03-31T08:00:00Z'))).toBe(Date.parse('2026-02-28T08:00:00Z'));
    expect(oneMonthBefore(Date.parse('2026-01-15T08:00:00Z'))).toBe(Date.parse('2025-12-15T08:00:00Z'));
  });

  it('parseOperations splits on | and drops empty segments', () => {
    expect(parseOperations('CreateOrder|CreateCustomer')).toEqual(['createorder', 'createcustomer']);
    expect(parseOperations('CreateOrder||')).toEqual(['createorder']);
    expect(parseOperations('|')).toBeUndefined();
    expect(parseOperations(undefined)).toBeUndefined();
  });

  it('normalizeUuid takes the D, N, B and P forms', () => {
    const d = '1c9e4d2a-7b3f-4e8a-9c1d-2f5b6a7e8d90';
    expect(normalizeUuid(d.toUpperCase())).toBe(d);
    expect(normalizeUuid(d.replaceAll('-', ''))).toBe(d);
    expect(normalizeUuid(`{${d}}`)).toBe(d);
    expect(normalizeUuid(`(${d})`)).toBe(d);
    expect(normalizeUuid(`{${d.replaceAll('-', '')}}`)).toBeUndefined();
    expect(normalizeUuid('1c9e4d2a-7b3f4-e8a-9c1d-2f5b6a7e8d90')).toBeUndefined();
    expect(normalizeUuid('zc9e4d2a-7b3f-4e8a-9c1d-2f5b6a7e8d90')).toBeUndefined();
  });
});
