/**
 * Time as a dependency: what reads the clock or waits takes one of these, so its
 * tests run on a fake clock instead of sleeping.
 */
export interface Time {
  /** Epoch milliseconds. */
  now(): number;
  /** Runs `task` after `delayMs`; the returned function cancels it. */
  schedule(task: () => void, delayMs: number): () => void;
}

/** The process's own clock and timers. */
export const SYSTEM_TIME: Time = {
  now: () => Date.now(),
  schedule(task, delayMs) {
    const timer = setTimeout(task, delayMs);
    return () => clearTimeout(timer);
  },
};
