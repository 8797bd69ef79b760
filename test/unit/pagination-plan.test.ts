import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PageWindow } from '../../src/model/window.js';
import { planWindows } from '../../src/pagination/plan.js';
import { MAX_PAGE_SIZE } from '../../src/model/audit-log.js';

/**
 * The tests' oracle for the planned windows: cuts exactly the items at offsets
 * [start, end) out of fetched upstream pages (`pages[i]` is the answer to `windows[i]`; windows may overlap and come in any
 * order). A page shorter than its window (the end of the result set) covers only
 * the items it holds; the result stops at the first offset no page holds, so past
 * the end of the result set it is short or empty.
 */
function sliceFromWindows<T>(
  windows: readonly PageWindow[],
  pages: readonly (readonly T[])[],
  start: number,
  end: number,
): T[] {
  if (windows.length !== pages.length) {
    throw new RangeError(`got ${pages.length} pages for ${windows.length} windows`);
  }
  const out: T[] = [];
  let position = start;
  scan: while (position < end) {
    for (let i = 0; i < windows.length; i++) {
      const window = windows[i]!;
      const page = pages[i]!;
      const first = (window.pageNumber - 1) * window.pageSize;
      const last = first + Math.min(page.length, window.pageSize);
      if (position >= first && position < last) {
        const stop = Math.min(end, last);
        for (let j = position - first; j < stop - first; j++) out.push(page[j] as T);
        position = stop;
        continue scan;
      }
    }
    break;
  }
  return out;
}

/** What the upstream answers for a window over a result set of `total` items (item i is i). */
const fetchWindow = (total: number, { pageNumber, pageSize }: PageWindow): number[] => {
  const from = Math.min((pageNumber - 1) * pageSize, total);
  const to = Math.min(pageNumber * pageSize, total);
  return Array.from({ length: to - from }, (_, i) => from + i);
};

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

/** The smallest page size of one window that covers [start, end), by trying every one. */
const bruteForceSingle = (start: number, end: number): number | undefined => {
  for (let p = Math.max(1, end - start); p <= MAX_PAGE_SIZE; p++) {
    if (Math.floor(start / p) === Math.floor((end - 1) / p)) return p;
  }
  return undefined;
};

const checkShape = (windows: PageWindow[]) => {
  expect(windows.length).toBeGreaterThanOrEqual(1);
  expect(windows.length).toBeLessThanOrEqual(2);
  for (const w of windows) {
    expect(Number.isInteger(w.pageNumber) && w.pageNumber >= 1).toBe(true);
    expect(Number.isInteger(w.pageSize) && w.pageSize >= 1 && w.pageSize <= MAX_PAGE_SIZE).toBe(true);
  }
};

describe('planWindows', () => {
  it('covers exactly the slice with one or two valid windows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: MAX_PAGE_SIZE }),
        fc.integer({ min: 0, max: 1_003_000 }),
        (start, count, total) => {
          const end = start + count;
          const windows = planWindows(start, end);
          checkShape(windows);
          const pages = windows.map((w) => fetchWindow(total, w));
          expect(sliceFromWindows(windows, pages, start, end)).toEqual(range(start, Math.min(end, total)));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('uses one window, of the smallest size, whenever one exists (brute force over small starts)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: MAX_PAGE_SIZE }), (start, count) => {
        const windows = planWindows(start, start + count);
        const best = bruteForceSingle(start, start + count);
        if (best === undefined) {
          expect(windows).toHaveLength(2);
        } else {
          expect(windows).toEqual([{ pageNumber: Math.floor(start / best) + 1, pageSize: best }]);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with the brute force on every start up to 5000 for a few sizes', () => {
    for (const count of [1, 2, 3, 7, 25, 100, 999, 1000, 1001, 1500, 1999, 2000]) {
      for (let start = 0; start <= 5000; start++) {
        const best = bruteForceSingle(start, start + count);
        const windows = planWindows(start, start + count);
        expect(windows.length).toBe(best === undefined ? 2 : 1);
        if (best !== undefined) expect(windows[0]!.pageSize).toBe(best);
      }
    }
  });

  it('gives a constant-page-size walk one window of that size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: MAX_PAGE_SIZE }), (k, n) => {
        expect(planWindows(k * n, k * n + n)).toEqual([{ pageNumber: k + 1, pageSize: n }]);
      }),
    );
  });

  it('uses two consecutive windows of the smallest workable size when one cannot do', () => {
    // [2001, 4001): only 2000 is large enough for one window, and 2000 has a boundary
    // inside; two windows of 1334 ([1334, 4002)) are the least transfer.
    expect(planWindows(2001, 4001)).toEqual([
      { pageNumber: 2, pageSize: 1334 },
      { pageNumber: 3, pageSize: 1334 },
    ]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1001, max: MAX_PAGE_SIZE }), (start, count) => {
        const windows = planWindows(start, start + count);
        if (windows.length === 1) return;
        const [a, b] = windows as [PageWindow, PageWindow];
        expect(b).toEqual({ pageNumber: a.pageNumber + 1, pageSize: a.pageSize });
        for (let p = Math.ceil(count / 2); p < a.pageSize; p++) {
          expect((Math.floor(start / p) + 2) * p).toBeLessThan(start + count);
        }
      }),
    );
  });

  it('asks for one item to learn the total of an empty slice', () => {
    expect(planWindows(0, 0)).toEqual([{ pageNumber: 1, pageSize: 1 }]);
    expect(planWindows(12345, 12345)).toEqual([{ pageNumber: 1, pageSize: 1 }]);
    expect(sliceFromWindows([{ pageNumber: 1, pageSize: 1 }], [[0]], 7, 7)).toEqual([]);
  });

  it('honours a smaller maximum page size', () => {
    expect(planWindows(10, 20, 10)).toEqual([{ pageNumber: 2, pageSize: 10 }]);
    expect(planWindows(5, 15, 10)).toEqual([
      { pageNumber: 2, pageSize: 5 },
      { pageNumber: 3, pageSize: 5 },
    ]);
    expect(planWindows(7, 16, 10)).toEqual([
      { pageNumber: 2, pageSize: 6 },
      { pageNumber: 3, pageSize: 6 },
    ]);
  });

  it('rejects slices it cannot plan', () => {
    expect(() => planWindows(0, 2001)).toThrow(RangeError);
    expect(() => planWindows(10, 5)).toThrow(RangeError);
    expect(() => planWindows(-1, 5)).toThrow(RangeError);
    expect(() => planWindows(1.5, 5)).toThrow(RangeError);
  });
});

describe('sliceFromWindows', () => {
  it('cuts the slice out of one page', () => {
    expect(sliceFromWindows([{ pageNumber: 2, pageSize: 10 }], [range(10, 20)], 12, 17)).toEqual(range(12, 17));
  });

  it('joins two pages and stops at a short page at the end of the result set', () => {
    const windows = [
      { pageNumber: 3, pageSize: 4 },
      { pageNumber: 4, pageSize: 4 },
    ];
    expect(sliceFromWindows(windows, [range(8, 12), range(12, 14)], 9, 15)).toEqual(range(9, 14));
    expect(sliceFromWindows(windows, [range(8, 11), []], 9, 15)).toEqual([9, 10]);
    expect(sliceFromWindows(windows, [[], []], 9, 15)).toEqual([]);
  });

  it('uses overlapping windows of different sizes in any order', () => {
    const windows = [
      { pageNumber: 2, pageSize: 5 },
      { pageNumber: 1, pageSize: 7 },
    ];
    expect(sliceFromWindows(windows, [range(5, 10), range(0, 7)], 2, 10)).toEqual(range(2, 10));
  });

  it('ignores items beyond a window that a page should not hold', () => {
    expect(sliceFromWindows([{ pageNumber: 1, pageSize: 3 }], [range(0, 5)], 0, 5)).toEqual([0, 1, 2]);
  });

  it('rejects a page count that does not match the windows', () => {
    expect(() => sliceFromWindows([{ pageNumber: 1, pageSize: 3 }], [], 0, 3)).toThrow(RangeError);
  });
});
