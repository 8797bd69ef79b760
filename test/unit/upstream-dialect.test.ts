import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { replayDirectory } from '../../tools/replay/url.js';
import { decodeUpstreamPage, toUpstreamQuery } from '../../src/upstream/dialect.js';
import { DOCUMENTED_DIALECT, parseFieldMap, parseStatusMap } from '../../src/model/dialect.js';
import { buildSearchParams } from '../../src/upstream/query.js';
import { dialectOf } from '../../src/upstream/index.js';
import { formatInstant, parseInstant, shiftInstant, shiftTimestamp } from '../../src/model/instant.js';

describe('instants at tick precision', () => {
  it('reads and writes 7 fractional digits exactly', () => {
    expect(parseInstant('2026-11-20T10:15:30.1234567Z')).toEqual({ ms: Date.parse('2026-11-20T10:15:30.123Z'), ns: 456_700 });
    expect(formatInstant(parseInstant('2026-11-20T10:15:30.1234567Z')!)).toBe('2026-11-20T10:15:30.1234567Z');
    expect(parseInstant('2026-11-20T11:15:30.5+01:00')).toEqual({ ms: Date.parse('2026-11-20T10:15:30.500Z'), ns: 0 });
    expect(parseInstant('not a date')).toBeNull();
  });

  it('moves by one tick across millisecond and second boundaries', () => {
    expect(shiftTimestamp('2026-11-20T10:15:30.123Z', 1)).toBe('2026-11-20T10:15:30.1230001Z');
    expect(shiftTimestamp('2026-11-20T10:15:30.000Z', -1)).toBe('2026-11-20T10:15:29.9999999Z');
    expect(shiftTimestamp('2026-11-20T10:15:30.1239999Z', 1)).toBe('2026-11-20T10:15:30.1240000Z');
    expect(formatInstant(shiftInstant({ ms: 0, ns: 0 }, -10_001))).toBe('1969-12-31T23:59:59.9989999Z');
  });
});

describe('the dialect', () => {
  const query = { startDate: '2026-11-01T00:00:00.000Z', endDate: '2026-11-20T10:15:30.123Z', status: 'Failed' as const };

  it('leaves the query alone for the documented upstream', () => {
    expect(toUpstreamQuery(query, DOCUMENTED_DIALECT)).toBe(query);
    expect(buildSearchParams(query, { pageNumber: 1, pageSize: 5 })).toContain('EndDate=2026-11-20T10%3A15%3A30.123Z');
  });

  it('widens exclusive bounds by one tick and spells the status the upstream way, in every window built', () => {
    const dialect = { ...DOCUMENTED_DIALECT, startDateExclusive: true, endDateExclusive: true, statusMap: { FAILED: ['Error', 'Fault'] } };
    expect(buildSearchParams(query, { pageNumber: 2, pageSize: 5 }, dialect)).toBe(
      'PageNumber=2&PageSize=5&StartDate=2026-10-31T23%3A59%3A59.9999999Z&EndDate=2026-11-20T10%3A15%3A30.1230001Z&Status=Error',
    );
  });

  it('reads renamed keys and other spellings, and keeps raw as received', () => {
    const dialect = { ...DOCUMENTED_DIALECT, fieldMap: { timestamp: 'createdAt', operation: 'action' }, statusMap: { SUCCEEDED: ['Success'] } };
    const item = { id: 'a', createdAt: '2026-11-20T10:15:30.123Z', action: 'CreateOrder', status: 'Success' };
    const page = decodeUpstreamPage({ items: [item], paginationParameters: { totalCount: 1 } }, dialect);
    expect(page.items[0]).toMatchObject({ auditLogId: 'a', operation: 'CreateOrder', status: 'SUCCEEDED' });
    expect(page.items[0]!.timestamp.toISOString()).toBe('2026-11-20T10:15:30.123Z');
    expect(page.items[0]!.raw).toBe(item);
  });

  it('parses the settings and names a bad entry', () => {
    expect(parseFieldMap(' timestamp:createdAt , operation:action ')).toEqual({ timestamp: 'createdAt', operation: 'action' });
    expect(() => parseFieldMap('when:createdAt')).toThrow(/not one of/);
    expect(() => parseFieldMap('timestamp')).toThrow(/ourKey:theirKey/);
    expect(parseStatusMap('succeeded:Success|Ok,FAILED:Error')).toEqual({ SUCCEEDED: ['Success', 'Ok'], FAILED: ['Error'] });
    expect(() => parseStatusMap('DONE:Success')).toThrow(/STATUS:Spelling/);
  });
});

describe('the settings in the configuration', () => {
  it('are read into the dialect, and replay: is a valid UPSTREAM_URL', () => {
    const config = loadConfig({
      UPSTREAM_URL: 'replay:recordings/sample',
      UPSTREAM_END_DATE_EXCLUSIVE: 'true',
      UPSTREAM_FIELD_MAP: 'timestamp:createdAt',
      UPSTREAM_STATUS_MAP: 'FAILED:Error',
      UPSTREAM_KEY_CASE: 'pascal',
    });
    expect(dialectOf(config)).toEqual({
      startDateExclusive: false,
      endDateExclusive: true,
      fieldMap: { timestamp: 'createdAt' },
      statusMap: { FAILED: ['Error'] },
      keyCase: 'pascal',
    });
    expect(replayDirectory(config.upstreamUrl)).toBe('recordings/sample');
    expect(dialectOf(loadConfig({}))).toEqual(DOCUMENTED_DIALECT);
  });

  it('reject a bad map with the setting named', () => {
    expect(() => loadConfig({ UPSTREAM_FIELD_MAP: 'when:createdAt' })).toThrow(ConfigError);
    expect(() => loadConfig({ UPSTREAM_STATUS_MAP: 'x' })).toThrow(/UPSTREAM_STATUS_MAP must be/);
    expect(() => loadConfig({ UPSTREAM_URL: 'replay:' })).toThrow(/UPSTREAM_URL/);
  });
});
