import { createCipheriv, createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { badUserInput } from '../errors.js';
import type { TimeWindow as PinnedWindow } from './window.js';
import { isAbsentCursor } from './absent-cursor.js';

/** What a cursor carries: the walk it belongs to and a position in it. */
export interface CursorPayload {
  /** `filterFingerprint` of the filter the walk was made for. */
  fingerprint: string;
  /** The walk's pinned time window, epoch ms, both inclusive. */
  start: number;
  end: number;
  /** 0-based position in the walk's result set (newest first). */
  offset: number;
}

/**
 * Makes the cursors of one walk, the walk's part of the work done once: call it
 * with a position for that position's cursor.
 */
export interface WalkCursorEncoder {
  (offset: number): string;
  /** The cursors of positions from, from+1, …, from+count-1, made in one batch (cheapest per cursor). */
  cursors(from: number, count: number): string[];
}

export interface CursorCodec {
  encode(payload: CursorPayload): string;
  /**
   * The payload of a cursor made by a codec with the same secret; BAD_USER_INPUT
   * for anything else. `argumentName` (e.g. "after") names the argument in the message.
   */
  decode(cursor: string, argumentName?: string): CursorPayload;
  forWalk(fingerprint: string, start: number, end: number): WalkCursorEncoder;
}

/*
 * Layout (42 bytes, exactly 56 base64url characters, no padding, so every
 * character carries payload and any change to one is detected):
 *
 *   0      version (1)
 *   1..9   fingerprint (9 bytes: the 12 base64url characters of filterFingerprint)
 *   10..17 start, float64 BE (epoch ms)
 *   18..25 end,   float64 BE (epoch ms)
 *   26..29 offset, uint32 BE
 *   30..41 tag (12 bytes)
 *
 * tag = AES-128_K2( HMAC-SHA256_K1(bytes 0..25)[0..12] ‖ offset )[0..12]
 *
 * The HMAC covers the walk's part (the same for every cursor of a walk) and is
 * computed once per walk; the per-position part is a single AES block, a PRF on a
 * fixed-size input, so a page's cursors are tagged with one cipher call for all of
 * them instead of one HMAC each. Forging a tag means predicting AES under an
 * unknown key (or a 96-bit HMAC collision); the 96-bit tag leaves 2^-96 per guess.
 * K1 and K2 are derived from the secret with HMAC-SHA256 and distinct labels.
 */
const VERSION = 1;
const FINGERPRINT_BYTES = 9;
const START_AT = 1 + FINGERPRINT_BYTES;
const END_AT = START_AT + 8;
const OFFSET_AT = END_AT + 8;
const TAG_AT = OFFSET_AT + 4;
const TAG_BYTES = 12;
const CURSOR_BYTES = TAG_AT + TAG_BYTES;
const CURSOR_PATTERN = /^[A-Za-z0-9_-]{56}$/;
const FINGERPRINT_PATTERN = /^[A-Za-z0-9_-]{12}$/;
const BLOCK = 16;
/** Largest offset: the upstream counts items with an int32. */
const MAX_OFFSET = 0x7fffffff;
/** The range of a JavaScript Date, in ms either side of the epoch. */
const MAX_TIME = 8.64e15;

const isTime = (value: number) => Number.isInteger(value) && Math.abs(value) <= MAX_TIME;
const isOffset = (value: number) => Number.isInteger(value) && value >= 0 && value <= MAX_OFFSET;

function checkWalk(fingerprint: string, start: number, end: number): void {
  if (!FINGERPRINT_PATTERN.test(fingerprint)) throw new TypeError('fingerprint must come from filterFingerprint');
  if (!isTime(start) || !isTime(end)) throw new RangeError(`walk window [${start}, ${end}] is not a pair of epoch ms`);
}

function checkOffset(offset: number): void {
  if (!isOffset(offset)) throw new RangeError(`cursor offset must be an integer from 0 to ${MAX_OFFSET}, got ${offset}`);
}

export function createCursorCodec(secret: string): CursorCodec {
  const walkKey = createHmac('sha256', secret).update('audit-log-cursor/v1/walk').digest();
  const positionKey = createHmac('sha256', secret).update('audit-log-cursor/v1/position').digest().subarray(0, BLOCK);
  // ECB over single blocks is the raw block cipher used as a PRF; it never encrypts data.
  const cipher = createCipheriv('aes-128-ecb', positionKey, null);
  cipher.setAutoPadding(false);

  /**
   * HMAC of the walk part (bytes 0..25 of `record`), truncated: the first 12 bytes of
   * each tag block. Every page of a walk has the same walk part, so recent ones are
   * remembered (read-only buffers) instead of computed on each request.
   */
  const walkTags = new BoundedCache<Buffer>(MAX_REMEMBERED);
  const walkTag = (record: Buffer): Buffer => {
    const key = record.toString('latin1', 0, OFFSET_AT);
    let tag = walkTags.get(key);
    if (tag === undefined) {
      tag = createHmac('sha256', walkKey).update(record.subarray(0, OFFSET_AT)).digest().subarray(0, TAG_BYTES);
      walkTags.set(key, tag);
    }
    return tag;
  };

  const walkRecord = (fingerprint: string, start: number, end: number): Buffer => {
    const record = Buffer.alloc(CURSOR_BYTES);
    record[0] = VERSION;
    record.write(fingerprint, 1, FINGERPRINT_BYTES, 'base64url');
    record.writeDoubleBE(start, START_AT);
    record.writeDoubleBE(end, END_AT);
    return record;
  };

  const forWalk = (fingerprint: string, start: number, end: number): WalkCursorEncoder => {
    checkWalk(fingerprint, start, end);
    const record = walkRecord(fingerprint, start, end);
    const prefixTag = walkTag(record);

    const cursors = (from: number, count: number): string[] => {
      if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
      if (count === 0) return [];
      checkOffset(from);
      checkOffset(from + count - 1);
      const blocks = Buffer.allocUnsafe(count * BLOCK);
      for (let i = 0; i < count; i++) {
        prefixTag.copy(blocks, i * BLOCK);
        blocks.writeUInt32BE(from + i, i * BLOCK + TAG_BYTES);
      }
      const tags = cipher.update(blocks);
      // 42 bytes is a multiple of 3, so the base64url of the concatenated records is
      // the concatenation of each record's 56 characters: one conversion for the lot.
      const all = Buffer.allocUnsafe(count * CURSOR_BYTES);
      for (let i = 0; i < count; i++) {
        const at = i * CURSOR_BYTES;
        record.copy(all, at, 0, OFFSET_AT);
        all.writeUInt32BE(from + i, at + OFFSET_AT);
        tags.copy(all, at + TAG_AT, i * BLOCK, i * BLOCK + TAG_BYTES);
      }
      const text = all.toString('base64url');
      const width = (CURSOR_BYTES / 3) * 4;
      const out = new Array<string>(count);
      for (let i = 0; i < count; i++) out[i] = text.slice(i * width, (i + 1) * width);
      return out;
    };

    const block = Buffer.allocUnsafe(BLOCK);
    prefixTag.copy(block, 0);
    const cursor = (offset: number): string => {
      checkOffset(offset);
      block.writeUInt32BE(offset, TAG_BYTES);
      record.writeUInt32BE(offset, OFFSET_AT);
      cipher.update(block).copy(record, TAG_AT, 0, TAG_BYTES);
      return record.toString('base64url');
    };

    return Object.assign(cursor, { cursors });
  };

  const encode = (payload: CursorPayload): string =>
    forWalk(payload.fingerprint, payload.start, payload.end)(payload.offset);

  const decode = (cursor: string, argumentName?: string): CursorPayload => {
    const invalid = () =>
      badUserInput(argumentName ? `"${argumentName}" is not a valid cursor` : 'Not a valid cursor');
    if (typeof cursor !== 'string' || !CURSOR_PATTERN.test(cursor)) throw invalid();
    const record = Buffer.from(cursor, 'base64url');
    if (record.length !== CURSOR_BYTES || record[0] !== VERSION) throw invalid();
    const block = Buffer.allocUnsafe(BLOCK);
    walkTag(record).copy(block, 0);
    record.copy(block, TAG_BYTES, OFFSET_AT, TAG_AT);
    const expected = cipher.update(block).subarray(0, TAG_BYTES);
    if (!timingSafeEqual(expected, record.subarray(TAG_AT))) throw invalid();
    const payload: CursorPayload = {
      fingerprint: record.toString('base64url', 1, START_AT),
      start: record.readDoubleBE(START_AT),
      end: record.readDoubleBE(END_AT),
      offset: record.readUInt32BE(OFFSET_AT),
    };
    if (!isTime(payload.start) || !isTime(payload.end) || !isOffset(payload.offset)) throw invalid();
    return payload;
  };

  return { encode, decode, forWalk };
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

/** How many recent walks and filters the hashes are remembered for. */
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
  window: PinnedWindow | null;
  after: number | null;
  before: number | null;
}

/**
 * Decodes a page's cursors for a filter (`fingerprint`). An empty string counts as
 * absent. BAD_USER_INPUT when a cursor is not ours, was made for another filter, or
 * `after` and `before` come from different walks (their offsets would not compare).
 */
export function decodeCursorArgs(codec: CursorCodec, fingerprint: string, args: CursorArgs): DecodedCursorArgs {
  let window: PinnedWindow | null = null;
  const read = (name: 'after' | 'before', cursor: string | null | undefined): number | null => {
    if (isAbsentCursor(cursor)) return null;
    const payload = codec.decode(cursor, name);
    if (payload.fingerprint !== fingerprint) {
      throw badUserInput(`"${name}" is a cursor for a different filter`);
    }
    if (window && (window.start !== payload.start || window.end !== payload.end)) {
      throw badUserInput('"after" and "before" are cursors of different walks');
    }
    window = { start: payload.start, end: payload.end };
    return payload.offset;
  };
  const after = read('after', args.after);
  const before = read('before', args.before);
  return { window, after, before };
}
