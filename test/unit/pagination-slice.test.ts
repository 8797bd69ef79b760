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
    expect(resolveSlice({})).toEqual({ direction: 'forward', count: 25 });
    expect(resolveSlice({ first: null, last: null })).toEqual({ direction: 'forward', count: 25 });
    expect(resolveSlice({}, { defaultFirst: 10, max: 50 })).toEqual({ direction: 'forward', count: 10 });
  });

  it('rejects first and last together', () => {
    badInput({ first: 10, last: 10 }, /either "first" or "last"/);
  });

  it('accepts 1..2000 and rejects anything else, naming the argument', () => {
    expect(resolveSlice({ first: 1 })).toEqual({ direction: 'forward', count: 1 });
    expect(resolveSlice({ first: 2000 })).toEqual({ direction: 'forward', count: 2000 });
    expect(resolveSlice({ last: 1 })).toEqual({ direction: 'backward', count: 1 });
    expect(resolveSlice({ last: 2000 })).toEqual({ direction: 'backward', count: 2000 });
    for (const value of [0, -1, 2001, 1.5, Number.NaN, Infinity]) {
      badInput({ first: value }, /"first" must be an integer from 1 to 2000/);
      badInput({ last: value }, /"last" must be an integer from 1 to 2000/);
    }
  });

  it('honours a custom maximum', () => {
    expect(resolveSlice({ first: 50 }, { defaultFirst: 10, max: 50 })).toEqual({ direction: 'forward', count: 50 });
    expect(() => resolveSlice({ first: 51 }, { defaultFirst: 10, max: 50 })).toThrow(/from 1 to 50/);
  });
});
