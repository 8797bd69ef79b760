import type { Time } from '../../src/model/time.js';

export interface FakeTime extends Time {
  /** Moves the clock forward by `ms`, running every task that falls due, in order of time. */
  advance(ms: number): void;
  /** Tasks waiting to run. */
  pending(): number;
}

/** A clock and timers that move only when a test says so. */
export function fakeTime(start = Date.now()): FakeTime {
  let now = start;
  let next = 0;
  const tasks = new Map<number, { at: number; task: () => void }>();
  return {
    now: () => now,
    schedule(task, delayMs) {
      const id = next++;
      tasks.set(id, { at: now + Math.max(0, delayMs), task });
      return () => void tasks.delete(id);
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        let due: [number, { at: number; task: () => void }] | undefined;
        for (const entry of tasks) if (entry[1].at <= until && (due === undefined || entry[1].at < due[1].at)) due = entry;
        if (due === undefined) break;
        tasks.delete(due[0]);
        now = Math.max(now, due[1].at);
        due[1].task();
      }
      now = until;
    },
    pending: () => tasks.size,
  };
}
