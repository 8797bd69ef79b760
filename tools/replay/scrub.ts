import { createHash, randomBytes } from 'node:crypto';
import { MAX_JSON_DEPTH, TOO_DEEP } from '../../src/model/json-depth.js';
import { normaliseQuery } from './recording.js';

/**
 * Replaces what must not leave a customer's site before a recording is shared:
 * the token and tenant wherever they appear and in any case, any other bearer
 * token, personal fields (user names, e-mail addresses) and anything that looks
 * like an e-mail address. Fakes are stable within one scrubber (the same value
 * gets the same fake, so equal users stay equal) and cannot be reversed: they
 * hash the value with a random salt that is never stored.
 */
export interface Scrubber {
  text(value: string): string;
  /** A scrubbed copy, cut below MAX_JSON_DEPTH levels. */
  json(value: unknown): unknown;
  /** A query string (or its pairs), names and values scrubbed, in the form `normaliseQuery` gives. */
  query(search: string | URLSearchParams | Record<string, string>): string;
}

/** Keys whose string values are personal, in any casing or renaming the upstream uses. */
const PERSONAL_KEY = /user|e-?mail|mail$|actor|createdby|modifiedby|performedby|person|upn/i;
/**
 * An e-mail address. It starts only where a run of local-part characters starts:
 * without that, a long run with no "@" would be rescanned from each of its
 * characters, which takes hours on a few MiB.
 */
const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
/** "Bearer <token>" with any token, ours or not: an echoed Authorization header. Stops at quotes, brackets and controls around it. */
const BEARER = /\b(bearer)\s+[^\s"'`<>()[\]{},;\u0000-\u001f\u007f-\u009f]+/giu;
/** Shorter secrets would match ordinary text by chance. */
const MIN_SECRET_LENGTH = 3;
const REDACTED = '[redacted]';

/**
 * One pattern for all the secrets, matched in any case (an upstream may echo the
 * tenant lower-cased); longest first, so a token inside a longer secret is not
 * half-replaced. Undefined when there is nothing to look for.
 */
export function secretPattern(secrets: readonly string[]): RegExp | undefined {
  const usable = [...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
  if (usable.length === 0) return undefined;
  return new RegExp(usable.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'giu');
}

export function createScrubber(options: { secrets: readonly string[]; salt?: Buffer }): Scrubber {
  const salt = options.salt ?? randomBytes(16);
  const secrets = secretPattern(options.secrets);
  const fake = (kind: string, value: string) => `${kind}-${createHash('sha256').update(salt).update(value).digest('hex').slice(0, 10)}`;

  const text = (value: string): string => {
    const out = secrets === undefined ? value : value.replace(secrets, REDACTED);
    return out.replace(BEARER, `$1 ${REDACTED}`).replace(EMAIL, (email) => fake('email', email.toLowerCase()));
  };
  // Bounded like capDepth: a body nested deeper is cut, not walked.
  const json = (value: unknown, depth: number, key?: string): unknown => {
    if (typeof value === 'string') return key !== undefined && PERSONAL_KEY.test(key) ? fake('user', value.toLowerCase()) : text(value);
    if (typeof value !== 'object' || value === null) return value;
    if (depth >= MAX_JSON_DEPTH) return TOO_DEEP;
    if (Array.isArray(value)) return value.map((v) => json(v, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [text(k), json(v, depth + 1, k)]));
  };
  const query = (search: string | URLSearchParams | Record<string, string>): string => {
    const params = search instanceof URLSearchParams ? search : new URLSearchParams(search);
    return normaliseQuery(new URLSearchParams([...params].map(([name, value]) => [text(name), text(value)])));
  };
  return { text, json: (value) => json(value, 0), query };
}

/** C0 controls (newline and tab too), DEL and C1 controls: what a terminal may act on instead of showing. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Text made safe to print on a terminal: each control character shown as its
 * `\u` escape, so upstream text can neither move the cursor, retitle the
 * window nor start a forged line of its own.
 */
export function printable(value: string): string {
  return value.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
