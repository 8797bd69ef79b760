import { describe, expect, it } from 'vitest';
import { pageInfo } from '../../src/pagination/page-info.js';

describe('pageInfo', () => {
  it('is exact walking forwards', () => {
    expect(pageInfo(0, 10, 25)).toEqual({ hasPreviousPage: false, hasNextPage: true, start: 0, end: 10 });
    expect(pageInfo(10, 20, 25)).toEqual({ hasPreviousPage: true, hasNextPage: true, start: 10, end: 20 });
    expect(pageInfo(20, 30, 25)).toEqual({ hasPreviousPage: true, hasNextPage: false, start: 20, end: 25 });
    expect(pageInfo(15, 25, 25)).toEqual({ hasPreviousPage: true, hasNextPage: false, start: 15, end: 25 });
  });

  it('is exact walking backwards', () => {
    expect(pageInfo(15, 25, 25)).toEqual({ hasPreviousPage: true, hasNextPage: false, start: 15, end: 25 });
    expect(pageInfo(5, 15, 25)).toEqual({ hasPreviousPage: true, hasNextPage: true, start: 5, end: 15 });
    expect(pageInfo(0, 5, 25)).toEqual({ hasPreviousPage: false, hasNextPage: true, start: 0, end: 5 });
  });

  it('holds the whole result set on one page', () => {
    expect(pageInfo(0, 25, 25)).toEqual({ hasPreviousPage: false, hasNextPage: false, start: 0, end: 25 });
    expect(pageInfo(0, 2000, 25)).toEqual({ hasPreviousPage: false, hasNextPage: false, start: 0, end: 25 });
  });

  it('clamps pages past the end', () => {
    expect(pageInfo(25, 35, 25)).toEqual({ hasPreviousPage: true, hasNextPage: false, start: 25, end: 25 });
    expect(pageInfo(100, 110, 25)).toEqual({ hasPreviousPage: true, hasNextPage: false, start: 25, end: 25 });
  });

  it('handles empty pages and empty result sets', () => {
    expect(pageInfo(0, 0, 25)).toEqual({ hasPreviousPage: false, hasNextPage: true, start: 0, end: 0 });
    expect(pageInfo(7, 7, 25)).toEqual({ hasPreviousPage: true, hasNextPage: true, start: 7, end: 7 });
    expect(pageInfo(0, 25, 0)).toEqual({ hasPreviousPage: false, hasNextPage: false, start: 0, end: 0 });
    expect(pageInfo(10, 20, 0)).toEqual({ hasPreviousPage: false, hasNextPage: false, start: 0, end: 0 });
  });
});
