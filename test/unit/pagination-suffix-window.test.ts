import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { suffixWindow } from '../../src/pagination/plan.js';

const covers = (window: { pageNumber: number; pageSize: number }) => ({
  from: (window.pageNumber - 1) * window.pageSize,
  to: window.pageNumber * window.pageSize,
});

describe('suffixWindow', () => {
  it('holds the whole range in one window when one exists, else the longest suffix of it, always reaching its end', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 2000 }), (from, length) => {
        const to = from + length;
        const window = suffixWindow(from, to);
        const { from: start, to: end } = covers(window);
        expect(window.pageSize).toBeGreaterThanOrEqual(1);
        expect(window.pageSize).toBeLessThanOrEqual(2000);
        expect(end).toBeGreaterThanOrEqual(to);
        expect(start).toBeLessThan(to);
        // Never more than a window of twice the range: the suffix it holds is at least half of it.
        expect(to - Math.max(start, from)).toBeGreaterThanOrEqual(Math.ceil(length / 2));
      }),
      { numRuns: 300 },
    );
  });

  it('uses page 2 of the range size for an aligned tail, and page 1 for the start', () => {
    expect(suffixWindow(30, 60)).toEqual({ pageNumber: 2, pageSize: 30 });
    expect(suffixWindow(0, 26)).toEqual({ pageNumber: 1, pageSize: 26 });
  });

  it('cuts a tail no window holds to its longest held suffix', () => {
    const window = suffixWindow(3001, 5001);
    const { from, to } = covers(window);
    expect(to).toBeGreaterThanOrEqual(5001);
    expect(from).toBeGreaterThan(3001);
  });
});
