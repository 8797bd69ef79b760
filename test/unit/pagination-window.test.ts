import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors.js';
import { oneMonthBefore, pinWindow } from '../../src/pagination/window.js';

const ms = (iso: string) => new Date(iso).getTime();

describe('pinWindow', () => {
  const now = new Date('2026-11-20T10:15:30.123Z');

  it('defaults to the month before now, up to now', () => {
    expect(pinWindow({}, now)).toEqual({ start: ms('2026-10-20T10:15:30.123Z'), end: now.getTime() });
    expect(pinWindow({ startDate: null, endDate: null }, now)).toEqual(pinWindow({}, now));
  });

  it('keeps the dates the filter gives', () => {
    const startDate = new Date('2026-01-01T00:00:00Z');
    const endDate = new Date('2026-06-30T23:59:59.999Z');
    expect(pinWindow({ startDate, endDate }, now)).toEqual({ start: startDate.getTime(), end: endDate.getTime() });
  });

  it('never ends after now', () => {
    const endDate = new Date('2027-01-01T00:00:00Z');
    expect(pinWindow({ endDate }, now).end).toBe(now.getTime());
    expect(pinWindow({ endDate: now }, now).end).toBe(now.getTime());
  });

  it('passes a start after the end on as it is', () => {
    const startDate = new Date('2027-01-01T00:00:00Z');
    expect(pinWindow({ startDate }, now)).toEqual({ start: startDate.getTime(), end: now.getTime() });
  });

  it('rejects invalid dates', () => {
    expect(() => pinWindow({ startDate: new Date(Number.NaN) }, now)).toThrow(GatewayError);
    expect(() => pinWindow({ endDate: new Date(Number.NaN) }, now)).toThrow(/"endDate"/);
    expect(() => pinWindow({}, new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('oneMonthBefore', () => {
  it('counts calendar months in UTC', () => {
    expect(oneMonthBefore(new Date('2026-11-20T10:15:30.123Z'))).toBe(ms('2026-10-20T10:15:30.123Z'));
    expect(oneMonthBefore(new Date('2026-01-15T00:00:00Z'))).toBe(ms('2025-12-15T00:00:00Z'));
    expect(oneMonthBefore(new Date('2026-03-01T00:30:00+01:00'))).toBe(ms('2026-01-28T23:30:00Z'));
  });

  it('clamps to the last day of a shorter month', () => {
    expect(oneMonthBefore(new Date('2026-03-31T12:00:00Z'))).toBe(ms('2026-02-28T12:00:00Z'));
    expect(oneMonthBefore(new Date('2024-03-30T12:00:00Z'))).toBe(ms('2024-02-29T12:00:00Z'));
    expect(oneMonthBefore(new Date('2026-05-31T23:59:59.999Z'))).toBe(ms('2026-04-30T23:59:59.999Z'));
    expect(oneMonthBefore(new Date('2026-12-31T00:00:00Z'))).toBe(ms('2026-11-30T00:00:00Z'));
  });
});
