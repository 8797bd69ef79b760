import { PothosValidationError } from '@pothos/core';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { badUserInput } from '../errors.js';

/**
 * What an AuditLog's global id carries: enough to find the item again with one
 * narrow upstream query (the upstream has no get-by-id endpoint).
 */
export interface AuditLogNodeKey {
  /** The item's timestamp, epoch ms (as decoded from the upstream). */
  timestampMs: number;
  /** The upstream item's own id. */
  auditLogId: string;
}

export const AUDIT_LOG_TYPENAME = 'AuditLog';

/** The only Node type this service issues ids for. */
const NODE_TYPENAMES: ReadonlySet<string> = new Set([AUDIT_LOG_TYPENAME]);

/** Longer than any id we issue by far; bounds the work a hostile id can cause. */
const MAX_GLOBAL_ID_LENGTH = 512;
const MAX_AUDIT_LOG_ID_LENGTH = 256;
/** The largest epoch ms a JavaScript Date can hold. */
const MAX_DATE_MS = 8.64e15;
/**
 * The latest timestamp an id may carry: its lookup window reaches up to a second past
 * it (see windowAround), and that end must still be a date the upstream call can name.
 */
export const MAX_NODE_TIMESTAMP_MS = MAX_DATE_MS - 1000;
const TIMESTAMP = /^\d{1,16}$/;

/**
 * The raw (pre-base64) part of an AuditLog global id: `<timestampMs>:<auditLogId>`.
 * The relay plugin wraps it as base64("AuditLog:<timestampMs>:<auditLogId>").
 */
export function auditLogRawId(log: { timestamp: Date; auditLogId: string }): string {
  return nodeKeyString({ timestampMs: log.timestamp.getTime(), auditLogId: log.auditLogId });
}

/** Parses the raw part of an AuditLog global id; BAD_USER_INPUT when it is not one we issue. Pure. */
export function parseAuditLogRawId(rawId: string): AuditLogNodeKey {
  const colon = rawId.indexOf(':');
  const timestamp = colon === -1 ? '' : rawId.slice(0, colon);
  const auditLogId = colon === -1 ? '' : rawId.slice(colon + 1);
  const timestampMs = Number(timestamp);
  if (!TIMESTAMP.test(timestamp) || timestampMs > MAX_NODE_TIMESTAMP_MS) throw malformed();
  if (auditLogId === '' || auditLogId.length > MAX_AUDIT_LOG_ID_LENGTH) throw malformed();
  return { timestampMs, auditLogId };
}

/**
 * Decodes a global id for the relay plugin (`node`, `nodes`): BAD_USER_INPUT,
 * never a masked error, when it is not base64 of `<Type>:<id>`, or names a type
 * this service does not issue ids for (every Node here is an AuditLog, so any other
 * type is a caller's mistake, reported before any upstream call).
 */
export function decodeNodeGlobalId(globalId: string): { typename: string; id: string } {
  if (globalId.length > MAX_GLOBAL_ID_LENGTH) throw malformed();
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(globalId);
  } catch (error) {
    if (error instanceof PothosValidationError) throw malformed();
    throw error;
  }
  if (!NODE_TYPENAMES.has(decoded.typename)) {
    throw badUserInput(`The id is not an ${AUDIT_LOG_TYPENAME} id.`);
  }
  return decoded;
}

/** The key inside an AuditLog global id (as `_entities` representations carry it). */
export function auditLogKeyFromGlobalId(globalId: string): AuditLogNodeKey {
  return parseAuditLogRawId(decodeNodeGlobalId(globalId).id);
}

/**
 * Most entries one `nodes(ids:)` or `_entities(representations:)` takes: ids spread
 * over time cost up to one upstream call each, so an unbounded list would let one
 * request fan out without limit.
 */
export const MAX_LOOKUP_ENTRIES = 100;

export function assertNodeIdCount(count: number): void {
  if (count > MAX_LOOKUP_ENTRIES) throw badUserInput(`nodes(ids:) takes at most ${MAX_LOOKUP_ENTRIES} ids, got ${count}.`);
}

/** `<timestampMs>:<auditLogId>`: the raw part of the global id, and the key's stable string (DataLoader cache key, lookups by id). */
export function nodeKeyString(key: AuditLogNodeKey): string {
  return `${key.timestampMs}:${key.auditLogId}`;
}

// The message names no part of the id: it may be anything the caller sent.
const malformed = () => badUserInput('Malformed id: not an id issued by this service.');
