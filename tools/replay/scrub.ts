import { createHash, randomBytes } from 'node:crypto';

/**
 * Replaces what must not leave a customer's site before a recording is shared:
 * the token and tenant wherever they appear, personal fields (user names,
 * e-mail addresses) and anything that looks like an e-mail address. Fakes are
 * stable within one scrubber (the same value gets the same fake, so equal users
 * stay equal) and cannot be reversed: they hash the value with a random salt
 * that is never stored.
 */
export interface Scrubber {
  text(value: string): string;
  json(value: unknown): unknown;
}

/** Keys whose string values are personal, in any casing or renaming the upstream uses. */
const PERSONAL_KEY = /user|e-?mail|mail$|actor|createdby|modifiedby|performedby|person|upn/i;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;

export function createScrubber(options: { secrets: readonly string[]; salt?: Buffer }): Scrubber {
  const salt = options.salt ?? randomBytes(16);
  // Longest first, so a token inside a longer secret is not half-replaced.
  const secrets = options.secrets.filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
  const fake = (kind: string, value: string) => `${kind}-${createHash('sha256').update(salt).update(value).digest('hex').slice(0, 10)}`;

  const text = (value: string): string => {
    let out = value;
    for (const secret of secrets) out = out.split(secret).join('[redacted]');
    return out.replace(EMAIL, (email) => fake('email', email.toLowerCase()));
  };
  const json = (value: unknown, key?: string): unknown => {
    if (typeof value === 'string') return key !== undefined && PERSONAL_KEY.test(key) ? fake('user', value.toLowerCase()) : text(value);
    if (Array.isArray(value)) return value.map((v) => json(v));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [text(k), json(v, k)]));
    }
    return value;
  };
  return { text, json: (value) => json(value) };
}
