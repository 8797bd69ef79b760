import type { YogaInitialContext } from 'graphql-yoga';
import { createNodeLoader, type NodeLoader } from './nodes/node-loader.js';
import { createPageLoader, type PageLoader } from './pagination/page-loader.js';
import { readCallerHeaders, requireCaller, type CallerHeaders } from './caller.js';
import { createOperationBudget, type BudgetLimits } from './limits/operation-budget.js';
import type { Logger } from './observability/logger.js';
import type { CursorCodec } from './pagination/cursor.js';
import { requestState } from './observability/request-state.js';
import type { TailHub } from './tail/index.js';
import type { UpstreamClient } from './upstream/types.js';
import type { ForwardedHeaders } from './model/caller.js';

/** Long-lived collaborators shared by every request. */
export interface GatewayServices {
  upstream: UpstreamClient;
  /** The upstream budget of each operation (UPSTREAM_BUDGET_CALLS, UPSTREAM_BUDGET_ITEMS). */
  budget: BudgetLimits;
  cursors: CursorCodec;
  logger: Logger;
  /** The live tail's pollers and streams. */
  tail: TailHub;
}

/** Per-request state: nothing here outlives the request or is shared with another caller. */
export interface GatewayContext {
  correlationId: string;
  /** Read once per operation, so every field of an operation pins the same time window. */
  now: Date;
  caller: CallerHeaders;
  /** The forwarded headers, or the UNAUTHENTICATED / BAD_USER_INPUT error that stops the call. */
  forwardedHeaders(): ForwardedHeaders;
  /** Deduplicates identical upstream requests within the operation. */
  pages: PageLoader;
  /** Finds AuditLogs by global id (node, nodes, _entities), batched per operation. */
  nodes: NodeLoader;
  cursors: CursorCodec;
  logger: Logger;
  /** Counts what the operation cost upstream, for logs and metrics. */
  stats: { upstreamCalls: number };
  tail: TailHub;
  /** The HTTP request (yoga's initial context): its signal tells when the client went away. */
  request?: Request;
}

export function createContextFactory(services: GatewayServices) {
  return ({ request }: YogaInitialContext): GatewayContext => {
    const state = requestState(request);
    const { correlationId } = state;
    const caller = readCallerHeaders(request.headers);
    const stats = { upstreamCalls: 0 };
    // The operation span's W3C context: each upstream call continues the caller's trace.
    const trace = state.trace?.headers ?? {};
    const forwardedHeaders = (): ForwardedHeaders => ({ ...requireCaller(caller, correlationId), ...trace });
    const pages = createPageLoader(services.upstream, forwardedHeaders, stats, createOperationBudget(services.budget));
    const onGiveUp = (keys: readonly unknown[]) => services.logger.warn({ ids: keys.length }, 'node lookup gave up on ids in overfull time windows');
    return {
      correlationId,
      now: new Date(),
      caller,
      forwardedHeaders,
      pages,
      nodes: createNodeLoader(pages, forwardedHeaders, { onGiveUp }),
      cursors: services.cursors,
      logger: services.logger,
      stats,
      tail: services.tail,
    };
  };
}
