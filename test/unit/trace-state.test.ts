import { describe, expect, it } from 'vitest';
import { MAX_TRACESTATE_LENGTH, wellFormedTracestate } from '../../src/observability/trace-state.js';

describe('wellFormedTracestate', () => {
  it.each([
    'vendor=opaque',
    'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE',
    'rojo=00f067aa0ba902b7 ,\tcongo=t61rcWkgMzE',
    'tenant1@vendor=value with spaces inside',
    'a=1,,b=2',
    'a*b/c_d-e=x',
    Array.from({ length: 32 }, (_, i) => `k${i}=v`).join(','),
  ])('keeps %j exactly', (header) => {
    expect(wellFormedTracestate(header)).toBe(header);
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['only commas', ' , '],
    ['no =', 'vendor'],
    ['an upper-case key', 'Vendor=x'],
    ['a key starting with a digit (not multi-tenant)', '1vendor=x'],
    ['an empty value', 'vendor='],
    ['a comma-less second member', 'a=1 b=2'],
    ['a value with =', 'a=b=c'],
    ['a non-ASCII value', 'a=é'],
    ['a control character', 'a=x\u0001y'],
    ['a duplicate key', 'a=1,a=2'],
    ['33 members', Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(',')],
    ['over 512 characters', `a=${'x'.repeat(250)},b=${'y'.repeat(250)},c=${'z'.repeat(10)}`],
    ['a system id over 14 characters', 't@abcdefghijklmno=x'],
  ])('drops one with %s', (_name, header) => {
    if (_name === 'over 512 characters') expect(header!.length).toBeGreaterThan(MAX_TRACESTATE_LENGTH);
    expect(wellFormedTracestate(header)).toBeUndefined();
  });
});
