import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { badUserInput } from '../errors.js';
import { ID_DIGEST_BYTES } from '../model/placed-log.js';
import { parseInstant } from '../model/instant.js';

/** An `after`/`before` of null, undefined or the empty string counts as not given (clients send "" for "none"). */
export function isAbsentCursor(value: unknown): value is null | undefined | '' {
  return value === undefined || value === null || value === '';
}

/**
 * Cursors say WHERE a walk is, not how far it went: the boundary log's timestamp as
 * the upstream wrote it, and the ids (digests) of the logs sharing that timestamp on
 * one side of it, so a page resumes past ties whatever else was written, deleted or
 * changed meanwhile. Plus the walk: its filter, its pinned window and the total its
 * first page saw. Integrity: HMAC-SHA256 under CURSOR_SECRET (the first of its
 * secrets signs, any verifies). See docs/pagination.md.
 */

/** The walk a cursor belongs to. */
export interface WalkState {
  /** `filterFingerprint` of the filter the walk was made for. */
  fingerprint: string;
  /** The walk's pinned time window, epoch ms, both inclusive. */
  start: number;
  end: number;
  /** What the filter matched when the walk's first page was read. */
  total: number;
}

/**
 * Which logs sharing the boundary timestamp `ids` lists, always including the
 * cursor's own log: `newer` = the own log and the ties the walk order puts before it
 * (own last); `older` = the own log and the ties after it (own first).
 */
export type TieSide = 'newer' | 'older';

/** Where a cursor's log stands. */
export interface Boundary {
  /** The log's timestamp exactly as the upstream wrote it (e.g. 7 fractional digits). */
  timestamp: string;
  side: TieSide;
  /** `idDigest`s of the listed ties, in walk order (newest first). */
  ids: string[];
  /**
   * How many ties on the other side of the own log the read that made the cursor
   * saw: a hint for sizing reads that go the other way, never relied on for exactness.
   */
  otherSide: number;
  /**
   * How many logs the walk's window held from its pinned end down to the end of the
   * boundary's tie group, as the read that made the cursor saw it (0: unknown). A hint
   * that lets a backward page find its tail in one call when little changed.
   */
  newerCount: number;
}

export interface CursorPayload extends WalkState {
  boundary: Boundary;
}

export interface CursorCodec {
  encode(payload: CursorPayload): string;
  /**
   * The payload of a cursor made by a codec with the same secret; BAD_USER_INPUT
   * for anything else. `argumentName` (e.g. "after") names the argument in the message.
   */
  decode(cursor: string, argumentName?: string): CursorPayload;
}

/*
 * Layout (then base64url, no padding):
 *
 *   0       version (2)
 *   1..9    fingerprint (9 bytes: the 12 base64url characters of filterFingerprint)
 *   10..17  start, float64 BE (epoch ms)
 *   18..25  end,   float64 BE (epoch ms)
 *   26..29  total, uint32 BE
 *   30      side (0 newer, 1 older)
 *   31..32  otherSide, uint16 BE (capped)
 *   33..36  newerCount, uint32 BE (0: unknown)
 *   37      timestamp length L (1..64), then L bytes of ASCII timestamp
 *   ..      id count N (uint16 BE, >= 1), then N digests of 6 bytes
 *   last 12 tag = HMAC-SHA256_K(everything before)[0..12]
 *
 * K is derived from the secret with a label, so a key used elsewhere never tags cursors.
 */
const VERSION = 2;
const FINGERPRINT_BYTES = 9;
const FIXED_BYTES = 37;
const TAG_BYTES = 12;
const MAX_TIMESTAMP = 64;
/** Most ids a cursor lists; more ties at one exact timestamp than this cannot be walked past (docs/pagination.md). */
export const MAX_TIE_IDS = 4000;
const MAX_CURSOR_CHARS = Math.ceil(((FIXED_BYTES + 1 + MAX_TIMESTAMP + 2 + MAX_TIE_IDS * ID_DIGEST_BYTES + TAG_BYTES) * 4) / 3);
const CURSOR_PATTERN = /^[A-Za-z0-9_-]+$/;
const FINGERPRINT_PATTERN = /^[A-Za-z0-9_-]{12}$/;
const DIGEST_PATTERN = /^[A-Za-z0-9_-]{8}$/;
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;
/** The range of a JavaScript Date, in ms either side of the epoch. */
const MAX_TIME = 8.64e15;
const MAX_TOTAL = 0x7fffffff;

const isTime = (value: number) => Number.isInteger(value) && Math.abs(value) <= MAX_TIME;

function checkPayload(p: CursorPayload): void {
  if (!FINGERPRINT_PATTERN.test(p.fingerprint)) throw new TypeError('fingerprint must come from filterFingerprint');
  if (!isTime(p.start) || !isTime(p.end)) throw new RangeError(`walk window [${p.start}, ${p.end}] is not a pair of epoch ms`);
  if (!Number.isInteger(p.total) || p.total < 0 || p.total > MAX_TOTAL) throw new RangeError(`total ${p.total} out of range`);
  const { timestamp, ids, side } = p.boundary;
  if (timestamp.length > MAX_TIMESTAMP || !PRINTABLE_ASCII.test(timestamp) || parseInstant(timestamp) === null) {
    throw new RangeError('boundary timestamp must be an ISO-8601 text of at most 64 characters');
  }
  if (side !== 'newer' && side !== 'older') throw new RangeError('side must be newer or older');
  if (ids.length < 1 || ids.length > MAX_TIE_IDS || !ids.every((id) => DIGEST_PATTERN.test(id))) {
    throw new RangeError(`a cursor lists 1 to ${MAX_TIE_IDS} id digests`);
  }
}

/**
 * A codec under a list of secrets: cursors are signed with the first and accepted
 * when any one made their tag, so a secret can be rotated while walks are in flight.
 */
export function createCursorCodec(secrets: readonly string[]): CursorCodec {
  if (secrets.length === 0) throw new RangeError('a cursor codec needs at least one secret');
  const keys = secrets.map((secret) => createHmac('sha256', secret).update('audit-log-cursor/v2').digest());
  const tagUnder = (key: Buffer, body: Buffer): Buffer => createHmac('sha256', key).update(body).digest().subarray(0, TAG_BYTES);
  const tagOf = (body: Buffer): Buffer => tagUnder(keys[0]!, body);
  const anyKeyTagged = (body: Buffer, tag: Buffer): boolean => keys.some((key) => timingSafeEqual(tagUnder(key, body), tag));

  const encode = (payload: CursorPayload): string => {
    checkPayload(payload);
    const { boundary } = payload;
    const size = FIXED_BYTES + 1 + boundary.timestamp.length + 2 + boundary.ids.length * ID_DIGEST_BYTES;
    const body = Buffer.allocUnsafe(size + TAG_BYTES);
    body[0] = VERSION;
    body.write(payload.fingerprint, 1, FINGERPRINT_BYTES, 'base64url');
    body.writeDoubleBE(payload.start, 10);
    body.writeDoubleBE(payload.end, 18);
    body.writeUInt32BE(payload.total, 26);
    body[30] = boundary.side === 'newer' ? 0 : 1;
    body.writeUInt16BE(Math.min(Math.max(0, Math.floor(boundary.otherSide)), 0xffff), 31);
    body.writeUInt32BE(Math.min(Math.max(0, Math.floor(boundary.newerCount)), MAX_TOTAL), 33);
    body[37] = boundary.timestamp.length;
    let at = 38 + body.write(boundary.timestamp, 38, 'latin1');
    at = body.writeUInt16BE(boundary.ids.length, at);
    for (const id of boundary.ids) at += body.write(id, at, ID_DIGEST_BYTES, 'base64url');
    tagOf(body.subarray(0, size)).copy(body, size);
    return body.toString('base64url');
  };

  const decode = (cursor: string, argumentName?: string): CursorPayload => {
    const invalid = () =>
      badUserInput(argumentName ? `"${argumentName}" is not a valid cursor` : 'Not a valid cursor');
    if (typeof cursor !== 'string' || cursor.length > MAX_CURSOR_CHARS || cursor.length % 4 === 1 || !CURSOR_PATTERN.test(cursor)) {
      throw invalid();
    }
    const body = Buffer.from(cursor, 'base64url');
    // Only the canonical encoding is ours (no stray bits in the last character).
    if (body.length < FIXED_BYTES + 1 + TAG_BYTES || body.toString('base64url') !== cursor || body[0] !== VERSION) throw invalid();
    const size = body.length - TAG_BYTES;
    if (!anyKeyTagged(body.subarray(0, size), body.subarray(size))) throw invalid();
    // The tag is ours, so the layout is too; the checks below only guard against a secret shared with a buggy writer.
    const length = body[37]!;
    const idsAt = 38 + length;
    if (idsAt + 2 > size) throw invalid();
    const count = body.readUInt16BE(idsAt);
    if (idsAt + 2 + count * ID_DIGEST_BYTES !== size) throw invalid();
    const ids = new Array<string>(count);
    for (let i = 0; i < count; i++) {
      const from = idsAt + 2 + i * ID_DIGEST_BYTES;
      ids[i] = body.toString('base64url', from, from + ID_DIGEST_BYTES);
    }
    const payload: CursorPayload = {
      fingerprint: body.toString('base64url', 1, 10),
      start: body.readDoubleBE(10),
      end: body.readDoubleBE(18),
      total: body.readUInt32BE(26),
      boundary: {
        timestamp: body.toString('latin1', 38, idsAt),
        side: body[30] === 0 ? 'newer' : 'older',
        ids,
        otherSide: body.readUInt16BE(31),
        newerCount: body.readUInt32BE(33),
      },
    };
    try {
      checkPayload(payload);
    } catch {
      throw invalid();
    }
    return payload;
  };

  return { encode, decode };
}

/**
 * A short, stable hash of a normalized filter, for telling cursors of one filter
 * from another's: the first 9 bytes of SHA-256 over a canonical JSON (keys sorted,
 * `undefined` and `null` members dropped, arrays kept in order, Dates as ISO
 * strings), as 12 base64url characters. Two filters that differ only in absent vs
 * null members get the same fingerprint; `[]` and an absent list do not, so drop
 * empty lists while normalizing if the upstream treats them alike.
 */
export function filterFingerprint(normalizedFilter: Record<string, unknown>): string {
  const canonical = canonicalJson(normalizedFilter) ?? 'null';
  // Only short filters are remembered, so the memory stays small whatever callers send.
  const remember = canonical.length <= MAX_REMEMBERED_FILTER_LENGTH;
  let fingerprint = remember ? fingerprints.get(canonical) : undefined;
  if (fingerprint === undefined) {
    fingerprint = createHash('sha256').update(canonical).digest().subarray(0, FINGERPRINT_BYTES).toString('base64url');
    if (remember) fingerprints.set(canonical, fingerprint);
  }
  return fingerprint;
}

/** How many recent filters the hashes are remembered for. */
const MAX_REMEMBERED = 1024;
const MAX_REMEMBERED_FILTER_LENGTH = 512;

/** A Map that forgets its oldest entry past `capacity`: recent hashes, bounded memory. */
class BoundedCache<V> {
  readonly #entries = new Map<string, V>();
  constructor(readonly capacity: number) {}

  get(key: string): V | undefined {
    return this.#entries.get(key);
  }

  set(key: string, value: V): void {
    if (this.#entries.size >= this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, value);
  }
}

const fingerprints = new BoundedCache<string>(MAX_REMEMBERED);

function canonicalJson(value: unknown): string | undefined {
  if (value === null || value === undefined || typeof value === 'function' || typeof value === 'symbol') {
    return undefined;
  }
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return JSON.stringify(Number.isNaN(value.getTime()) ? null : value.toISOString());
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item) ?? 'null').join(',')}]`;
  if (typeof value === 'object') {
    const members: string[] = [];
    for (const key of Object.keys(value).sort()) {
      const member = canonicalJson((value as Record<string, unknown>)[key]);
      if (member !== undefined) members.push(`${JSON.stringify(key)}:${member}`);
    }
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The `after`/`before` arguments as the client sent them. */
export interface CursorArgs {
  after?: string | null;
  before?: string | null;
}

export interface DecodedCursorArgs {
  /** The walk the cursors belong to; null when there is none (a new walk: pin one with `pinWindow`). */
  walk: WalkState | null;
  after: Boundary | null;
  before: Boundary | null;
}

/**
 * Decodes a page's cursors for a filter (`fingerprint`). An empty string counts as
 * absent. BAD_USER_INPUT when a cursor is not ours, was made for another filter, or
 * `after` and `before` come from different walks.
 */
export function decodeCursorArgs(codec: CursorCodec, fingerprint: string, args: CursorArgs): DecodedCursorArgs {
  let walk: WalkState | null = null;
  const read = (name: 'after' | 'before', cursor: string | null | undefined): Boundary | null => {
    if (isAbsentCursor(cursor)) return null;
    const payload = codec.decode(cursor, name);
    if (payload.fingerprint !== fingerprint) {
      throw badUserInput(`"${name}" is a cursor for a different filter`);
    }
    if (walk && (walk.start !== payload.start || walk.end !== payload.end || walk.total !== payload.total)) {
      throw badUserInput('"after" and "before" are cursors of different walks');
    }
    walk = { fingerprint: payload.fingerprint, start: payload.start, end: payload.end, total: payload.total };
    return payload.boundary;
  };
  const after = read('after', args.after);
  const before = read('before', args.before);
  return { walk, after, before };
}
