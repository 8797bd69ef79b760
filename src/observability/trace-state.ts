/**
 * W3C Trace Context `tracestate` as the gateway accepts it from a caller before it
 * goes upstream with the caller's other trace context (docs/limits.md):
 * the whole header is passed on only when it is well-formed, else dropped as a whole.
 * OpenTelemetry's own parser keeps what it can of a malformed header (it drops bad
 * members and cuts the list at 32), which would send upstream a header the caller
 * never wrote. Pure.
 */

/** At most this many list members (W3C Trace Context, "tracestate Limits"). */
export const MAX_TRACESTATE_MEMBERS = 32;
/** At most this many characters in the whole header. */
export const MAX_TRACESTATE_LENGTH = 512;

const SIMPLE_KEY = /^[a-z][a-z0-9_\-*/]{0,255}$/;
const MULTI_TENANT_KEY = /^[a-z0-9][a-z0-9_\-*/]{0,240}@[a-z][a-z0-9_\-*/]{0,13}$/;
/** 0-255 printable ASCII characters but `,` and `=`, spaces allowed inside, not at the end. */
const VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;
/** Optional white space around list members. */
const OWS = /^[ \t]+|[ \t]+$/g;

/** The header when it is well-formed W3C `tracestate`, else undefined. */
export function wellFormedTracestate(header: string | null | undefined): string | undefined {
  if (header === null || header === undefined) return undefined;
  if (header.length > MAX_TRACESTATE_LENGTH) return undefined;
  const keys = new Set<string>();
  for (const raw of header.split(',')) {
    const member = raw.replace(OWS, '');
    // Empty members are allowed and count for nothing.
    if (member === '') continue;
    const equals = member.indexOf('=');
    if (equals === -1) return undefined;
    const key = member.slice(0, equals);
    const value = member.slice(equals + 1);
    if (!SIMPLE_KEY.test(key) && !MULTI_TENANT_KEY.test(key)) return undefined;
    if (!VALUE.test(value)) return undefined;
    // A key appears once (the spec's MUST NOT for duplicates).
    if (keys.has(key)) return undefined;
    keys.add(key);
    if (keys.size > MAX_TRACESTATE_MEMBERS) return undefined;
  }
  return keys.size > 0 ? header : undefined;
}
