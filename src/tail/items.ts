import type { PlacedLog } from '../model/placed-log.js';
import { compareInstants, parseInstant, type Instant } from '../model/instant.js';

/**
 * Where a stream stands: every log after `timestamp`, and those at exactly
 * `timestamp` whose id is not in `ids`, are still to be delivered.
 */
export interface ResumePoint {
  timestamp: string;
  ids: string[];
}

/** True when `item` comes after `point`: later, or at the same instant and not yet delivered. Pure. */
export function isAfter(item: PlacedLog, point: { instant: Instant; ids: ReadonlySet<string> }): boolean {
  const order = compareInstants(item.instant, point.instant);
  return order > 0 || (order === 0 && !point.ids.has(item.record.auditLogId));
}

/**
 * The items of one read (upstream order: newest first) that `known` does not hold,
 * each once, oldest first. Equal timestamps keep the reverse of the upstream's order,
 * which is the same on every call. Pure.
 */
export function freshOldestFirst(newestFirst: readonly PlacedLog[], known: (id: string) => boolean): PlacedLog[] {
  const taken = new Set<string>();
  const fresh: Array<{ item: PlacedLog; position: number }> = [];
  newestFirst.forEach((item, position) => {
    const id = item.record.auditLogId;
    if (known(id) || taken.has(id)) return;
    taken.add(id);
    fresh.push({ item, position });
  });
  fresh.sort((a, b) => compareInstants(a.item.instant, b.item.instant) || b.position - a.position);
  return fresh.map(({ item }) => item);
}

/**
 * Ids seen recently, with the millisecond of their timestamp, so that an id read
 * again by a later overlapping poll is recognised and ids too old to be read again
 * are forgotten (memory bounded by the lookback window).
 */
export class RecentIds {
  readonly #ms = new Map<string, number>();

  has(id: string): boolean {
    return this.#ms.has(id);
  }

  add(item: PlacedLog): void {
    this.#ms.set(item.record.auditLogId, item.instant.ms);
  }

  /** Forgets ids whose timestamp is before `ms`: no later read can return them. */
  forgetBefore(ms: number): void {
    for (const [id, at] of this.#ms) if (at < ms) this.#ms.delete(id);
  }

  get size(): number {
    return this.#ms.size;
  }
}

/**
 * The high-water mark of a stream as logs are sent: the latest timestamp sent and
 * the ids sent at exactly it (what an event's cursor carries). A late log (older than
 * the mark) leaves it where it is. Each log costs O(1), so a tie group of thousands
 * is no quadratic work.
 */
export class DeliveryMark {
  #timestamp: string | null = null;
  #instant: Instant | null = null;
  #ids: string[] = [];
  #idSet = new Set<string>();

  constructor(start: ResumePoint | null) {
    if (start === null) return;
    this.#timestamp = start.timestamp;
    this.#instant = parseInstant(start.timestamp);
    this.#ids = [...start.ids];
    this.#idSet = new Set(start.ids);
  }

  advance(item: PlacedLog): void {
    const order = this.#instant === null ? 1 : compareInstants(item.instant, this.#instant);
    const id = item.record.auditLogId;
    if (order > 0) {
      this.#timestamp = item.text;
      this.#instant = item.instant;
      this.#ids = [id];
      this.#idSet = new Set([id]);
    } else if (order === 0 && !this.#idSet.has(id)) {
      this.#ids.push(id);
      this.#idSet.add(id);
    }
  }

  /** Where the stream stands now; null before anything was sent or resumed from. The ids are the mark's own: read, never change. */
  get point(): ResumePoint | null {
    return this.#timestamp === null ? null : { timestamp: this.#timestamp, ids: this.#ids };
  }
}
