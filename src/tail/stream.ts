import type { GatewayError } from '../errors.js';
import type { PlacedLog } from '../model/placed-log.js';
import type { TailEvent } from '../schema/ports.js';

export interface TailStreamOptions {
  /**
   * Makes the event of a queued log as the client pulls it, in order: the cursor of
   * an event is built only when it is sent, so a queued log costs one reference.
   */
  toEvent(item: PlacedLog): TailEvent;
  /** Logs that may wait for a reader when more arrive; past it the stream ends (`onOverflow`). */
  maxQueue: number;
  /** The error a stream ends with when its reader fell too far behind. */
  onOverflow(): GatewayError;
  /** Runs once when the stream ends, whatever ended it. */
  onEnd(reason: string): void;
}

/** Events handed out in a row before the stream lets the event loop turn once. */
const YIELD_EVERY = 64;

/**
 * The async iterator a subscription's source stream is: logs are pushed in, the
 * client pulls their events. `end` lets queued events drain, then completes;
 * `return` (the client went away) completes at once. A reader that has `maxQueue`
 * logs waiting when more arrive has stopped reading: its queue is dropped and the
 * stream ends with `onOverflow`'s error, so a stalled client holds bounded memory.
 */
export class TailStream implements AsyncIterableIterator<TailEvent> {
  /** Queued logs from `#head` on (an index, so taking one is O(1) however long the queue). */
  #queue: PlacedLog[] = [];
  #head = 0;
  /** The error sent after the queue, when one ended the stream. */
  #last: TailEvent | undefined;
  #waiting: ((result: IteratorResult<TailEvent>) => void) | undefined;
  #ended = false;
  #taken = 0;
  readonly #options: TailStreamOptions;

  constructor(options: TailStreamOptions) {
    this.#options = options;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Logs queued and not yet pulled. */
  get queued(): number {
    return this.#queue.length - this.#head;
  }

  /** Queues logs for the reader, or ends the stream when it is `maxQueue` behind. */
  push(items: readonly PlacedLog[]): void {
    if (this.#ended || items.length === 0) return;
    if (this.queued >= this.#options.maxQueue) {
      this.#drop();
      this.end('reader too slow', { error: this.#options.onOverflow() });
      return;
    }
    for (const item of items) this.#queue.push(item);
    this.#wake();
  }

  /** Ends the stream after what is queued (and `last`, e.g. the error that ends it). */
  end(reason: string, last?: TailEvent): void {
    if (this.#ended) return;
    this.#last = last;
    this.#ended = true;
    this.#options.onEnd(reason);
    this.#wake();
  }

  next(): Promise<IteratorResult<TailEvent>> {
    const event = this.#take();
    if (event !== undefined) {
      // A queue of thousands drains through promise callbacks alone; every so often let
      // other work (other requests, timers) run in between.
      this.#taken += 1;
      if (this.#taken % YIELD_EVERY === 0) return new Promise((resolve) => setImmediate(() => resolve({ value: event, done: false })));
      return Promise.resolve({ value: event, done: false });
    }
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.#waiting = resolve));
  }

  return(): Promise<IteratorResult<TailEvent>> {
    this.#drop();
    this.#last = undefined;
    this.end('client went away');
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #take(): TailEvent | undefined {
    if (this.#head < this.#queue.length) {
      const item = this.#queue[this.#head]!;
      this.#head += 1;
      if (this.#head === this.#queue.length) this.#drop();
      // A reader that is always a little behind never empties the queue: shed the taken part now and then.
      else if (this.#head >= 1024 && this.#head * 2 >= this.#queue.length) this.#compact();
      return this.#options.toEvent(item);
    }
    if (this.#ended && this.#last !== undefined) {
      const last = this.#last;
      this.#last = undefined;
      return last;
    }
    return undefined;
  }

  #compact(): void {
    this.#queue = this.#queue.slice(this.#head);
    this.#head = 0;
  }

  #drop(): void {
    this.#queue = [];
    this.#head = 0;
  }

  #wake(): void {
    const waiting = this.#waiting;
    if (waiting === undefined) return;
    const event = this.#take();
    if (event !== undefined) {
      this.#waiting = undefined;
      waiting({ value: event, done: false });
    } else if (this.#ended) {
      this.#waiting = undefined;
      waiting({ value: undefined, done: true });
    }
  }
}
