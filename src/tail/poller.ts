import { randomUUID } from 'node:crypto';
import { GatewayError, type ErrorCode } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import { MAX_PAGE_SIZE, type AuditLogQuery } from '../model/audit-log.js';
import type { UpstreamClient } from '../upstream/types.js';
import { backoffDelayMs, givesUp, pollFailureAction } from './backoff.js';
import { freshOldestFirst, RecentIds } from './items.js';
import { placeLog, type PlacedLog } from '../model/placed-log.js';
import { forgetBeforeMs, pollWindow } from './lookback.js';
import type { Time } from '../model/time.js';
import type { Config } from '../config.js';

/** What a poller reads of the live tail's settings. */
export type PollerSettings = Pick<Config, 'tailPollMs' | 'tailLookbackMs' | 'tailGiveUpMs'>;

/** What a poller hands its subscribers after each successful poll. */
export interface PollBatch {
  /** Logs no earlier poll of this poller returned, oldest first. */
  fresh: PlacedLog[];
  /** Increases by one per successful poll. */
  sequence: number;
  /**
   * Every log that reached the upstream after `sinceMs` (and at most TAIL_LOOKBACK_MS
   * after its timestamp) is in this batch or an earlier one of the same poller: the
   * end of the previous poll's window (for the first poll, where it started from).
   */
  sinceMs: number;
  /** The end of this poll's window. */
  endMs: number;
}

export interface PollerListener {
  onBatch(batch: PollBatch): void;
  /** The poller stopped for good with this error (401/403/400, or gave up). */
  onFailure(error: GatewayError): void;
}

export interface PollerOptions {
  /** Short hash of the credentials and filter: what logs and metrics name the poller by. */
  key: string;
  authorization: string;
  tenant: string;
  filterQuery: Omit<AuditLogQuery, 'startDate' | 'endDate'>;
  settings: PollerSettings;
  upstream: Pick<UpstreamClient, 'listAuditLogs'>;
  logger: Logger;
  time: Time;
  onPoll(outcome: 'ok' | ErrorCode): void;
  /** The end of the window of a poll that came before this poller (another replica's, or a poller before it): the first window reaches back from there. */
  startAfterMs?: number | null;
}

/** Pages one poll may read when the lookback window holds more than one page of logs. */
const MAX_PAGES_PER_POLL = 5;

/**
 * Polls the upstream for one (credentials, filter) and tells its listeners about
 * logs it has not seen before. Each poll reads the lookback window, newest first;
 * ids already seen within the window are remembered, so a log is reported once
 * however many overlapping polls return it. Failures back off; 401/403/400 and
 * TAIL_GIVE_UP_MS without a successful poll stop it.
 */
export class Poller {
  readonly listeners = new Set<PollerListener>();
  readonly #options: PollerOptions;
  readonly #seen = new RecentIds();
  /** One correlation id for all of this poller's calls, logged when it starts. */
  readonly #correlationId = randomUUID();
  #cancelTimer: (() => void) | undefined;
  #inFlight: AbortController | undefined;
  #stopped = false;
  #previousEndMs: number | null = null;
  #lastSuccessMs: number;
  #failures = 0;
  #sequence = 0;

  constructor(options: PollerOptions) {
    this.#options = options;
    this.#previousEndMs = options.startAfterMs ?? null;
    this.#lastSuccessMs = options.time.now();
    options.logger.info({ tail: options.key, correlationId: this.#correlationId }, 'live tail poller started');
    this.#schedule(0);
  }

  get correlationId(): string {
    return this.#correlationId;
  }

  /** The end of the last successful poll's window (or where it started from, before one). */
  get lastEndMs(): number | null {
    return this.#previousEndMs;
  }

  /** Stops polling: no timer left, the call in flight aborted. */
  stop(reason: string): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#cancelTimer?.();
    this.#inFlight?.abort();
    this.#options.logger.info({ tail: this.#options.key, reason }, 'live tail poller stopped');
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#cancelTimer = this.#options.time.schedule(() => void this.#poll(), delayMs);
  }

  async #poll(): Promise<void> {
    const { settings, upstream, time, filterQuery } = this.#options;
    const clock = () => time.now();
    const window = pollWindow(clock(), settings.tailLookbackMs, this.#previousEndMs);
    const query: AuditLogQuery = {
      ...filterQuery,
      startDate: new Date(window.start).toISOString(),
      endDate: new Date(window.end).toISOString(),
    };
    const abort = new AbortController();
    this.#inFlight = abort;
    const headers = { authorization: this.#options.authorization, tenant: this.#options.tenant, correlationId: this.#correlationId };
    try {
      const items = await readWindow({ upstream, query, headers, signal: abort.signal, logger: this.#options.logger, tail: this.#options.key });
      if (this.#stopped) return;
      this.#options.onPoll('ok');
      const fresh = freshOldestFirst(items, (id) => this.#seen.has(id));
      for (const item of fresh) this.#seen.add(item);
      this.#seen.forgetBefore(forgetBeforeMs(window.end, settings.tailLookbackMs));
      const sinceMs = window.start + settings.tailLookbackMs;
      this.#previousEndMs = window.end;
      this.#lastSuccessMs = clock();
      this.#failures = 0;
      this.#sequence += 1;
      const batch: PollBatch = { fresh, sequence: this.#sequence, sinceMs, endMs: window.end };
      for (const listener of [...this.listeners]) listener.onBatch(batch);
      this.#schedule(settings.tailPollMs);
    } catch (error) {
      if (this.#stopped) return;
      const failure = error instanceof GatewayError ? error : new GatewayError('INTERNAL_SERVER_ERROR', 'The live tail could not poll.', { cause: error });
      this.#options.onPoll(failure.code);
      this.#failures += 1;
      const end = pollFailureAction(failure.code) === 'end' || givesUp(clock(), this.#lastSuccessMs, settings.tailGiveUpMs);
      this.#options.logger.warn(
        { tail: this.#options.key, code: failure.code, failures: this.#failures, ending: end, correlationId: this.#correlationId },
        'live tail poll failed',
      );
      if (end) {
        for (const listener of [...this.listeners]) listener.onFailure(failure);
        return;
      }
      const retryAfter = failure.extensions.retryAfterSeconds;
      const delay = backoffDelayMs(this.#failures, settings.tailPollMs, typeof retryAfter === 'number' ? retryAfter : undefined);
      // Never sleep past the give-up moment: the stream ends then, not a backoff later.
      const untilGiveUp = this.#lastSuccessMs + settings.tailGiveUpMs - clock();
      this.#schedule(Math.max(0, Math.min(delay, untilGiveUp)));
    } finally {
      if (this.#inFlight === abort) this.#inFlight = undefined;
    }
  }
}

/**
 * One read of a poll's window, newest first, as the upstream orders it: pages of
 * 2000, further pages (up to five) only when the window holds more.
 */
export async function readWindow(options: {
  upstream: Pick<UpstreamClient, 'listAuditLogs'>;
  query: AuditLogQuery;
  headers: { authorization: string; tenant: string; correlationId: string };
  signal: AbortSignal;
  logger: Logger;
  tail: string;
}): Promise<PlacedLog[]> {
  const { upstream, query, headers, signal } = options;
  const items: PlacedLog[] = [];
  for (let pageNumber = 1; pageNumber <= MAX_PAGES_PER_POLL; pageNumber++) {
    const page = await upstream.listAuditLogs({ query, window: { pageNumber, pageSize: MAX_PAGE_SIZE }, headers, signal });
    for (const record of page.items) items.push(placeLog(record));
    if (page.items.length < MAX_PAGE_SIZE || pageNumber * MAX_PAGE_SIZE >= page.totalCount) break;
    if (pageNumber === MAX_PAGES_PER_POLL) {
      options.logger.warn({ tail: options.tail, totalCount: page.totalCount }, 'live tail: lookback window holds more logs than one poll reads');
    }
  }
  return items;
}
