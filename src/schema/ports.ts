import type { GatewayError } from '../errors.js';
import type { AuditLogRecord } from '../model/audit-log.js';
import type { NodeLoader } from '../nodes/node-loader.js';
import type { AuditLogFilterArgs } from '../pagination/filter.js';
import type { PageReader } from '../pagination/read.js';

/**
 * What the resolvers may use: a narrow port for each kind of I/O, all assembled per
 * request above them (context.ts). Resolvers know nothing of requests, headers or
 * the upstream client.
 */
export interface SchemaContext {
  /** Pages of the audit-log connection, read with the request's credentials and budget. */
  auditLogs: PageReader;
  /** AuditLogs by global id (node, nodes, _entities), batched per operation. */
  nodes: NodeLoader;
  /** The live tail, for this request's caller. */
  tail: TailPort;
}

/** One event of a live tail: an edge, or the error that ends the stream. The tail (src/tail/) yields them. */
export type TailEvent = { edge: { cursor: string; node: AuditLogRecord } } | { error: GatewayError };

export interface TailPort {
  /** Opens a stream, or throws the GraphQL error that refuses it (before any event). */
  subscribe(args: { filter: AuditLogFilterArgs | null | undefined; after: string | null | undefined }): Promise<AsyncIterableIterator<TailEvent>>;
}
