import { describe, expect, it } from 'vitest';
import { auditLogsPath, buildSearchParams } from '../../src/upstream/query.js';
import type { AuditLogQuery } from '../../src/model/audit-log.js';

const base: AuditLogQuery = { startDate: '2026-10-20T10:15:30.123Z', endDate: '2026-11-20T10:15:30.123Z' };
const window = { pageNumber: 2, pageSize: 50 };

function parse(qs: string): [string, string][] {
  return qs.split('&').map((part) => {
    const [name, value = ''] = part.split('=');
    return [name!, decodeURIComponent(value)];
  });
}

describe('buildSearchParams', () => {
  it('sends the window and both dates, and nothing else, when no filter is set', () => {
    expect(buildSearchParams(base, window)).toBe(
      'PageNumber=2&PageSize=50&StartDate=2026-10-20T10%3A15%3A30.123Z&EndDate=2026-11-20T10%3A15%3A30.123Z',
    );
  });

  it('sends every field under its upstream name, in a fixed order', () => {
    const qs = buildSearchParams(
      {
        ...base,
        operations: 'CreateOrder|CreateCustomer',
        status: 'Succeded',
        reseller: 'Contoso',
        customer: 'Fabrikam',
        resellerId: '1c9e6a0e-6a43-4c1e-9d1a-2f0d6b1c7e55',
      },
      window,
    );
    expect(parse(qs)).toEqual([
      ['PageNumber', '2'],
      ['PageSize', '50'],
      ['StartDate', base.startDate],
      ['EndDate', base.endDate],
      ['Operations', 'CreateOrder|CreateCustomer'],
      ['Status', 'Succeded'],
      ['Reseller', 'Contoso'],
      ['Customer', 'Fabrikam'],
      ['resellerId', '1c9e6a0e-6a43-4c1e-9d1a-2f0d6b1c7e55'],
    ]);
  });

  it('gives the same string whatever order the query object was built in', () => {
    const a = buildSearchParams({ customer: 'x', reseller: 'y', ...base }, window);
    const b = buildSearchParams({ ...base, reseller: 'y', customer: 'x' }, window);
    expect(a).toBe(b);
  });

  it('encodes |, spaces, reserved characters and unicode', () => {
    const qs = buildSearchParams(
      { ...base, operations: 'A|B', reseller: 'Contoso & Sons Ltd', customer: 'Zürich ☃ 東京 +=#?/%' },
      window,
    );
    expect(qs).toContain('Operations=A%7CB');
    expect(qs).toContain('Reseller=Contoso%20%26%20Sons%20Ltd');
    expect(qs).toContain('Customer=Z%C3%BCrich%20%E2%98%83%20%E6%9D%B1%E4%BA%AC%20%2B%3D%23%3F%2F%25');
    expect(qs).not.toMatch(/[ |+#?]/);
    expect(new URLSearchParams(qs).get('Customer')).toBe('Zürich ☃ 東京 +=#?/%');
  });

  it('turns a lone surrogate into U+FFFD instead of throwing', () => {
    const qs = buildSearchParams({ ...base, reseller: 'a\uD800b' }, window);
    expect(qs).toContain('Reseller=a%EF%BF%BDb');
  });

  it('omits optional filters that are undefined, null or empty', () => {
    const qs = buildSearchParams(
      { ...base, operations: '', reseller: undefined, customer: null as unknown as string, resellerId: '' },
      window,
    );
    expect(parse(qs).map(([name]) => name)).toEqual(['PageNumber', 'PageSize', 'StartDate', 'EndDate']);
  });

  it.each([
    [{ pageNumber: 0, pageSize: 25 }],
    [{ pageNumber: 1, pageSize: 0 }],
    [{ pageNumber: 1.5, pageSize: 25 }],
    [{ pageNumber: 1, pageSize: Number.NaN }],
  ])('rejects a window that is not two positive integers: %j', (bad) => {
    expect(() => buildSearchParams(base, bad)).toThrow(RangeError);
  });
});

describe('auditLogsPath', () => {
  it.each([
    ['https://api.cloudcockpit.com', '/v1/AuditLogs'],
    ['https://api.cloudcockpit.com/', '/v1/AuditLogs'],
    ['https://host/api', '/api/v1/AuditLogs'],
    ['https://host/api/', '/api/v1/AuditLogs'],
    ['http://127.0.0.1:8080/a/b//', '/a/b/v1/AuditLogs'],
    ['https://host/api?x=1#frag', '/api/v1/AuditLogs'],
  ])('%s → %s', (url, path) => {
    expect(auditLogsPath(new URL(url))).toBe(path);
  });
});
