/**
 * Instants at the upstream's full precision. The upstream (.NET) keeps 100-ns ticks
 * and writes up to 7 fractional digits; a JavaScript Date holds milliseconds only.
 * An instant is therefore whole epoch milliseconds plus the nanoseconds its text
 * carries past them, and is compared as such, never as a Date. One parser serves
 * the whole gateway: the decoder's scanner below. Pure.
 */

/** An instant to the nanosecond: epoch ms (whole) and ns past it (0..999 999). */
export interface Instant {
  ms: number;
  ns: number;
}

/** One .NET tick: the finest step the upstream keeps. */
export const TICK_NS = 100;

const NS_PER_MS = 1_000_000;

/** The instant an ISO-8601 text names (digits past the 9th fractional one are dropped); null when it is not one. */
export function parseInstant(text: string): Instant | null {
  const ms = timestampMs(text);
  return ms === null ? null : { ms, ns: subMillisecondNanos(text) };
}

/** Negative when a is older than b, 0 when equal, positive when newer. */
export function compareInstants(a: Instant, b: Instant): number {
  return a.ms !== b.ms ? a.ms - b.ms : a.ns - b.ns;
}

/** `YYYY-MM-DDTHH:mm:ss.fffffffZ`: UTC with 7 fractional digits (whole ticks; finer digits dropped). */
export function formatInstant(instant: Instant): string {
  const ticks = Math.floor(instant.ns / TICK_NS);
  return `${new Date(instant.ms).toISOString().slice(0, 23)}${String(ticks).padStart(4, '0')}Z`;
}

/** The instant `ticks` ticks (100 ns each) later, or earlier when negative. */
export function shiftInstant(instant: Instant, ticks: number): Instant {
  const total = instant.ns + ticks * TICK_NS;
  const carry = Math.floor(total / NS_PER_MS);
  return { ms: instant.ms + carry, ns: total - carry * NS_PER_MS };
}

/** An ISO date-time moved by `ticks`, in UTC at full precision; the text unchanged when it is not a date-time. */
export function shiftTimestamp(text: string, ticks: number): string {
  const instant = parseInstant(text);
  return instant === null ? text : formatInstant(shiftInstant(instant, ticks));
}

const FRACTION = /[.,](\d+)/;

/** The nanoseconds an ISO-8601 text carries past its whole millisecond (fraction digits 4 to 9). */
export function subMillisecondNanos(text: string): number {
  // The common case, `YYYY-MM-DDTHH:mm:ss.sssZ`, has none: no scan needed.
  if (text.length === 24 && text.charCodeAt(23) === UPPER_Z) return 0;
  const fraction = FRACTION.exec(text.slice(17))?.[1] ?? '';
  return fraction.length > 3 ? Number(fraction.slice(3, 9).padEnd(6, '0')) : 0;
}

/**
 * Parses an ISO-8601 date-time, or returns null when it is not one:
 * `YYYY-MM-DD`, `T` (or `t`, or a space), `hh:mm[:ss[.fraction]]`, then an optional
 * offset (`Z`, `±hh`, `±hhmm`, `±hh:mm`).
 *
 * A timestamp without an offset (as .NET serialises an unspecified DateTime) is taken
 * as UTC, never as the gateway's local time. Fractions finer than a millisecond are
 * truncated. Calendar values are checked, so `2026-02-30` is rejected rather than
 * rolled over into March as `Date.parse` would.
 *
 * Every item of every page passes through here, so it scans the characters itself:
 * no regular expression, no intermediate strings, no `Date.parse`.
 */
export function parseTimestamp(value: unknown): Date | null {
  const ms = timestampMs(value);
  if (ms === null) return null;
  return isCanonical(value as string) ? new UpstreamTimestamp(ms, value as string) : new Date(ms);
}

/**
 * A Date read from text that already is its own ISO form (`2026-11-20T10:15:30.123Z`,
 * what the upstream sends): it hands that text back instead of formatting it again,
 * so a page's timestamps are serialised at no cost. It is a Date in every other way.
 */
class UpstreamTimestamp extends Date {
  readonly #iso: string;

  constructor(ms: number, iso: string) {
    super(ms);
    this.#iso = iso;
  }

  override toISOString(): string {
    return this.#iso;
  }
}

/** `YYYY-MM-DDTHH:mm:ss.sssZ` exactly, the only text toISOString makes for years 0-9999 (the value is already validated). */
function isCanonical(value: string): boolean {
  return (
    value.length === 24 &&
    value.charCodeAt(10) === UPPER_T &&
    value.charCodeAt(16) === COLON &&
    value.charCodeAt(19) === DOT &&
    value.charCodeAt(23) === UPPER_Z
  );
}

function timestampMs(value: unknown): number | null {
  if (typeof value !== 'string' || value.length < 16) return null;
  const century = twoDigits(value, 0);
  const yearOfCentury = twoDigits(value, 2);
  const month = twoDigits(value, 5);
  const day = twoDigits(value, 8);
  const hour = twoDigits(value, 11);
  const minute = twoDigits(value, 14);
  const separator = value.charCodeAt(10);
  if (
    century < 0 || yearOfCentury < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
    value.charCodeAt(4) !== DASH || value.charCodeAt(7) !== DASH || value.charCodeAt(13) !== COLON ||
    (separator !== UPPER_T && separator !== LOWER_T && separator !== SPACE)
  ) {
    return null;
  }
  const year = century * 100 + yearOfCentury;
  if (day > daysInMonth(year, month)) return null;

  let at = 16;
  let second = 0;
  let millisecond = 0;
  if (value.charCodeAt(at) === COLON) {
    second = twoDigits(value, at + 1);
    if (second < 0 || second > 59) return null;
    at += 3;
    const mark = value.charCodeAt(at);
    if (mark === DOT || mark === COMMA) {
      const first = ++at;
      for (let d = digit(value, at); d >= 0; d = digit(value, ++at)) {
        if (at - first < 3) millisecond = millisecond * 10 + d;
      }
      const digits = at - first;
      if (digits === 0) return null;
      if (digits < 3) millisecond *= digits === 1 ? 100 : 10;
    }
  }

  let offsetMinutes = 0;
  if (at < value.length) {
    const zone = value.charCodeAt(at);
    if (zone === UPPER_Z || zone === LOWER_Z) {
      if (at + 1 !== value.length) return null;
    } else if (zone === PLUS || zone === MINUS) {
      const offsetHour = twoDigits(value, at + 1);
      let offsetMinute = 0;
      at += 3;
      if (at < value.length) {
        if (value.charCodeAt(at) === COLON) at++;
        offsetMinute = twoDigits(value, at);
        at += 2;
      }
      if (at !== value.length || offsetHour < 0 || offsetHour > 23 || offsetMinute < 0 || offsetMinute > 59) return null;
      offsetMinutes = (zone === MINUS ? -1 : 1) * (offsetHour * 60 + offsetMinute);
    } else {
      return null;
    }
  }
  return (
    daysSinceEpoch(year, month, day) * 86_400_000 +
    (hour * 60 + minute - offsetMinutes) * 60_000 +
    second * 1000 +
    millisecond
  );
}

const DASH = 45;
const COLON = 58;
const DOT = 46;
const COMMA = 44;
const SPACE = 32;
const PLUS = 43;
const MINUS = 45;
const UPPER_T = 84;
const LOWER_T = 116;
const UPPER_Z = 90;
const LOWER_Z = 122;

/** The ASCII digit at `index` as a number, or -1 (also past the end). */
function digit(text: string, index: number): number {
  const d = text.charCodeAt(index) - 48;
  return d >= 0 && d <= 9 ? d : -1;
}

/** The two ASCII digits at `index` as a number, or -1. */
function twoDigits(text: string, index: number): number {
  const tens = digit(text, index);
  const ones = digit(text, index + 1);
  return tens < 0 || ones < 0 ? -1 : tens * 10 + ones;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysSinceEpoch(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

