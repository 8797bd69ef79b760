import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PageWindow } from '../../src/pagination/window.js';
import { MAX_PAGE_SIZE, sliceFromWindows } from '../../src/pagination/plan.js';
import { planTail, planTailFollowUp } from '../../src/pagination/tail.js';

/** What the upstream answers for a window over a result set of `total` items (item i is i). */
const fetchWindow = (total: number, { pageNumber, pageSize }: PageWindow): number[] => {
  const from = Math.min((pageNumber - 1) * pageSize, total);
  const to = Math.min(pageNumber * pageSize, total);
  return Array.from({ length: to - from }, (_, i) => from + i);
};

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

describe('planTail / planTailFollowUp', () => {
  /** Runs a `last: count` page (no `before`) against a result set of `total` items. */
  const runTail = (count: number, lowerBound: number, total: number) => {
    const first = planTail(count);
    const firstPage = fetchWindow(total, first);
    const plan = planTailFollowUp({ count, lowerBound, total });
    const windows = [first, ...plan.windows];
    const pages = [firstPage, ...plan.windows.map((w) => fetchWindow(total, w))];
    return { plan, calls: windows.length, items: sliceFromWindows(windows, pages, plan.start, plan.end) };
  };

  it('starts with the newest `count` items', () => {
    expect(planTail(30)).toEqual({ pageNumber: 1, pageSize: 30 });
    expect(() => planTail(0)).toThrow(RangeError);
  });

  it('needs no second call when the first page holds the whole result set', () => {
    expect(planTailFollowUp({ count: 30, lowerBound: 0, total: 30 })).toEqual({ start: 0, end: 30, windows: [] });
    expect(planTailFollowUp({ count: 30, lowerBound: 0, total: 12 })).toEqual({ start: 0, end: 12, windows: [] });
    expect(planTailFollowUp({ count: 30, lowerBound: 5, total: 12 })).toEqual({ start: 5, end: 12, windows: [] });
    expect(planTailFollowUp({ count: 30, lowerBound: 0, total: 0 })).toEqual({ start: 0, end: 0, windows: [] });
  });

  it('needs no second call when the slice is empty (after the last item)', () => {
    expect(planTailFollowUp({ count: 30, lowerBound: 500, total: 100 })).toEqual({ start: 500, end: 500, windows: [] });
    expect(planTailFollowUp({ count: 30, lowerBound: 100, total: 100 })).toEqual({ start: 100, end: 100, windows: [] });
  });

  it('fetches only what the first page lacks', () => {
    // total 45, last 30: [15, 45); the first call holds [0, 30), so only [30, 45) is fetched.
    expect(planTailFollowUp({ count: 30, lowerBound: 0, total: 45 })).toEqual({
      start: 15,
      end: 45,
      windows: [{ pageNumber: 3, pageSize: 15 }],
    });
    expect(planTailFollowUp({ count: 25, lowerBound: 0, total: 1000 })).toEqual({
      start: 975,
      end: 1000,
      windows: [{ pageNumber: 40, pageSize: 25 }],
    });
  });

  it('cuts a long tail to what one more window holds, never a third call', () => {
    const plan = planTailFollowUp({ count: 2000, lowerBound: 0, total: 5001 });
    expect(plan.windows).toHaveLength(1);
    expect(plan.end).toBe(5001);
    expect(plan.start).toBeGreaterThan(3001);
    const [window] = plan.windows;
    expect((window!.pageNumber - 1) * window!.pageSize).toBeLessThanOrEqual(plan.start);
    expect(window!.pageNumber * window!.pageSize).toBeGreaterThanOrEqual(5001);
    expect(planTailFollowUp({ count: 2000, lowerBound: 0, total: 6000 }).windows).toEqual([
      { pageNumber: 3, pageSize: 2000 },
    ]);
  });

  it('rejects inputs that are not counts', () => {
    expect(() => planTailFollowUp({ count: 0, lowerBound: 0, total: 10 })).toThrow(RangeError);
    expect(() => planTailFollowUp({ count: 10, lowerBound: -1, total: 10 })).toThrow(RangeError);
    expect(() => planTailFollowUp({ count: 10, lowerBound: 0, total: 1.5 })).toThrow(RangeError);
  });

  it('returns the last `count` items after the lower bound', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_PAGE_SIZE }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 0, max: 20_000 }),
        (count, lowerBound, total) => {
          const { items, calls, plan } = runTail(count, lowerBound, total);
          const start = Math.max(lowerBound, total - count);
          // Always the oldest items of the slice, never more than two calls.
          expect(calls).toBeLessThanOrEqual(2);
          expect(plan.start).toBeGreaterThanOrEqual(start);
          expect(items).toEqual(range(plan.start, total));
          // The full `last` whenever one more window can hold it (always for count <= 1000).
          if (total < 2 * count || count <= 1000) expect(plan.start).toBe(start);
          if (plan.start < total) expect(items.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
