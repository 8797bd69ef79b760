import type { TimeWindow } from '../model/window.js';

/**
 * The window of the next poll. It reaches `lookbackMs` before the end of the last
 * successful poll (or before now, for the first), so a log that reaches the upstream
 * up to `lookbackMs` after its timestamp is read by some poll, however long the
 * polls were apart (backoff included). Pure.
 */
export function pollWindow(nowMs: number, lookbackMs: number, previousEndMs: number | null): TimeWindow {
  const from = previousEndMs === null ? nowMs : Math.min(previousEndMs, nowMs);
  return { start: from - lookbackMs, end: nowMs };
}

/** After a poll that read up to `endMs`, ids with timestamps before this can never be read again. Pure. */
export function forgetBeforeMs(endMs: number, lookbackMs: number): number {
  return endMs - lookbackMs;
}
