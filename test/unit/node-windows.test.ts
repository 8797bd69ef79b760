import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditLogNodeKey } from '../../src/nodes/node-id.js';
import {
  DEFAULT_MAX_MERGED_SPAN_MS,
  planNodeWindows,
  settleWindowPage,
  windowAround,
  type NodeWindowRequest,
} from '../../src/nodes/node-windows.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-01T00:00:00.000Z');

interface Item {
  auditLogId: string;
  timestamp: Date;
}

const item = (auditLogId: string, ms: number): Item => ({ auditLogId, timestamp: new Date(ms) });
const keyOf = (i: Item): AuditLogNodeKey => ({ timestampMs: i.timestamp.getTime(), auditLogId: i.auditLogId });

/** The upstream's order: newest first, ties by id, descending. */
const newestFirst = (a: Item, b: Item) =>
  b.timestamp.getTime() - a.timestamp.getTime() || (a.auditLogId < b.auditLogId ? 1 : a.auditLogId > b.auditLogId ? -1 : 0);

/** One page of a window, as the upstream answers it (StartDate and EndDate inclusive). */
const answer = (store: readonly Item[], request: NodeWindowRequest, pageSize: number) => {
  const matching = store
    .filter((i) => i.timestamp.getTime() >= request.window.start && i.timestamp.getTime() <= request.window.end)
    .sort(newestFirst);
  const from = (request.pageNumber - 1) * pageSize;
  return { items: matching.slice(from, from + pageSize), totalCount: matching.length };
};

/** The node loader's loop, with the upstream simulated: what each key resolves to, and how many calls it took. */
const lookUp = (store: readonly Item[], keys: readonly AuditLogNodeKey[], pageSize: number, maxSpanMs?: number) => {
  const results = new Map<string, Item | null>();
  let requests = planNodeWindows(keys, maxSpanMs);
  let calls = 0;
  let rounds = 0;
  while (requests.length > 0) {
    rounds++;
    if (rounds > 200) throw new Error('did not terminate');
    requests = requests.flatMap((request) => {
      calls++;
      const settled = settleWindowPage(request, answer(store, request, pageSize), pageSize);
      for (const { key, item: found } of settled.found) results.set(`${key.timestampMs}:${key.auditLogId}`, found);
      for (const key of settled.absent) results.set(`${key.timestampMs}:${key.auditLogId}`, null);
      return settled.next;
    });
  }
  return { results, calls, rounds };
};

describe('windowAround', () => {
  it('is the whole second around the timestamp, both ends inclusive', () => {
    expect(windowAround(T0 + 1_234)).toEqual({ start: T0 + 1_000, end: T0 + 2_000 });
    expect(windowAround(T0)).toEqual({ start: T0, end: T0 + 1_000 });
  });
});

describe('planNodeWindows', () => {
  it('makes one window for ids within the same hour and one per far-apart id', () => {
    const sameHour = [0, 5, 59].map((minutes, i) => ({ timestampMs: T0 + minutes * 60_000, auditLogId: `a${i}` }));
    const farApart = [0, 3, 9].map((hours, i) => ({ timestampMs: T0 + 24 * HOUR + hours * HOUR, auditLogId: `b${i}` }));
    const windows = planNodeWindows([...farApart, ...sameHour]);
    expect(windows).toHaveLength(4);
    expect(windows[0]!.keys.map((k) => k.auditLogId)).toEqual(['a0', 'a1', 'a2']);
    expect(windows[0]!.window).toEqual({ start: T0, end: T0 + 59 * 60_000 + 1_000 });
  });

  it('puts every key in exactly one window that covers its own second, within the span limit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ timestampMs: fc.integer({ min: T0, max: T0 + 30 * 24 * HOUR }), auditLogId: fc.uuid() }), { maxLength: 60 }),
        fc.constantFrom(0, 1_000, 60_000, DEFAULT_MAX_MERGED_SPAN_MS),
        (keys, maxSpan) => {
          const windows = planNodeWindows(keys, maxSpan);
          expect(windows.flatMap((w) => w.keys)).toHaveLength(keys.length);
          for (const request of windows) {
            expect(request.pageNumber).toBe(1);
            expect(request.window.end - request.window.start).toBeLessThanOrEqual(Math.max(maxSpan, 1_000));
            for (const key of request.keys) {
              const around = windowAround(key.timestampMs);
              expect(request.window.start).toBeLessThanOrEqual(around.start);
              expect(request.window.end).toBeGreaterThanOrEqual(around.end);
            }
          }
          // Keys of one second always share a window, so there are never more windows than seconds.
          const seconds = new Set(keys.map((k) => windowAround(k.timestampMs).start));
          expect(windows.length).toBeLessThanOrEqual(seconds.size);
        },
      ),
    );
  });

  it('merges nothing but keys of the same second when the span limit is 0', () => {
    const keys = [T0 + 100, T0 + 900, T0 + 1_000, T0 + 5_000].map((timestampMs, i) => ({ timestampMs, auditLogId: `k${i}` }));
    expect(planNodeWindows(keys, 0).map((w) => w.keys.length)).toEqual([2, 1, 1]);
  });
});

describe('settleWindowPage', () => {
  it('matches by upstream id and timestamp among tied timestamps, and settles the rest as absent', () => {
    const store = [item('b', T0 + 10), item('a', T0 + 10), item('c', T0 + 10)];
    const keys = [keyOf(store[1]!), { timestampMs: T0 + 10, auditLogId: 'gone' }, { timestampMs: T0 + 11, auditLogId: 'c' }];
    const [request] = planNodeWindows(keys);
    const settled = settleWindowPage(request!, answer(store, request!, 2000), 2000);
    expect(settled.found.map((f) => f.item)).toEqual([store[1]]);
    // 'c' exists, but not at that timestamp: the id asked for is not its id.
    expect(settled.absent.map((k) => k.auditLogId).sort()).toEqual(['c', 'gone']);
    expect(settled.next).toEqual([]);
  });

  it('narrows a window that held more than a page, and pages through a second that did', () => {
    // 10 items over 10 s, page size 3: the first page covers only the newest seconds.
    const store = Array.from({ length: 10 }, (_, i) => item(`s${i}`, T0 + i * 1_000 + 500));
    const keys = [keyOf(store[0]!), keyOf(store[9]!)];
    const { results, calls } = lookUp(store, keys, 3);
    expect(results.get(`${T0 + 500}:s0`)).toBe(store[0]);
    expect(results.get(`${T0 + 9_500}:s9`)).toBe(store[9]);
    expect(calls).toBe(2);

    // Five items tied in one millisecond, page size 2: the oldest needs page 3 of that second.
    const tied = ['e', 'd', 'c', 'b', 'a'].map((id) => item(id, T0 + 42));
    const deep = lookUp(tied, [keyOf(tied[4]!)], 2);
    expect(deep.results.get(`${T0 + 42}:a`)).toBe(tied[4]);
    expect(deep.calls).toBe(3);
  });

  it('finds every existing item and nothing else, whatever the density, ties and page size', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({ ms: fc.integer({ min: T0, max: T0 + 6 * HOUR }), id: fc.string({ minLength: 1, maxLength: 4 }) }),
          { selector: (r) => r.id, maxLength: 80 },
        ),
        fc.array(fc.record({ ms: fc.integer({ min: T0, max: T0 + 6 * HOUR }), id: fc.string({ minLength: 1, maxLength: 4 }) }), {
          maxLength: 10,
        }),
        fc.integer({ min: 0, max: 80 }),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom(0, 60_000, DEFAULT_MAX_MERGED_SPAN_MS, 24 * HOUR),
        (records, strangers, pick, pageSize, maxSpan) => {
          // Clustered timestamps make dense windows and ties.
          const store = records.map((r, i) => item(r.id, i % 3 === 0 ? T0 + 7 : r.ms));
          const wanted = store.slice(0, pick).map(keyOf);
          const missing = strangers.map((s) => ({ timestampMs: s.ms, auditLogId: `x${s.id}` }));
          const { results } = lookUp(store, [...wanted, ...missing], pageSize, maxSpan);
          for (const key of wanted) {
            const found = results.get(`${key.timestampMs}:${key.auditLogId}`);
            expect(found && keyOf(found)).toEqual(key);
          }
          for (const key of missing) expect(results.get(`${key.timestampMs}:${key.auditLogId}`)).toBeNull();
        },
      ),
    );
  });

  it('costs one call per window when every window fits one page', () => {
    const store = Array.from({ length: 200 }, (_, i) => item(`i${i}`, T0 + i * 3 * 60_000));
    const keys = [store[0]!, store[5]!, store[19]!, store[100]!, store[150]!].map(keyOf);
    const { calls } = lookUp(store, keys, 2000);
    expect(calls).toBe(planNodeWindows(keys).length);
    expect(calls).toBe(3);
  });
});
