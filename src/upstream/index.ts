export { createUpstreamClient, type UpstreamClientOptions, type UpstreamLogger } from './client.js';
export { decodeAuditLogPage, mapStatusToUpstream, parseTimestamp } from './decode.js';
export { errorForStatus, errorForTransportFailure, parseRetryAfter, type ResponseHeaders } from './errors.js';
export { auditLogsPath, buildSearchParams } from './query.js';
export type * from './types.js';
