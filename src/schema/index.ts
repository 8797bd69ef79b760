import { auditLogRawId, AUDIT_LOG_TYPENAME } from '../nodes/node-id.js';
import { builder } from './builder.js';
import { resolveGlobalIdsSynchronously } from './sync-global-ids.js';
import './scalars.js';
import './error-code.js';
import './audit-log.js';
import './audit-log-filter.js';
import './audit-log-connection.js';
import './reseller.js';
import './audit-log-subscription.js';

builder.queryType({});

/** The Federation v2 version this subgraph links (`extend schema @link(...)`). */
export const FEDERATION_LINK_URL = 'https://specs.apollo.dev/federation/v2.6';

/** An Apollo Federation v2 subgraph: the public schema plus `_service { sdl }` and `_entities`, sorted. */
export const schema = resolveGlobalIdsSynchronously(
  builder.toSubGraphSchema({ linkUrl: FEDERATION_LINK_URL }),
  AUDIT_LOG_TYPENAME,
  auditLogRawId,
);
