import { type PlacedLog } from '../model/placed-log.js';
import { compareInstants, parseInstant } from '../model/instant.js';
import { MAX_TIE_IDS, type Boundary } from './cursor.js';

/**
 * The boundary of every edge of a page, purely from the page, the read it was cut
 * from and the cursor it continues. A forward page lists, for each log, the ties at
 * its timestamp from the first one the walk met down to it (`newer` side); a
 * backward page lists the log and the ties after it (`older` side). Each list is
 * complete as of the read: the ties on the listed side are all in the page, or in
 * the continued cursor's list when the page starts at its timestamp.
 */

const sameInstant = (a: PlacedLog, b: PlacedLog) => compareInstants(a.instant, b.instant) === 0;

/** How many logs of `read` share `log`'s timestamp on each side of it (hints for reads going the other way). */
function tiesAround(read: readonly PlacedLog[], positions: ReadonlyMap<PlacedLog, number>, log: PlacedLog): { before: number; after: number } {
  const at = positions.get(log) ?? -1;
  if (at === -1) return { before: 0, after: 0 };
  let before = 0;
  while (at - before - 1 >= 0 && sameInstant(read[at - before - 1]!, log)) before++;
  let after = 0;
  while (at + after + 1 < read.length && sameInstant(read[at + after + 1]!, log)) after++;
  return { before, after };
}

/** Whether a log shares the cursor's timestamp (the cursor's instant parsed once per page). */
function atCursor(boundary: Boundary | null): (log: PlacedLog) => boolean {
  const instant = boundary === null ? null : parseInstant(boundary.timestamp);
  return (log) => instant !== null && compareInstants(log.instant, instant) === 0;
}

/** Keeps a list within what a cursor may hold: the ids nearest the own log. */
const newest = (ids: string[]) => (ids.length > MAX_TIE_IDS ? ids.slice(ids.length - MAX_TIE_IDS) : ids);
const oldest = (ids: string[]) => (ids.length > MAX_TIE_IDS ? ids.slice(0, MAX_TIE_IDS) : ids);

/** Boundaries of a forward page (`after`: the cursor it continues, if any). */
export function forwardBoundaries(page: readonly PlacedLog[], read: readonly PlacedLog[], after: Boundary | null): Boundary[] {
  const out = new Array<Boundary>(page.length);
  const positions = new Map(read.map((log, i) => [log, i]));
  const isAt = atCursor(after);
  let group: string[] = [];
  for (let i = 0; i < page.length; i++) {
    const log = page[i]!;
    const newGroup = i === 0 || !sameInstant(page[i - 1]!, log);
    const around = tiesAround(read, positions, log);
    if (isAt(log) && after!.side === 'older') {
      // Turning forward from a backward cursor: these logs are the cursor's listed older ties.
      const at = after!.ids.indexOf(log.digest);
      const ids = at === -1 ? [log.digest] : after!.ids.slice(at);
      out[i] = { timestamp: log.text, side: 'older', ids: oldest(ids), otherSide: around.before, newerCount: 0 };
      continue;
    }
    if (newGroup) group = isAt(log) ? [...after!.ids] : [];
    group.push(log.digest);
    out[i] = { timestamp: log.text, side: 'newer', ids: newest([...group]), otherSide: around.after, newerCount: 0 };
  }
  return out;
}

/**
 * Boundaries of a backward page (`before`: the cursor it continues, if any).
 * `readOffset`, when the read's window reaches up to the walk's pinned end, is the
 * position of `read[0]` in it: each cursor then counts the logs from the pinned end
 * down to the end of its tie group, a hint for the next backward page's read.
 */
export function backwardBoundaries(
  page: readonly PlacedLog[],
  read: readonly PlacedLog[],
  before: Boundary | null,
  readOffset: number | null = null,
): Boundary[] {
  const out = new Array<Boundary>(page.length);
  const positions = new Map(read.map((log, i) => [log, i]));
  const isAt = atCursor(before);
  let group: string[] = [];
  for (let i = page.length - 1; i >= 0; i--) {
    const log = page[i]!;
    const newGroup = i === page.length - 1 || !sameInstant(page[i + 1]!, log);
    const around = tiesAround(read, positions, log);
    const at = positions.get(log);
    const newerCount = readOffset === null || at === undefined ? 0 : readOffset + at + around.after + 1;
    if (isAt(log) && before!.side === 'newer') {
      // Turning backward from a forward cursor: these logs are the cursor's listed newer ties.
      const at = before!.ids.indexOf(log.digest);
      const ids = at === -1 ? [log.digest] : before!.ids.slice(0, at + 1);
      out[i] = { timestamp: log.text, side: 'newer', ids: newest(ids), otherSide: around.after, newerCount };
      continue;
    }
    if (newGroup) group = isAt(log) ? [...before!.ids] : [];
    group.unshift(log.digest);
    out[i] = { timestamp: log.text, side: 'older', ids: oldest([...group]), otherSide: around.before, newerCount };
  }
  return out;
}
