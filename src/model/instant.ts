/**
 * Date-times at the upstream's full precision: .NET ticks of 100 ns, 7 fractional
 * digits. A JavaScript Date holds milliseconds only, so an instant is kept as
 * epoch milliseconds plus the ticks within that millisecond (0-9999).
 */
export interface TickInstant {
  ms: number;
  /** Ticks of 100 ns within `ms`, 0-9999. */
  subMs: number;
}

export const TICKS_PER_MS = 10_000;

const ISO = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}(?::\d{2})?)(?:[.,](\d+))?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

/** Parses an ISO-8601 date-time at tick precision (digits past the 7th are dropped); undefined when it is not one. */
export function parseTicks(value: string): TickInstant | undefined {
  const m = ISO.exec(value.trim());
  if (!m) return undefined;
  const fraction = (m[3] ?? '').padEnd(7, '0');
  const zone = m[4] === undefined || m[4] === 'z' ? 'Z' : m[4];
  const time = m[2]!.length === 5 ? `${m[2]}:00` : m[2];
  const ms = Date.parse(`${m[1]}T${time}.${fraction.slice(0, 3)}${zone}`);
  if (Number.isNaN(ms)) return undefined;
  return { ms, subMs: Number(fraction.slice(3, 7)) };
}

/** `YYYY-MM-DDTHH:mm:ss.fffffffZ`: UTC with all 7 fractional digits. */
export function formatTicks(instant: TickInstant): string {
  return `${new Date(instant.ms).toISOString().slice(0, 23)}${String(instant.subMs).padStart(4, '0')}Z`;
}

/** The instant `ticks` ticks (100 ns each) later, or earlier when negative. */
export function addTicks(instant: TickInstant, ticks: number): TickInstant {
  const total = instant.subMs + ticks;
  const carry = Math.floor(total / TICKS_PER_MS);
  return { ms: instant.ms + carry, subMs: total - carry * TICKS_PER_MS };
}

/** Negative when `a` is before `b`, positive when after, 0 when equal. */
export function compareTicks(a: TickInstant, b: TickInstant): number {
  return a.ms !== b.ms ? a.ms - b.ms : a.subMs - b.subMs;
}

/** An ISO date-time moved by `ticks`, in UTC at full precision; the text unchanged when it is not a date-time. */
export function shiftIso(value: string, ticks: number): string {
  const instant = parseTicks(value);
  return instant === undefined ? value : formatTicks(addTicks(instant, ticks));
}
