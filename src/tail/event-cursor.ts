import { createHmac, timingSafeEqual } from 'node:crypto';
import { badUserInput } from '../errors.js';
import { parseInstant } from '../model/instant.js';
import type { ResumePoint } from './items.js';

/*
 * The cursor of a live-tail event: `ev1.<payload>.<tag>`, both parts base64url.
 * payload = JSON { f: filter fingerprint, t: exact timestamp text, i: ids delivered at it },
 * tag = HMAC-SHA256 of "ev1." + payload under a key derived from CURSOR_SECRET's first
 * secret (its own label, so no other cursor's tag can stand for one), first 16 bytes;
 * a tag under any of its secrets is accepted.
 */
const PREFIX = 'ev1.';
const TAG_BYTES = 16;
/** Ids at one timestamp an event cursor carries; past this, the oldest are dropped. */
export const MAX_IDS_PER_CURSOR = 100;
const MAX_CURSOR_LENGTH = 16_384;

export interface EventCursorCodec {
  encode(fingerprint: string, point: ResumePoint): string;
  /** Whether the text has the shape of an event cursor (it may still be forged). */
  looksLikeOne(cursor: string): boolean;
  /** The resume point of a genuine event cursor for this filter; BAD_USER_INPUT otherwise. */
  decode(cursor: string, fingerprint: string): ResumePoint;
}

/** Signs with the first secret and accepts a tag made under any of them (see CURSOR_SECRET). */
export function createEventCursorCodec(secrets: readonly string[]): EventCursorCodec {
  if (secrets.length === 0) throw new RangeError('an event cursor codec needs at least one secret');
  const keys = secrets.map((secret) => createHmac('sha256', secret).update('audit-log-cursor/v1/tail-event').digest());
  const tagUnder = (key: Buffer, signed: string) => createHmac('sha256', key).update(signed).digest().subarray(0, TAG_BYTES);
  const tag = (signed: string) => tagUnder(keys[0]!, signed);
  const invalid = () => badUserInput('"after" is not a valid cursor');

  return {
    encode(fingerprint, point) {
      const ids = point.ids.slice(-MAX_IDS_PER_CURSOR);
      const signed = PREFIX + Buffer.from(JSON.stringify({ f: fingerprint, t: point.timestamp, i: ids })).toString('base64url');
      return `${signed}.${tag(signed).toString('base64url')}`;
    },
    looksLikeOne: (cursor) => cursor.startsWith(PREFIX),
    decode(cursor, fingerprint) {
      if (cursor.length > MAX_CURSOR_LENGTH) throw invalid();
      const dot = cursor.lastIndexOf('.');
      if (!cursor.startsWith(PREFIX) || dot <= PREFIX.length) throw invalid();
      const signed = cursor.slice(0, dot);
      const given = Buffer.from(cursor.slice(dot + 1), 'base64url');
      if (given.length !== TAG_BYTES || !keys.some((key) => timingSafeEqual(given, tagUnder(key, signed)))) throw invalid();
      let payload: { f?: unknown; t?: unknown; i?: unknown };
      try {
        payload = JSON.parse(Buffer.from(signed.slice(PREFIX.length), 'base64url').toString('utf8')) as typeof payload;
      } catch {
        throw invalid();
      }
      const { f, t, i } = payload;
      if (typeof t !== 'string' || parseInstant(t) === null || !Array.isArray(i) || !i.every((id) => typeof id === 'string')) {
        throw invalid();
      }
      if (f !== fingerprint) throw badUserInput('"after" is a cursor for a different filter');
      return { timestamp: t, ids: i as string[] };
    },
  };
}
