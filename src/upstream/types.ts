import type { PageWindow } from '../pagination/window.js';

/** Upstream spelling of the status values (sic: "Succeded"). */
export type UpstreamStatus = 'Processing' | 'Succeded' | 'Failed';

export type AuditLogStatus = 'PROCESSING' | 'SUCCEEDED' | 'FAILED';

/** The filter part of a `GET /v1/AuditLogs` call, already in upstream terms. */
export interface AuditLogQuery {
  /** Inclusive lower bound, ISO-8601. Always sent: it pins the walk's result set. */
  startDate: string;
  /** Inclusive upper bound, ISO-8601. Always sent: it pins the walk's result set. */
  endDate: string;
  /** Operation names joined with "|". */
  operations?: string;
  status?: UpstreamStatus;
  reseller?: string;
  customer?: string;
  resellerId?: string;
}

/** The caller's credentials and correlation id, forwarded as received. */
export interface ForwardedHeaders {
  /** The caller's `Authorization` header, exactly as received. */
  authorization: string;
  /** The caller's `X-Tenant` header, exactly as received. */
  tenant: string;
  /** The operation's correlation id (a UUID). */
  correlationId: string;
  /** W3C trace context of the upstream call, when tracing is on. */
  traceparent?: string;
  tracestate?: string;
}

/** What one upstream call did, reported once it settled (for logs, metrics and traces). */
export interface UpstreamCallEvent {
  correlationId: string;
  /** HTTP status, when a response arrived. */
  status?: number;
  /** The contract error code, when the call failed. */
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

/**
 * An upstream item, decoded. `raw` is the item exactly as received.
 * Deliberately the same fields as sample-upstream's SampleLog: that one is the wire
 * shape the stand-in serves (strings, upstream spelling), this one what the gateway
 * decodes it into (a Date, our status enum); the stand-in shares no code with the gateway.
 */
export interface AuditLogRecord {
  auditLogId: string;
  timestamp: Date;
  operation: string | null;
  status: AuditLogStatus | null;
  resellerId: string | null;
  resellerName: string | null;
  customerId: string | null;
  customerName: string | null;
  userName: string | null;
  correlationId: string | null;
  details: string | null;
  raw: Record<string, unknown>;
}

/** One decoded upstream page. */
export interface UpstreamPage {
  items: AuditLogRecord[];
  totalCount: number;
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
  /** One `GET /v1/AuditLogs` call; rejects with a GatewayError carrying a contract error code. */
  listAuditLogs(request: ListAuditLogsRequest): Promise<UpstreamPage>;
  /** True when the upstream answers HTTP at all (any status), false when it cannot be reached. */
  probe(): Promise<boolean>;
  /** The breaker, the concurrency slots and running totals, as of now. */
  state(): UpstreamClientState;
  close(): Promise<void>;
}
