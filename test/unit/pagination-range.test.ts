import { describe, expect, it } from 'vitest';
import { idDigest, type PlacedLog } from '../../src/model/placed-log.js';
import { compareInstants, parseInstant } from '../../src/model/instant.js';
import type { Boundary } from '../../src/pagination/cursor.js';
import { backwardBoundaries, forwardBoundaries } from '../../src/pagination/edges.js';
import {
  afterCut,
  backwardFollowUp,
  backwardWindow,
  beforeCut,
  forwardWindow,
  inRange,
  isEmptyRange,
  selectBackward,
  selectForward,
} from '../../src/pagination/range.js';

const T = '2026-11-20T10:15:30.1234567Z';
const log = (id: string, text = T): PlacedLog => ({
  record: { auditLogId: id } as PlacedLog['record'],
  text,
  instant: parseInstant(text)!,
  digest: idDigest(id),
});
const d = (...ids: string[]) => ids.map(idDigest);
const boundary = (side: Boundary['side'], ids: string[], otherSide = 0, timestamp = T): Boundary => ({ timestamp, side, ids: d(...ids), otherSide, newerCount: 0 });
const names = (logs: readonly PlacedLog[]) => logs.map((l) => l.record.auditLogId);

describe('instantOf', () => {
  it('compares to the nanosecond, across offsets and digit counts', () => {
    const at = (text: string) => parseInstant(text)!;
    expect(compareInstants(at('2026-11-20T10:15:30.1234567Z'), at('2026-11-20T10:15:30.1234568Z'))).toBeLessThan(0);
    expect(compareInstants(at('2026-11-20T10:15:30.1230000Z'), at('2026-11-20T10:15:30.123Z'))).toBe(0);
    expect(compareInstants(at('2026-11-20T12:15:30.1234567+02:00'), at(T))).toBe(0);
    expect(compareInstants(at('2026-11-20T10:15:30Z'), at('2026-11-20T10:15:29.9999999Z'))).toBeGreaterThan(0);
    // System.Text.Json trims trailing zeros and may leave the offset out (UTC).
    expect(compareInstants(at('2026-11-20T10:15:30.1234'), at('2026-11-20T10:15:30.1234000Z'))).toBe(0);
    expect(parseInstant('2026-11-20T10:15:30.1234')!.ns).toBe(400_000);
    expect(parseInstant('not a time')).toBeNull();
  });
});

describe('cuts', () => {
  // Ties at T in walk order: a b c d; the cursor's own log is c.
  const [a, b, c, e] = [log('a'), log('b'), log('c'), log('e')];
  const newer = log('n', '2026-11-20T10:15:30.1234568Z');
  const older = log('o', '2026-11-20T10:15:30.1234566Z');

  it('after a newer-side cursor: the ties it does not list, and everything older', () => {
    const range = { hi: afterCut(boundary('newer', ['a', 'b', 'c'])), lo: null };
    expect([a, b, c, e, newer, older].filter((l) => inRange(l, range)).map((l) => l.record.auditLogId)).toEqual(['e', 'o']);
  });

  it('before a newer-side cursor: the listed ties before its log, and everything newer', () => {
    const range = { hi: null, lo: beforeCut(boundary('newer', ['a', 'b', 'c'])) };
    expect(names([a, b, c, e, newer, older].filter((l) => inRange(l, range)))).toEqual(['a', 'b', 'n']);
  });

  it('after an older-side cursor: the listed ties after its log; before it: the ties it does not list', () => {
    const cursor = boundary('older', ['c', 'e']);
    expect(names([a, b, c, e, newer, older].filter((l) => inRange(l, { hi: afterCut(cursor), lo: null })))).toEqual(['e', 'o']);
    expect(names([a, b, c, e, newer, older].filter((l) => inRange(l, { hi: null, lo: beforeCut(cursor) })))).toEqual(['a', 'b', 'n']);
  });

  it('expects to turn away the listed ids, or the hinted other side and the own log', () => {
    expect(afterCut(boundary('newer', ['a', 'b', 'c'])).expectedDropped).toBe(3);
    expect(beforeCut(boundary('newer', ['a', 'b', 'c'], 4)).expectedDropped).toBe(5);
    expect(forwardWindow(10, { hi: afterCut(boundary('newer', ['a', 'b'])), lo: null })).toEqual({ pageNumber: 1, pageSize: 13 });
    expect(forwardWindow(2000, { hi: null, lo: null })).toEqual({ pageNumber: 1, pageSize: 2000 });
  });

  it('knows an empty range without asking', () => {
    const later = boundary('newer', ['x'], 0, '2026-11-20T10:15:31Z');
    expect(isEmptyRange({ hi: afterCut(boundary('newer', ['a'])), lo: beforeCut(later) })).toBe(true);
    expect(isEmptyRange({ hi: afterCut(later), lo: beforeCut(boundary('newer', ['a'])) })).toBe(false);
  });
});

describe('selectForward', () => {
  const logs = ['a', 'b', 'c', 'd', 'e'].map((id, i) => log(id, `2026-11-20T10:15:3${9 - i}Z`));

  it('takes the page and tells from one more log whether another follows', () => {
    const range = { hi: null, lo: null };
    expect(selectForward(logs, false, 2, range, false)).toMatchObject({ hasMore: true, needMore: false });
    expect(names(selectForward(logs, false, 2, range, false).page)).toEqual(['a', 'b']);
    expect(selectForward(logs.slice(0, 3), true, 5, range, false)).toMatchObject({ hasMore: false, needMore: false });
  });

  it('counts what lies past a full read from the window total, else asks for one more window', () => {
    const range = { hi: null, lo: null };
    expect(selectForward(logs.slice(0, 3), false, 3, range, false, 9)).toMatchObject({ hasMore: true, needMore: false });
    expect(selectForward(logs.slice(0, 3), false, 3, range, false, 3)).toMatchObject({ hasMore: false, needMore: false });
    const cursor = { hi: afterCut(boundary('newer', ['zz', 'yy'])), lo: null };
    // Two listed ids not met yet could be the two logs past the read: undecided.
    expect(selectForward(logs.slice(0, 3), false, 3, cursor, false, 5)).toMatchObject({ needMore: true });
    expect(selectForward(logs.slice(0, 3), false, 3, cursor, true, 5)).toMatchObject({ needMore: false, hasMore: true });
  });
});

describe('selectBackward and its windows', () => {
  const logs = Array.from({ length: 10 }, (_, i) => log(`l${i}`, `2026-11-20T10:15:${String(59 - i).padStart(2, '0')}Z`));

  it('reads a small window whole in one call and takes its last logs', () => {
    const range = { hi: null, lo: null };
    expect(backwardWindow(3, range)).toEqual({ pageNumber: 1, pageSize: 4 });
    const selection = selectBackward([{ offset: 0, logs }], 10, 3, range);
    expect(names(selection.page)).toEqual(['l7', 'l8', 'l9']);
    expect(selection.hasMore).toBe(true);
  });

  it('cuts the page from the tail read, and counts unseen positions in front of it as preceding', () => {
    const range = { hi: null, lo: null };
    const tail = backwardFollowUp(3, range, 1000);
    expect((tail.pageNumber - 1) * tail.pageSize).toBeLessThanOrEqual(996);
    expect(tail.pageNumber * tail.pageSize).toBeGreaterThanOrEqual(1000);
    const selection = selectBackward([{ offset: 0, logs: logs.slice(0, 4) }, { offset: 6, logs: logs.slice(6) }], 10, 5, range);
    expect(names(selection.page)).toEqual(['l6', 'l7', 'l8', 'l9']);
    expect(selection.hasMore).toBe(true);
  });

  it('drops the ties the before cursor turns away at the end of the window', () => {
    const ties = ['t1', 't2', 't3'].map((id) => log(id));
    const range = { hi: null, lo: beforeCut(boundary('older', ['t2', 't3'])) };
    const selection = selectBackward([{ offset: 0, logs: [...logs.slice(0, 2), ...ties] }], 5, 2, range);
    expect(names(selection.page)).toEqual(['l1', 't1']);
    expect(selection.hasMore).toBe(true);
  });
});

describe('edge boundaries', () => {
  const [a, b, c] = [log('a'), log('b'), log('c')];
  const next = log('n', '2026-11-20T10:15:30.1234566Z');

  it('a forward page lists the ties met so far, continuing the cursor it started from', () => {
    const after = boundary('newer', ['x', 'y']);
    const edges = forwardBoundaries([a, b, next], [a, b, next], after);
    expect(edges.map((e) => e.side)).toEqual(['newer', 'newer', 'newer']);
    expect(edges[0]!.ids).toEqual(d('x', 'y', 'a'));
    expect(edges[1]!.ids).toEqual(d('x', 'y', 'a', 'b'));
    expect(edges[2]!.ids).toEqual(d('n'));
    expect(edges[1]!.timestamp).toBe(T);
  });

  it('a backward page lists each log and the ties after it, continuing its cursor', () => {
    const before = boundary('older', ['z']);
    const edges = backwardBoundaries([next, a, b], [next, a, b], before);
    expect(edges.map((e) => e.side)).toEqual(['older', 'older', 'older']);
    // a and b share the cursor's timestamp: z, delivered already, stays listed after them.
    expect(edges[2]!.ids).toEqual(d('b', 'z'));
    expect(edges[1]!.ids).toEqual(d('a', 'b', 'z'));
    expect(edges[0]!.ids).toEqual(d('n'));
    const atBoundary = backwardBoundaries([a, b], [a, b, c], boundary('older', ['c']));
    expect(atBoundary[0]!.ids).toEqual(d('a', 'b', 'c'));
  });

  it('turning around keeps the listed side of the cursor it turned from', () => {
    const forwardCursor = boundary('newer', ['a', 'b', 'c']);
    const back = backwardBoundaries([a, b], [a, b], forwardCursor);
    expect(back.map((e) => [e.side, e.ids])).toEqual([
      ['newer', d('a')],
      ['newer', d('a', 'b')],
    ]);
    const backwardCursor = boundary('older', ['a', 'b', 'c']);
    const forth = forwardBoundaries([b, c], [b, c], backwardCursor);
    expect(forth.map((e) => [e.side, e.ids])).toEqual([
      ['older', d('b', 'c')],
      ['older', d('c')],
    ]);
  });
});
