import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capDepth, MAX_JSON_DEPTH, nestsWithin, TOO_DEEP } from '../../src/model/json-depth.js';

const nested = (levels: number): unknown => {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
};

describe('capDepth', () => {
  it('hands back the very value when it nests within the limit', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        expect(capDepth(value)).toBe(value);
      }),
    );
  });

  it('cuts what nests deeper, at exactly the limit, so the value can be written', () => {
    for (const levels of [MAX_JSON_DEPTH + 1, 1_000, 50_000]) {
      const value = nested(levels);
      expect(() => JSON.stringify(capDepth(value))).not.toThrow();
      expect(nestsWithin(capDepth(value), MAX_JSON_DEPTH)).toBe(true);
      expect(nestsWithin(capDepth(value), MAX_JSON_DEPTH - 1)).toBe(false);
      expect(JSON.stringify(capDepth(value))).toContain(JSON.stringify(TOO_DEEP));
    }
    expect(capDepth(nested(MAX_JSON_DEPTH))).toEqual(nested(MAX_JSON_DEPTH));
  });

  it('keeps the shallow members of a value that is deep elsewhere', () => {
    const value = { id: 'x', list: [1, 2, 3], deep: nested(100) };
    const capped = capDepth(value) as typeof value;
    expect(capped.id).toBe('x');
    expect(capped.list).toEqual([1, 2, 3]);
    expect(capped).not.toBe(value);
  });
});
