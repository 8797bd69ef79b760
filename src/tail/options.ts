import { SETTINGS } from '../settings.js';

/** How the live tail polls and how many streams it serves (contract section 8). */
export interface TailSettings {
  /** Time between two polls of one poller. */
  pollMs: number;
  /** How late after its timestamp a log may reach the upstream and still be delivered. */
  lookbackMs: number;
  /** A stream whose poller has not polled successfully for this long ends with the last error. */
  giveUpMs: number;
  /** Open subscriptions per Authorization + X-Tenant. */
  maxPerCaller: number;
  /** Open subscriptions in all. */
  max: number;
  /** Events one stream may hold unread when more arrive; past it the stream ends. */
  maxQueue: number;
}

export const DEFAULT_TAIL_SETTINGS: TailSettings = {
  pollMs: SETTINGS.tailPollMs.default,
  lookbackMs: SETTINGS.tailLookbackMs.default,
  giveUpMs: SETTINGS.tailGiveUpMs.default,
  maxPerCaller: SETTINGS.tailMaxPerCaller.default,
  max: SETTINGS.tailMax.default,
  maxQueue: SETTINGS.tailMaxQueue.default,
};

/** The shortest poll interval the environment may ask for: each poll is an upstream call. */
export const MIN_POLL_MS = SETTINGS.tailPollMs.min;

export interface TailOptions extends Partial<TailSettings> {
  /**
   * Test-only: lowers the floor of `pollMs` below MIN_POLL_MS so tests run in seconds.
   * Never set from the environment.
   */
  testOnlyMinPollMs?: number;
}

/** The settings with defaults filled in; RangeError for a value no configuration may give. */
export function resolveTailSettings(options: TailOptions = {}): TailSettings {
  const settings: TailSettings = {
    pollMs: options.pollMs ?? DEFAULT_TAIL_SETTINGS.pollMs,
    lookbackMs: options.lookbackMs ?? DEFAULT_TAIL_SETTINGS.lookbackMs,
    giveUpMs: options.giveUpMs ?? DEFAULT_TAIL_SETTINGS.giveUpMs,
    maxPerCaller: options.maxPerCaller ?? DEFAULT_TAIL_SETTINGS.maxPerCaller,
    max: options.max ?? DEFAULT_TAIL_SETTINGS.max,
    maxQueue: options.maxQueue ?? DEFAULT_TAIL_SETTINGS.maxQueue,
  };
  const minPollMs = options.testOnlyMinPollMs ?? MIN_POLL_MS;
  if (!Number.isInteger(settings.pollMs) || settings.pollMs < minPollMs) {
    throw new RangeError(`tail pollMs must be an integer of at least ${minPollMs}, got ${settings.pollMs}`);
  }
  for (const name of ['lookbackMs', 'giveUpMs', 'maxPerCaller', 'max', 'maxQueue'] as const) {
    if (!Number.isInteger(settings[name]) || settings[name] < 0) {
      throw new RangeError(`tail ${name} must be a non-negative integer, got ${settings[name]}`);
    }
  }
  return settings;
}
