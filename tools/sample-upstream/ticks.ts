import { parseDateTime, subMillisecondNanos } from './params.js';

/**
 * .NET's 100-ns ticks, as the stand-in writes them: its own few lines, so that it
 * shares no code with the gateway it stands in front of.
 */
const TICKS_PER_MS = 10_000;

/** `YYYY-MM-DDTHH:mm:ss.fffffffZ`: UTC with 7 fractional digits, `ticks` (0-9999) past `ms`. */
export function formatTicks(ms: number, ticks: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}${String(ticks).padStart(4, '0')}Z`;
}

/** An ISO date-time moved by `ticks` (100 ns each), at full precision; unchanged when it is not one. */
export function shiftTicks(value: string, ticks: number): string {
  const ms = parseDateTime(value, 'floor');
  if (ms === undefined) return value;
  const total = Math.floor(subMillisecondNanos(value) / 100) + ticks;
  const carry = Math.floor(total / TICKS_PER_MS);
  return formatTicks(ms + carry, total - carry * TICKS_PER_MS);
}
