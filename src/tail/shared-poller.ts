import { randomUUID } from 'node:crypto';
import { GatewayError } from '../errors.js';
import type { AuditLogQuery } from '../model/audit-log.js';
import type { PlacedLog } from '../model/placed-log.js';
import type { FanOut } from '../shared/fan-out.js';
import type { Lease } from '../shared/lease.js';
import { backoffDelayMs, givesUp, pollFailureAction } from './backoff.js';
import { freshOldestFirst } from './items.js';
import { Poller, readWindow, type PollBatch, type PollerOptions } from './poller.js';
import { decodeTailMessage, encodeTailMessage, type TailMessage } from './shared-messages.js';

/** What a tail hands its subscribers: logs found, oldest first. */
export interface TailBatch {
  fresh: PlacedLog[];
  /**
   * True when the batch read a window again from an earlier point (a poller's first
   * poll, a gap's repair): its logs may have reached subscribers already, or be older
   * than where a subscriber began.
   */
  rereads: boolean;
}

export interface TailListener {
  onBatch(batch: TailBatch): void;
  /** The tail ended for good with this error (401/403/400, or it gave up). */
  onFailure(error: GatewayError): void;
}

export interface SharedPollerOptions {
  /** The tail's name, the same on every replica for the same caller and filter (a hash of both). */
  name: string;
  /** The poller this replica runs when it polls: its credentials are this replica's first subscriber's. */
  poller: Omit<PollerOptions, 'startAfterMs'>;
  lease: Lease;
  fanOut: FanOut;
  /** Told when this replica starts or stops polling for the tail. */
  onPolling?(polling: boolean): void;
}

/**
 * How long a lease lives and how often it is renewed or asked for, from the poll
 * interval: a polling replica that dies loses the lease within 1.5 intervals, and
 * another asks every quarter interval, so it polls within 2 intervals of the death
 * (3 × TAIL_POLL_MS is the promise, with room for the poll itself). Pure.
 */
export function leaseTimings(pollMs: number): { ttlMs: number; renewMs: number; askMs: number } {
  return { ttlMs: Math.round(pollMs * 1.5), renewMs: Math.round(pollMs / 3), askMs: Math.round(pollMs / 4) };
}

type Role = 'joining' | 'leading' | 'alone' | 'following';

interface Repair {
  /** Batches that came while the gap was read, delivered after it. */
  queued: Array<Extract<TailMessage, { kind: 'batch' }>>;
  failures: number;
  startedAt: number;
  abort: AbortController;
  cancelRetry?: () => void;
}

/**
 * One tail (caller and filter) across the deployment, seen from one replica. The
 * replica that holds the tail's lease polls, hands each batch to its own
 * subscribers and publishes it; the others hand on what it publishes. A replica
 * that cannot reach the shared store works alone with a poller of its own, and
 * goes back to following when the store is back and another replica polls.
 *
 * No log is missed across a change of hands. Each batch says from when it is
 * complete (`sinceMs`: the end of the previous poll's window) to when (`endMs`); a
 * following replica keeps the end of what it has (`coverage`). A batch that starts
 * after it (a message lost while the connection was down, another replica's poller
 * that started later) is preceded by one read of the gap with this replica's own
 * subscriber's credentials. A poller that starts here starts from that end, or from
 * the mark the previous holder left with the lease, whichever is earlier. Logs read
 * twice reach no subscriber twice: each one drops the ids it delivered.
 */
export class SharedPoller {
  readonly listeners = new Set<TailListener>();
  readonly #options: SharedPollerOptions;
  readonly #timings: { ttlMs: number; renewMs: number; askMs: number };
  /** The correlation id of this replica's gap reads. */
  readonly #correlationId = randomUUID();
  readonly #unsubscribe: () => void;
  #role: Role = 'joining';
  #poller: Poller | undefined;
  #coverage: number | null = null;
  #repair: Repair | undefined;
  #cancelTimer: (() => void) | undefined;
  #asking = false;
  #fanOutDown = false;
  #stopped = false;

  constructor(options: SharedPollerOptions) {
    this.#options = options;
    this.#timings = leaseTimings(options.poller.settings.tailPollMs);
    this.#unsubscribe = options.fanOut.subscribe(options.name, {
      message: (text) => this.#onMessage(text),
      up: () => {
        this.#fanOutDown = false;
        if (this.#role === 'alone') void this.#ask();
      },
      down: () => {
        this.#fanOutDown = true;
        if (this.#role === 'following' || this.#role === 'joining') this.#alone();
      },
    });
    void this.#ask();
  }

  /** The correlation id of this replica's poller, while it polls. */
  get correlationId(): string | undefined {
    return this.#poller?.correlationId;
  }

  /** True while this replica polls for the tail. */
  get polling(): boolean {
    return this.#poller !== undefined;
  }

  stop(reason: string): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#cancelTimer?.();
    this.#cancelRepair();
    this.#stopPoller(reason);
    this.#unsubscribe();
    if (this.#role === 'leading') {
      const { lease, fanOut, name } = this.#options;
      // Given up at once, and said so, so that a replica with subscribers left takes over now rather than when the lease runs out.
      void lease.release(name).then(() => fanOut.publish(name, () => encodeTailMessage({ kind: 'released' })));
    }
  }

  /** Asks for the lease (or renews it), then takes the role the answer gives, and asks again later. */
  async #ask(): Promise<void> {
    if (this.#stopped || this.#asking) return;
    this.#asking = true;
    this.#cancelTimer?.();
    const { lease, name } = this.#options;
    const answer = await lease.acquire(name, this.#timings.ttlMs);
    this.#asking = false;
    if (this.#stopped) {
      if (answer.held) void lease.release(name);
      return;
    }
    if (answer.held) this.#lead(answer.mark);
    else if (answer.unavailable || this.#fanOutDown) this.#alone();
    else this.#follow();
    const delay = this.#role === 'leading' ? this.#timings.renewMs : this.#timings.askMs;
    this.#cancelTimer = this.#options.poller.time.schedule(() => void this.#ask(), delay);
  }

  #lead(mark: number | null): void {
    if (this.#role !== 'leading') this.#options.poller.logger.debug({ tail: this.#options.poller.key }, 'live tail: this replica polls for the deployment');
    this.#role = 'leading';
    this.#cancelRepair();
    if (this.#poller === undefined) this.#startPoller(earliest(mark, this.#coverage));
  }

  #alone(): void {
    this.#role = 'alone';
    this.#cancelRepair();
    if (this.#poller === undefined) this.#startPoller(this.#coverage);
  }

  #follow(): void {
    if (this.#role !== 'following' && this.#role !== 'joining') this.#options.poller.logger.debug({ tail: this.#options.poller.key }, 'live tail: another replica polls for the deployment');
    this.#role = 'following';
    this.#stopPoller('another replica polls for this tail');
  }

  #startPoller(startAfterMs: number | null): void {
    const poller = new Poller({ ...this.#options.poller, startAfterMs });
    poller.listeners.add({ onBatch: (batch) => this.#onOwnBatch(poller, batch), onFailure: (error) => this.#onOwnFailure(poller, error) });
    this.#poller = poller;
    this.#options.onPolling?.(true);
  }

  #stopPoller(reason: string): void {
    const poller = this.#poller;
    if (poller === undefined) return;
    this.#poller = undefined;
    poller.stop(reason);
    this.#options.onPolling?.(false);
  }

  #onOwnBatch(poller: Poller, batch: PollBatch): void {
    if (this.#poller !== poller) return;
    this.#coverage = Math.max(this.#coverage ?? batch.endMs, batch.endMs);
    const rereads = batch.sequence === 1;
    this.#deliver(batch.fresh, rereads);
    if (this.#role !== 'leading') return;
    const { fanOut, lease, name, poller: settings } = this.#options;
    // Empty batches too: they move the other replicas' coverage on, so the next batch with logs leaves no gap.
    void fanOut.publish(name, () => encodeTailMessage({ kind: 'batch', fresh: batch.fresh, sinceMs: batch.sinceMs, endMs: batch.endMs, rereads }));
    void lease.record(name, batch.endMs, settings.settings.tailGiveUpMs);
  }

  #onOwnFailure(poller: Poller, error: GatewayError): void {
    if (this.#poller !== poller) return;
    if (this.#role === 'leading') void this.#options.fanOut.publish(this.#options.name, () => encodeTailMessage({ kind: 'failure', error }));
    this.#fail(error);
  }

  #onMessage(text: string): void {
    if (this.#stopped) return;
    const message = decodeTailMessage(text);
    if (message === undefined) return;
    const following = this.#role === 'following' || this.#role === 'joining';
    switch (message.kind) {
      case 'batch':
        // A replica that polls itself has all of it already; another's batch costs its subscribers only their dedupe.
        if (!following) return this.#deliver(message.fresh, message.rereads);
        return this.#onRemoteBatch(message);
      case 'failure':
        if (following) this.#fail(message.error);
        return;
      case 'released':
        if (following) void this.#ask();
        return;
    }
  }

  #onRemoteBatch(batch: Extract<TailMessage, { kind: 'batch' }>): void {
    if (this.#repair) return void this.#repair.queued.push(batch);
    if (this.#coverage !== null && batch.sinceMs > this.#coverage) return this.#startRepair(this.#coverage, batch);
    this.#coverage = Math.max(this.#coverage ?? batch.endMs, batch.endMs);
    this.#deliver(batch.fresh, batch.rereads);
  }

  /** Reads the gap between what this replica has and where `next` starts, then hands on `next` and what came meanwhile. */
  #startRepair(from: number, next: Extract<TailMessage, { kind: 'batch' }>): void {
    const repair: Repair = { queued: [next], failures: 0, startedAt: this.#options.poller.time.now(), abort: new AbortController() };
    this.#repair = repair;
    const { settings, filterQuery, upstream, logger, key, authorization, tenant, time } = this.#options.poller;
    const query: AuditLogQuery = {
      ...(filterQuery as Omit<AuditLogQuery, 'startDate' | 'endDate'>),
      startDate: new Date(from - settings.tailLookbackMs).toISOString(),
      endDate: new Date(next.sinceMs).toISOString(),
    };
    logger.info({ tail: key, gapMs: next.sinceMs - from, correlationId: this.#correlationId }, 'live tail: reading a gap in what the polling replica published');
    const attempt = (): void => {
      readWindow({ upstream, query, headers: { authorization, tenant, correlationId: this.#correlationId }, signal: repair.abort.signal, logger, tail: key }).then(
        (items) => {
          if (this.#repair !== repair) return;
          this.#repair = undefined;
          this.#deliver(freshOldestFirst(items, () => false), true);
          this.#coverage = Math.max(from, next.sinceMs);
          for (const batch of repair.queued) this.#onRemoteBatch(batch);
        },
        (error: unknown) => {
          if (this.#repair !== repair) return;
          const failure = error instanceof GatewayError ? error : new GatewayError('INTERNAL_SERVER_ERROR', 'The live tail could not poll.', { cause: error });
          repair.failures += 1;
          logger.warn({ tail: key, code: failure.code, failures: repair.failures }, 'live tail: the read of a gap failed');
          if (pollFailureAction(failure.code) === 'end' || givesUp(time.now(), repair.startedAt, settings.tailGiveUpMs)) {
            this.#repair = undefined;
            return this.#fail(failure);
          }
          const retryAfter = failure.extensions.retryAfterSeconds;
          const delay = backoffDelayMs(repair.failures, settings.tailPollMs, typeof retryAfter === 'number' ? retryAfter : undefined);
          repair.cancelRetry = time.schedule(attempt, Math.min(delay, Math.max(0, repair.startedAt + settings.tailGiveUpMs - time.now())));
        },
      );
    };
    attempt();
  }

  /** Stops reading a gap (this replica polls itself now, from before it); what was queued goes out as it is. */
  #cancelRepair(): void {
    const repair = this.#repair;
    if (repair === undefined) return;
    this.#repair = undefined;
    repair.abort.abort();
    repair.cancelRetry?.();
    if (!this.#stopped) for (const batch of repair.queued) this.#deliver(batch.fresh, batch.rereads);
  }

  #deliver(fresh: PlacedLog[], rereads: boolean): void {
    const batch: TailBatch = { fresh, rereads };
    for (const listener of [...this.listeners]) listener.onBatch(batch);
  }

  #fail(error: GatewayError): void {
    for (const listener of [...this.listeners]) listener.onFailure(error);
  }
}

/** The earlier of two points, either of which may be unknown. Pure. */
function earliest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}
