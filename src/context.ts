import type { YogaInitialContext } from 'graphql-yoga';
import { readCallerHeaders, requireCaller } from './caller.js';
import type { Budget } from './limits/budget.js';
import { createOperationBudget } from './limits/operation-budget.js';
import type { AuditLogQuery, UpstreamPage } from './model/audit-log.js';
import type { ForwardedHeaders } from './model/caller.js';
import type { PageWindow } from './model/window.js';
import { createNodeLoader } from './nodes/node-loader.js';
import type { Logger } from './observability/logger.js';
import { requestState } from './observability/request-state.js';
import type { CursorCodec } from './pagination/cursor.js';
import type { SchemaContext } from './schema/ports.js';
import type { TailHub } from './tail/index.js';
import { buildSearchParams } from './upstream/query.js';
import type { UpstreamClient } from './upstream/types.js';

/** Long-lived collaborators shared by every request. */
export interface GatewayServices {
  upstream: UpstreamClient;
  /** The upstream budget of each operation (UPSTREAM_BUDGET_CALLS, UPSTREAM_BUDGET_ITEMS). */
  budget: Budget;
  cursors: CursorCodec;
  logger: Logger;
  /** The live tail's pollers and streams. */
  tail: TailHub;
}

/** Per-request state: nothing here outlives the request or is shared with another caller. */
export interface GatewayContext extends SchemaContext {
  /** Counts what the operation cost upstream, for logs and metrics. */
  stats: { upstreamCalls: number };
  /** The HTTP request (yoga's initial context). */
  request?: Request;
}

/**
 * The context of each request, assembled above the resolvers: the caller's headers
 * (required before any upstream call, forwarded exactly as received), one budget and
 * one page loader per operation (identical reads of an operation, such as aliases,
 * share one call; nothing is shared across callers), and the ports the schema's
 * resolvers use.
 */
export function createContextFactory(services: GatewayServices) {
  return ({ request }: YogaInitialContext): GatewayContext => {
    const state = requestState(request);
    const { correlationId } = state;
    const caller = readCallerHeaders(request.headers);
    const stats = { upstreamCalls: 0 };
    const budget = createOperationBudget(services.budget);
    // The operation span's W3C context: each upstream call continues the caller's trace.
    const trace = state.trace?.headers ?? {};
    // The same for every call of the operation: checked and put together once (missing credentials throw every time).
    let forwarded: ForwardedHeaders | undefined;
    const headers = (): ForwardedHeaders => (forwarded ??= { ...requireCaller(caller, correlationId), ...trace });
    const requireHeaders = (): void => void headers();

    const calls = new Map<string, Promise<UpstreamPage>>();
    const load = (query: AuditLogQuery, window: PageWindow): Promise<UpstreamPage> => {
      const key = buildSearchParams(query, window);
      let call = calls.get(key);
      if (call === undefined) {
        const forwarded = headers();
        stats.upstreamCalls += 1;
        call = services.upstream.listAuditLogs({ query, window, headers: forwarded, budget });
        calls.set(key, call);
        // A failed call is forgotten, so a later field of the operation may try again.
        call.catch(() => calls.delete(key));
      }
      return call;
    };
    const onGiveUp = (keys: readonly unknown[]) => services.logger.warn({ ids: keys.length }, 'node lookup gave up on ids in overfull time windows');
    return {
      auditLogs: { requireCaller: requireHeaders, now: new Date(), cursors: services.cursors, load },
      nodes: createNodeLoader({ requireCaller: requireHeaders, load }, { onGiveUp }),
      tail: {
        subscribe: ({ filter, after }) =>
          services.tail.subscribe({
            headers: headers(),
            filter,
            // A browser's EventSource reconnects with the last event's id: it resumes like `after`.
            after: request.headers.get('last-event-id') || after,
            read: load,
            signal: request.signal,
            // Kept only where the response writes them (SSE asks for them before the first event).
            onEventCursor: (cursor) => void state.eventIds?.push(cursor),
          }),
      },
      stats,
    };
  };
}
