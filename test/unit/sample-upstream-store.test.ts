import { describe, expect, it } from 'vitest';
import { parseAuditLogQuery } from '../../tools/sample-upstream/params.js';
import {
  SAMPLE_CUSTOMERS,
  SAMPLE_OPERATIONS,
  SAMPLE_RESELLERS,
  SEED_WINDOW_MS,
  generateSeedLogs,
} from '../../tools/sample-upstream/seed.js';
import { createSampleStore, paginate, selectPage, toEntry, fillLog } from '../../tools/sample-upstream/store.js';
import type { SampleLog, SampleQuery } from '../../tools/sample-upstream/types.js';

const NOW = new Date('2026-11-20T10:15:30.123Z');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const KEYS = ['id', 'timestamp', 'operation', 'status', 'resellerId', 'resellerName', 'customerId', 'customerName', 'userName', 'correlationId', 'details'];

function q(input: Record<string, string> = {}): SampleQuery {
  const result = parseAuditLogQuery(input, NOW.getTime());
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.query;
}

function isNewestFirst(logs: readonly SampleLog[]): boolean {
  return logs.every((log, i) => {
    const next = logs[i + 1];
    if (!next) return true;
    const diff = Date.parse(log.timestamp) - Date.parse(next.timestamp);
    return diff > 0 || (diff === 0 && log.id > next.id);
  });
}

describe('generateSeedLogs', () => {
  const logs = generateSeedLogs({ now: NOW });

  it('is deterministic for the same inputs and differs for another seed', () => {
    expect(generateSeedLogs({ now: NOW })).toEqual(logs);
    expect(generateSeedLogs({ now: NOW, seed: 7 })[0]).not.toEqual(logs[0]);
  });

  it('makes 5000 logs of the documented shape by default', () => {
    expect(logs).toHaveLength(5000);
    for (const log of logs.slice(0, 200)) {
      expect(Object.keys(log)).toEqual(KEYS);
      expect(log.id).toMatch(UUID);
      expect(log.correlationId).toMatch(UUID);
      expect(log.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(log.details).toMatch(/\S/);
    }
  });

  it('spreads logs over the 30 days before now, newest first, ids unique', () => {
    const times = logs.map((l) => Date.parse(l.timestamp));
    expect(Math.max(...times)).toBeLessThan(NOW.getTime());
    expect(Math.min(...times)).toBeGreaterThan(NOW.getTime() - SEED_WINDOW_MS);
    expect(isNewestFirst(logs)).toBe(true);
    expect(new Set(logs.map((l) => l.id)).size).toBe(logs.length);
  });

  it('covers every status (mostly Succeded), operation, reseller and customer consistently', () => {
    const count = (status: string) => logs.filter((l) => l.status === status).length;
    expect(count('Succeded')).toBeGreaterThan(logs.length * 0.7);
    expect(count('Failed')).toBeGreaterThan(0);
    expect(count('Processing')).toBeGreaterThan(0);
    expect(count('Succeded') + count('Failed') + count('Processing')).toBe(logs.length);
    expect(new Set(logs.map((l) => l.operation))).toEqual(new Set(SAMPLE_OPERATIONS));
    expect(new Set(logs.map((l) => l.resellerName))).toEqual(new Set(SAMPLE_RESELLERS.map((r) => r.name)));
    expect(new Set(logs.map((l) => l.customerId)).size).toBe(SAMPLE_CUSTOMERS.length);
    for (const log of logs) {
      const customer = SAMPLE_CUSTOMERS.find((c) => c.id === log.customerId);
      expect(customer?.name).toBe(log.customerName);
      expect(customer?.resellerId).toBe(log.resellerId);
    }
  });

  it('honours count', () => {
    expect(generateSeedLogs({ now: NOW, count: 3 })).toHaveLength(3);
    expect(generateSeedLogs({ now: NOW, count: 0 })).toEqual([]);
  });
});

describe('selectPage and paginate (pure)', () => {
  const logs = generateSeedLogs({ now: NOW, count: 600 });
  const entries = logs.map((l) => toEntry({ ...l }));

  it('pages the unfiltered window in order', () => {
    const first = selectPage(entries, q({ PageSize: '25' }));
    expect(first.totalCount).toBe(logs.filter((l) => Date.parse(l.timestamp) >= q().startMs).length);
    expect(first.page.map((e) => e.id)).toEqual(logs.slice(0, 25).map((l) => l.id));
    const third = selectPage(entries, q({ PageSize: '25', PageNumber: '3' }));
    expect(third.page.map((e) => e.id)).toEqual(logs.slice(50, 75).map((l) => l.id));
  });

  it('returns an empty page past the end, with the total intact', () => {
    const result = selectPage(entries, q({ PageSize: '2000', PageNumber: '2' }));
    expect(result.page).toEqual([]);
    expect(result.totalCount).toBeGreaterThan(0);
  });

  it('filters in one pass and pages the matches', () => {
    const query = q({ Status: 'failed', PageSize: '5', PageNumber: '2', StartDate: '2026-10-01' });
    const expected = logs.filter((l) => l.status === 'Failed');
    const result = selectPage(entries, query);
    expect(result.totalCount).toBe(expected.length);
    expect(result.page.map((e) => e.id)).toEqual(expected.slice(5, 10).map((l) => l.id));
  });

  it.each([
    [{ Operations: 'createorder|CancelSubscription' }, (l: SampleLog) => l.operation === 'CreateOrder' || l.operation === 'CancelSubscription'],
    [{ Operations: 'Create' }, () => false],
    [{ Reseller: 'contoso' }, (l: SampleLog) => l.resellerName === 'Contoso Reseller'],
    [{ Reseller: 'TRADERS' }, (l: SampleLog) => l.resellerName === 'Northwind Traders'],
    [{ Customer: 'ltd' }, (l: SampleLog) => l.customerName === 'Fabrikam Ltd'],
    [{ resellerId: SAMPLE_RESELLERS[2]!.id.toUpperCase() }, (l: SampleLog) => l.resellerId === SAMPLE_RESELLERS[2]!.id],
    [{ Status: 'Processing', Reseller: 'o' }, (l: SampleLog) => l.status === 'Processing' && /o/i.test(l.resellerName!)],
  ])('filter %j', (input, predicate) => {
    const result = selectPage(entries, q({ ...input, PageSize: '2000', StartDate: '2026-01-01' }));
    const expected = logs.filter(predicate);
    expect(result.totalCount).toBe(expected.length);
    expect(result.page.map((e) => e.id)).toEqual(expected.map((l) => l.id));
  });

  it('includes both ends of the date window', () => {
    const [a, b, c] = [logs[10]!, logs[11]!, logs[12]!];
    const result = selectPage(entries, q({ StartDate: c.timestamp, EndDate: a.timestamp, PageSize: '10' }));
    expect(result.page.map((e) => e.id)).toEqual([a.id, b.id, c.id]);
    const inverted = selectPage(entries, q({ StartDate: a.timestamp, EndDate: c.timestamp }));
    expect(inverted).toEqual({ page: [], totalCount: 0 });
  });

  it('paginate follows PagedList semantics', () => {
    expect(paginate(0, 1, 25)).toEqual({ totalPages: 0, totalCount: 0, hasPreviousPage: false, hasNextPage: false });
    expect(paginate(50, 1, 25)).toEqual({ totalPages: 2, totalCount: 50, hasPreviousPage: false, hasNextPage: true });
    expect(paginate(51, 2, 25)).toEqual({ totalPages: 3, totalCount: 51, hasPreviousPage: true, hasNextPage: true });
    expect(paginate(51, 3, 25)).toEqual({ totalPages: 3, totalCount: 51, hasPreviousPage: true, hasNextPage: false });
    expect(paginate(51, 9, 25)).toEqual({ totalPages: 3, totalCount: 51, hasPreviousPage: true, hasNextPage: false });
  });
});

describe('createSampleStore', () => {
  it('keeps logs newest first, ties broken by id descending', () => {
    const ts = '2026-11-19T00:00:00.000Z';
    const store = createSampleStore({
      logs: [
        { id: 'b0000000-0000-4000-8000-000000000000', timestamp: ts },
        { id: 'a0000000-0000-4000-8000-000000000000', timestamp: '2026-11-19T00:00:00.001Z' },
      ],
    });
    store.insert({ id: 'c0000000-0000-4000-8000-000000000000', timestamp: ts });
    store.insert({ id: '00000000-0000-4000-8000-000000000000', timestamp: ts });
    expect(store.all().map((l) => l.id[0])).toEqual(['a', 'c', 'b', '0']);
  });

  it('fills missing fields, defaulting the timestamp to the clock, and keeps extra keys', () => {
    const store = createSampleStore({ clock: () => NOW.getTime() });
    const log = store.insert({ operation: 'CustomThing', extra: { nested: true } });
    expect(log).toMatchObject({ timestamp: NOW.toISOString(), operation: 'CustomThing', status: 'Succeded', extra: { nested: true } });
    expect(Object.keys(log).slice(0, KEYS.length)).toEqual(KEYS);
    expect(log.id).toMatch(UUID);
    expect(Object.isFrozen(log)).toBe(true);
    expect(store.size).toBe(1);
  });

  it('names the reseller of a known customer', () => {
    const customer = SAMPLE_CUSTOMERS[5]!;
    const log = fillLog({ customerId: customer.id }, NOW.getTime());
    expect(log.customerName).toBe(customer.name);
    expect(log.resellerId).toBe(customer.resellerId);
  });

  it('rejects duplicate ids and bad timestamps', () => {
    const store = createSampleStore();
    const log = store.insert({});
    expect(() => store.insert({ id: log.id })).toThrow(/already stored/);
    expect(() => store.insert({ timestamp: 'yesterday' })).toThrow(/timestamp/);
  });

  it('query and queryJson agree with the documented 200 body', () => {
    const store = createSampleStore({ logs: generateSeedLogs({ now: NOW, count: 40 }) });
    const query = q({ PageSize: '10', PageNumber: '2' });
    const page = store.query(query);
    expect(JSON.parse(store.queryJson(query))).toEqual({ ...page, continuationToken: null });
    expect(page.paginationParameters).toEqual({ totalPages: 4, totalCount: 40, hasPreviousPage: true, hasNextPage: true });
  });

  // Its speed (the benchmark's upstream must be far faster than the gateway) is measured by `npm run bench:micro`.
  it('serves 25-item pages from 5000 logs, filtered and paged, the same on every call', () => {
    const store = createSampleStore({ logs: generateSeedLogs({ now: NOW }) });
    const queries = [q(), q({ Status: 'Failed' }), q({ Reseller: 'contoso', PageNumber: '3' })];
    for (const query of queries) {
      const page = JSON.parse(store.queryJson(query)) as { items: SampleLog[]; paginationParameters: { totalCount: number } };
      expect(page.items).toHaveLength(25);
      expect(page.paginationParameters.totalCount).toBeGreaterThan(75);
      expect(store.queryJson(query)).toBe(JSON.stringify(page)); // repeatable: cached or not, the same text
    }
    const failed = JSON.parse(store.queryJson(queries[1]!)) as { items: SampleLog[] };
    expect(failed.items.every((log) => log.status === 'Failed')).toBe(true);
    const contoso = JSON.parse(store.queryJson(queries[2]!)) as { items: SampleLog[] };
    expect(contoso.items.every((log) => log.resellerName?.toLowerCase().includes('contoso'))).toBe(true);
  });
});

describe('createSampleStore under change', () => {
  const base = '2026-11-20T10:15:30.123';
  const at = (suffix: string) => `${base}${suffix}Z`;

  it('keeps 7-digit timestamps as written and orders and bounds them to the tick', () => {
    const store = createSampleStore({
      logs: [
        { id: 'a', timestamp: at('') },
        { id: 'b', timestamp: at('4567') },
        { id: 'c', timestamp: at('4568') },
        { id: 'd', timestamp: at('4567') },
        { id: 'e', timestamp: '2026-11-20T10:15:30.124Z' },
      ],
    });
    expect(store.all().map((log) => log.id)).toEqual(['e', 'c', 'd', 'b', 'a']);
    expect(store.all()[1]!.timestamp).toBe(at('4568'));
    const ids = (start: string, end: string) =>
      store.query({ ...q({ StartDate: start, EndDate: end }), pageSize: 100 }).items.map((log) => log.id);
    expect(ids(at(''), at('4567'))).toEqual(['d', 'b', 'a']);
    expect(ids(at('4567'), at('4567'))).toEqual(['d', 'b']);
    expect(ids(at('4567'), at('4568'))).toEqual(['c', 'd', 'b']);
    expect(ids(at('4568'), '2026-11-20T10:15:30.124Z')).toEqual(['e', 'c']);
    expect(ids(at('0001'), at('4566'))).toEqual([]);
    expect(ids(at('4569'), at('4567'))).toEqual([]);
  });

  it('deletes logs and changes them in place or, for a new timestamp, in order', () => {
    const store = createSampleStore({
      logs: [
        { id: 'a', timestamp: at(''), status: 'Processing' },
        { id: 'b', timestamp: at('5'), status: 'Processing' },
        { id: 'c', timestamp: at('9'), status: 'Processing' },
      ],
    });
    expect(store.update('b', { status: 'Succeded' })?.status).toBe('Succeded');
    expect(store.query({ ...q({ StartDate: at(''), EndDate: at('9'), Status: 'Processing' }) }).items.map((l) => l.id)).toEqual(['c', 'a']);
    store.update('a', { timestamp: at('99') });
    expect(store.all().map((log) => log.id)).toEqual(['a', 'c', 'b']);
    expect(store.update('missing', { status: 'Failed' })).toBeUndefined();
    expect(store.delete(['c', 'missing'])).toBe(1);
    expect(store.all().map((log) => log.id)).toEqual(['a', 'b']);
    expect(store.size).toBe(2);
    store.insert({ id: 'c', timestamp: at('') });
    expect(store.size).toBe(3);
  });
});
