import { describe, expect, it } from 'vitest';
import { createSampleStore, generateSeedLogs, parseAuditLogQuery } from '../../tools/sample-upstream/index.js';
import { parseVariantNames, variantBody, variantParams } from '../../tools/sample-upstream/variants.js';

const NOW = new Date('2026-11-20T12:00:00.000Z');

describe('the precise seed', () => {
  const logs = generateSeedLogs({ now: NOW, count: 1000, precise: true });

  it('has logs sharing one timestamp and logs with 7 fractional digits, newest first at full precision', () => {
    const counts = new Map<string, number>();
    for (const log of logs) counts.set(log.timestamp, (counts.get(log.timestamp) ?? 0) + 1);
    expect([...counts.values()].filter((n) => n >= 2).length).toBeGreaterThan(10);
    expect(logs.filter((log) => /\.\d{7}Z$/.test(log.timestamp)).length).toBeGreaterThan(50);
    expect(generateSeedLogs({ now: NOW, count: 1000 }).every((log) => log.timestamp.length === 24)).toBe(true);
  });
});

describe('the store at full precision', () => {
  const at = '2026-11-20T10:00:00.1234567Z';
  const store = createSampleStore({ logs: [{ id: 'x', timestamp: at }, { id: 'y', timestamp: '2026-11-20T10:00:00.123Z' }] });
  const ids = (start: string, end: string) => {
    const parsed = parseAuditLogQuery({ StartDate: start, EndDate: end }, NOW.getTime());
    if (!parsed.ok) throw new Error('bad query');
    return store.query(parsed.query).items.map((log) => log.id);
  };

  it('takes both bounds as inclusive to the tick', () => {
    expect(ids(at, at)).toEqual(['x']);
    expect(ids('2026-11-20T09:00:00Z', '2026-11-20T10:00:00.1234566Z')).toEqual(['y']);
    expect(ids('2026-11-20T10:00:00.1234568Z', '2026-11-20T11:00:00Z')).toEqual([]);
    expect(ids('2026-11-20T10:00:00.123Z', '2026-11-20T11:00:00Z')).toEqual(['x', 'y']);
  });
});

describe('the variants', () => {
  it('turn an exclusive bound into the inclusive one a tick further in, and cap PageSize', () => {
    const variant = parseVariantNames('end-exclusive,page-size-cap');
    const params = variantParams(new URLSearchParams('EndDate=2026-11-20T10:00:00.123Z&PageSize=20'), variant) as URLSearchParams;
    expect(params.get('EndDate')).toBe('2026-11-20T10:00:00.1229999Z');
    expect(variantParams(new URLSearchParams('PageSize=1001'), variant)).toEqual([{ field: 'PageSize', message: 'PageSize must be between 1 and 1000.' }]);
    expect(() => parseVariantNames('nope')).toThrow(/unknown sample variant/);
  });

  it('accept their own status spellings and refuse the documented ones they replaced', () => {
    const variant = parseVariantNames('status-spellings');
    expect((variantParams(new URLSearchParams('Status=error'), variant) as URLSearchParams).get('Status')).toBe('Failed');
    expect(Array.isArray(variantParams(new URLSearchParams('Status=Failed'), variant))).toBe(true);
  });

  it('serve renamed, PascalCase and re-ordered ties', () => {
    const body = JSON.stringify({
      items: [
        { id: 'a', timestamp: 't1', status: 'Failed' },
        { id: 'b', timestamp: 't1', status: 'Failed' },
      ],
      paginationParameters: { totalCount: 2 },
    });
    const served = JSON.parse(variantBody(body, { ...parseVariantNames('renamed-fields,pascal-case,status-spellings') }, 0));
    expect(served.Items[0]).toEqual({ Id: 'a', CreatedAt: 't1', Status: 'Error' });
    expect(served.PaginationParameters).toEqual({ TotalCount: 2 });
    const order = (call: number) => JSON.parse(variantBody(body, parseVariantNames('shuffled-ties'), call)).items.map((i: { id: string }) => i.id);
    expect(order(0)).not.toEqual(order(1));
  });
});
