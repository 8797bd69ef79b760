import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors.js';
import { resolveSlice, type SliceArgs } from '../../src/pagination/slice.js';

const badInput = (args: SliceArgs, pattern: RegExp) => {
  let error: unknown;
  try {
    resolveSlice(args);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(GatewayError);
  expect((error as GatewayError).code).toBe('BAD_USER_INPUT');
  expect((error as GatewayError).extensions.code).toBe('BAD_USER_INPUT');
  expect((error as GatewayError).message).toMatch(pattern);
};

describe('resolveSlice', () => {
  it('defaults to the first 25 items', () => {
    expect(resolveSlice({})).toEqual({ kind: 'range', start: 0, end: 25 });
    expect(resolveSlice({ first: null, last: null, after: null, before: null })).toEqual({ kind: 'range', start: 0, end: 25 });
    expect(resolveSlice({ after: 24 })).toEqual({ kind: 'range', start: 25, end: 50 });
    expect(resolveSlice({}, { defaultFirst: 10, max: 50 })).toEqual({ kind: 'range', start: 0, end: 10 });
  });

  it('rejects first and last together', () => {
    badInput({ first: 10, last: 10 }, /either "first" or "last"/);
  });

  it('accepts 1..2000 and rejects anything else, naming the argument', () => {
    expect(resolveSlice({ first: 1 })).toEqual({ kind: 'range', start: 0, end: 1 });
    expect(resolveSlice({ first: 2000 })).toEqual({ kind: 'range', start: 0, end: 2000 });
    expect(resolveSlice({ last: 1, before: 10 })).toEqual({ kind: 'range', start: 9, end: 10 });
    expect(resolveSlice({ last: 2000 })).toEqual({ kind: 'tail', count: 2000, lowerBound: 0 });
    for (const value of [0, -1, 2001, 1.5, Number.NaN, Infinity]) {
      badInput({ first: value }, /"first" must be an integer from 1 to 2000/);
      badInput({ last: value }, /"last" must be an integer from 1 to 2000/);
    }
  });

  it('honours a custom maximum', () => {
    expect(resolveSlice({ first: 50 }, { defaultFirst: 10, max: 50 })).toEqual({ kind: 'range', start: 0, end: 50 });
    expect(() => resolveSlice({ first: 51 }, { defaultFirst: 10, max: 50 })).toThrow(/from 1 to 50/);
  });

  it('walks forwards with first/after', () => {
    expect(resolveSlice({ first: 10 })).toEqual({ kind: 'range', start: 0, end: 10 });
    expect(resolveSlice({ first: 10, after: 9 })).toEqual({ kind: 'range', start: 10, end: 20 });
    expect(resolveSlice({ first: 10, after: 0 })).toEqual({ kind: 'range', start: 1, end: 11 });
  });

  it('walks backwards with last/before', () => {
    expect(resolveSlice({ last: 10, before: 30 })).toEqual({ kind: 'range', start: 20, end: 30 });
    expect(resolveSlice({ last: 10, before: 5 })).toEqual({ kind: 'range', start: 0, end: 5 });
  });

  it('needs the total for last without before', () => {
    expect(resolveSlice({ last: 10 })).toEqual({ kind: 'tail', count: 10, lowerBound: 0 });
    expect(resolveSlice({ last: 10, after: 41 })).toEqual({ kind: 'tail', count: 10, lowerBound: 42 });
  });

  it('keeps the page between after and before', () => {
    expect(resolveSlice({ first: 10, after: 4, before: 10 })).toEqual({ kind: 'range', start: 5, end: 10 });
    expect(resolveSlice({ first: 3, after: 4, before: 10 })).toEqual({ kind: 'range', start: 5, end: 8 });
    expect(resolveSlice({ last: 10, after: 4, before: 10 })).toEqual({ kind: 'range', start: 5, end: 10 });
    expect(resolveSlice({ last: 3, after: 4, before: 10 })).toEqual({ kind: 'range', start: 7, end: 10 });
    expect(resolveSlice({ first: 10, before: 4 })).toEqual({ kind: 'range', start: 0, end: 4 });
    expect(resolveSlice({ before: 4 })).toEqual({ kind: 'range', start: 0, end: 4 });
  });

  it('gives empty pages where no item can be', () => {
    expect(resolveSlice({ last: 10, before: 0 })).toEqual({ kind: 'range', start: 0, end: 0 });
    expect(resolveSlice({ first: 10, before: 0 })).toEqual({ kind: 'range', start: 0, end: 0 });
    expect(resolveSlice({ first: 10, after: 4, before: 5 })).toEqual({ kind: 'range', start: 5, end: 5 });
    expect(resolveSlice({ first: 10, after: 9, before: 3 })).toEqual({ kind: 'range', start: 10, end: 10 });
    expect(resolveSlice({ last: 10, after: 9, before: 3 })).toEqual({ kind: 'range', start: 10, end: 10 });
  });

  it('treats a malformed decoded offset as a programming error', () => {
    expect(() => resolveSlice({ after: -1 })).toThrow(RangeError);
    expect(() => resolveSlice({ before: 1.5 })).toThrow(RangeError);
  });
});
