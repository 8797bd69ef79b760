import type { GatewayError } from '../errors.js';
import type { AuditLogRecord } from '../upstream/types.js';

/** One event of a live tail: an edge, or the error that ends the stream. */
export type TailEvent = { edge: { cursor: string; node: AuditLogRecord } } | { error: GatewayError };

/**
 * The async iterator a subscription's source stream is: events are pushed in,
 * the client pulls them. `end` lets queued events drain, then completes; `return`
 * (the client went away) completes at once. `onEnd` runs once, whichever came first.
 */
export class TailStream implements AsyncIterableIterator<TailEvent> {
  readonly #queue: TailEvent[] = [];
  #waiting: ((result: IteratorResult<TailEvent>) => void) | undefined;
  #ended = false;
  readonly #onEnd: (reason: string) => void;

  constructor(onEnd: (reason: string) => void) {
    this.#onEnd = onEnd;
  }

  get ended(): boolean {
    return this.#ended;
  }

  push(event: TailEvent): void {
    if (this.#ended) return;
    const waiting = this.#waiting;
    if (waiting) {
      this.#waiting = undefined;
      waiting({ value: event, done: false });
    } else {
      this.#queue.push(event);
    }
  }

  /** Ends the stream after what is queued (and `last`, e.g. the error that ends it). */
  end(reason: string, last?: TailEvent): void {
    if (this.#ended) return;
    if (last) this.push(last);
    this.#ended = true;
    this.#onEnd(reason);
    const waiting = this.#waiting;
    if (waiting && this.#queue.length === 0) {
      this.#waiting = undefined;
      waiting({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<TailEvent>> {
    const event = this.#queue.shift();
    if (event !== undefined) return Promise.resolve({ value: event, done: false });
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.#waiting = resolve));
  }

  return(): Promise<IteratorResult<TailEvent>> {
    this.#queue.length = 0;
    this.end('client went away');
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
