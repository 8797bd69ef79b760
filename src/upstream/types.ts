import type { AuditLogQuery, UpstreamPage } from '../model/audit-log.js';
import type { ForwardedHeaders } from '../model/caller.js';
import type { PageWindow } from '../model/window.js';

/** What one upstream call did, reported once it settled (for logs, metrics and traces). */
export interface UpstreamCallEvent {
  correlationId: string;
  /** HTTP status, when a response arrived. */
  status?: number;
  /** The error code (`extensions.code`), when the call failed. */
  code?: string;
  durationMs: number;
  pageNumber: number;
  pageSize: number;
  /** 1 for the first attempt of a call, 2 and 3 for its retries. */
  attempt?: number;
  /** Set when another attempt follows this one after that many milliseconds. */
  retryInMs?: number;
}

/** A snapshot of the client's resilience state, for readiness and metrics. */
export interface UpstreamClientState {
  /** The upstream-wide breaker (connection failures): `open`: every call fails fast with UPSTREAM_UNAVAILABLE; `half-open`: one trial call is let through. */
  breaker: 'closed' | 'open' | 'half-open';
  /** Connection failures in the upstream-wide breaker's window. */
  recentFailures: number;
  /** Tenants whose own breaker is open or half-open now. */
  openTenantBreakers: number;
  /** Requests holding one of the `maxConcurrency` slots. */
  inFlight: number;
  /** Calls waiting for a slot. */
  queued: number;
  maxConcurrency: number;
  /** Totals since start: retries made, and calls failed fast without an upstream request. */
  totals: { retries: number; breakerRejections: number; queueTimeouts: number };
}

export interface ListAuditLogsRequest {
  query: AuditLogQuery;
  window: PageWindow;
  headers: ForwardedHeaders;
  signal?: AbortSignal;
  /** The operation's upstream budget: spent before each attempt, retries included. */
  budget?: CallBudget;
}

/** What the pipeline needs of an operation's budget (limits/operation-budget.ts). */
export interface CallBudget {
  /** Spends one call asking for `items` items, or returns the error that refuses it (nothing spent). */
  spend(items: number): Error | undefined;
}

export interface UpstreamClient {
  /** One `GET /v1/AuditLogs` call; rejects with a GatewayError carrying one of the gateway's error codes. */
  listAuditLogs(request: ListAuditLogsRequest): Promise<UpstreamPage>;
  /** True when the upstream answers HTTP at all (any status), false when it cannot be reached. */
  probe(): Promise<boolean>;
  /** The breaker, the concurrency slots and running totals, as of now. */
  state(): UpstreamClientState;
  close(): Promise<void>;
}
