/**
 * One audit log as the sample upstream stores and serves it: the item shape of
 * the documented API (camelCase keys, ISO-8601 UTC timestamp). Logs inserted by
 * tests may carry extra keys or nulls; they are served exactly as stored.
 */
// The same fields as the gateway's AuditLogRecord on purpose: this is the wire shape, that
// the decoded one, and the stand-in imports nothing from the gateway it stands in for.
// A type alias, not an interface, so a SampleLog is assignable to SampleLogInput's Record<string, unknown>.
export type SampleLog = {
  id: string;
  /** ISO-8601, e.g. 2026-11-20T10:15:30.123Z. */
  timestamp: string;
  operation: string | null;
  /** Upstream spelling: Processing | Succeded | Failed (tests may store others). */
  status: string | null;
  resellerId: string | null;
  resellerName: string | null;
  customerId: string | null;
  customerName: string | null;
  userName: string | null;
  correlationId: string | null;
  details: string | null;
};

/** What `store.insert` accepts: any subset of a log (missing fields are filled), plus extra keys. */
export type SampleLogInput = Partial<SampleLog> & Record<string, unknown>;

/** A validated `GET /v1/AuditLogs` query, normalised for one-pass filtering. */
export interface SampleQuery {
  pageNumber: number;
  pageSize: number;
  /** Inclusive bounds, epoch milliseconds. */
  startMs: number;
  endMs: number;
  /** Nanoseconds past startMs / endMs (the bounds' digits finer than a millisecond); absent is 0. */
  startSub?: number;
  endSub?: number;
  /** Lower-cased operation names; exact match. */
  operations?: readonly string[];
  /** Lower-cased status name. */
  status?: string;
  /** Lower-cased substring of the reseller name. */
  reseller?: string;
  /** Lower-cased substring of the customer name. */
  customer?: string;
  /** Lower-cased canonical UUID. */
  resellerId?: string;
}

export interface PaginationParameters {
  totalPages: number;
  totalCount: number;
  hasPreviousPage: boolean;
  hasNextPage: boolean;
}

/** One page of results, the 200 body minus `continuationToken`. */
export interface SamplePage {
  items: SampleLog[];
  paginationParameters: PaginationParameters;
}

/** One entry of the documented error body's `errors` list. */
export interface FieldError {
  field: string;
  message: string;
}

/** The documented error body (400, 500 and, here, any other error status). */
export interface UpstreamErrorBody {
  statusCode: number;
  type: string | null;
  description: string | null;
  correlationId: string | null;
  errors: FieldError[] | null;
}
