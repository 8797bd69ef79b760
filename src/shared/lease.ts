/**
 * A lease per name across the deployment: at most one replica holds it at a time,
 * for a time-to-live its holder renews; a holder that stops renewing (it stopped or
 * died) loses it when the time runs out. The holder records its progress beside it
 * (the live tail: the end of its last poll's window), so whoever takes over goes on
 * from there.
 */

export type LeaseAnswer =
  /** This replica holds the lease now; `mark` is the last progress a holder recorded, if any. */
  | { held: true; mark: number | null }
  /** Another replica holds it (`unavailable` false), or the shared store could not be asked (true). */
  | { held: false; unavailable: boolean };

export interface Lease {
  /** Takes the lease for `ttlMs`, or renews it when this replica holds it already. */
  acquire(name: string, ttlMs: number): Promise<LeaseAnswer>;
  /** Records the holder's progress, kept `keepMs`; nothing when this replica does not hold the lease. */
  record(name: string, mark: number, keepMs: number): Promise<void>;
  /** Gives the lease up, when this replica holds it, so another may take it at once. */
  release(name: string): Promise<void>;
}

interface Held {
  holder: string;
  until: number;
}

/**
 * Leases in this process's memory. Each `holder()` is one member; a replica without
 * shared state has one, and holds every lease. Several stand for replicas in tests.
 */
export function createMemoryLeases(clock: () => number = Date.now) {
  const leases = new Map<string, Held>();
  const marks = new Map<string, { mark: number; until: number }>();
  let members = 0;
  const markOf = (name: string): number | null => {
    const entry = marks.get(name);
    if (entry === undefined || entry.until <= clock()) return null;
    return entry.mark;
  };
  const holds = (name: string, holder: string): boolean => {
    const entry = leases.get(name);
    return entry !== undefined && entry.holder === holder && entry.until > clock();
  };
  return {
    holder(): Lease {
      const holder = `member-${++members}`;
      return {
        async acquire(name, ttlMs) {
          const entry = leases.get(name);
          if (entry !== undefined && entry.holder !== holder && entry.until > clock()) return { held: false, unavailable: false };
          leases.set(name, { holder, until: clock() + ttlMs });
          return { held: true, mark: markOf(name) };
        },
        async record(name, mark, keepMs) {
          if (holds(name, holder)) marks.set(name, { mark, until: clock() + keepMs });
        },
        async release(name) {
          if (holds(name, holder)) leases.delete(name);
        },
      };
    },
  };
}
