/**
 * How late a timer, a socket event or a response may arrive on a busy machine
 * (two cores shared by many processes, garbage collection, a test file running
 * beside this one) without that being a fault of the code under test.
 *
 * Tests that pin a deadline assert two things: the wait happened (a lower bound
 * close to the deadline: timers never fire early) and it ended (an upper bound of
 * the deadline plus this margin, far below the test's own timeout, so a deadline
 * that is not enforced still fails).
 */
export const SCHEDULING_MARGIN_MS = 2_000;

/**
 * Timers never fire early, but libuv's loop clock is read in whole, cached
 * milliseconds while `performance.now()` is not: a wait of N ms may measure a
 * few ms short. Lower bounds subtract this much.
 */
export const CLOCK_SLACK_MS = 20;

/** Milliseconds since `started` (a `performance.now()` reading). */
export const msSince = (started: number): number => performance.now() - started;
