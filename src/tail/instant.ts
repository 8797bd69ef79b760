import { parseTimestamp } from '../upstream/decode.js';

/**
 * A point in time as exact as the upstream wrote it: epoch milliseconds plus the
 * digits past the millisecond (as nanoseconds, 0..999_999), which a Date drops.
 */
export interface Instant {
  ms: number;
  subMs: number;
}

const FRACTION = /[T t]\d{2}:\d{2}:\d{2}[.,](\d+)/;

/** The instant of an ISO-8601 timestamp text; null when it is not one. Pure. */
export function instantOf(text: string): Instant | null {
  const date = parseTimestamp(text);
  if (date === null) return null;
  const fraction = FRACTION.exec(text)?.[1] ?? '';
  const subMs = fraction.length > 3 ? Number(fraction.slice(3, 9).padEnd(6, '0')) : 0;
  return { ms: date.getTime(), subMs };
}

/** Negative when a is earlier than b, 0 when they are the same instant. Pure. */
export function compareInstants(a: Instant, b: Instant): number {
  return a.ms - b.ms || a.subMs - b.subMs;
}
