import type { Span } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import { isUuid } from '../model/uuid.js';
import type { TraceHeaders } from './tracing.js';

/** What the log line, the metrics and the operation span report about one GraphQL operation. */
export interface OperationRecord {
  /** `performance.now()` when the operation's parameters were read. */
  startedAt: number;
  /** The executed operation's name; before execution, the `operationName` the client sent. */
  name: string | undefined;
  type: 'query' | 'mutation' | 'subscription' | undefined;
  /** The name the trusted-document manifest gives the document; it labels the operation in place of its own. */
  manifestName?: string;
  /** The context's upstream counter; absent when the operation failed before its context was built. */
  stats: { upstreamCalls: number } | undefined;
  /** Set once the log line, metrics and span have reported it. */
  finished?: true;
}

/** How an operation ended: no errors, errors with some data, or errors alone. */
export type Outcome = 'success' | 'partial' | 'error';

/** The operation span, and the W3C headers its upstream calls continue. */
export interface OperationTrace {
  span: Span;
  headers: TraceHeaders;
}

/**
 * What one HTTP request carries from the plugins that learn it to the context and the
 * plugins that report it. It lives as long as the request object, and only the
 * request's own plugins and context see it.
 */
export interface RequestState {
  /** Decided once per request: the caller's X-Correlation-Id when it is a UUID, else a new one. */
  correlationId: string;
  /** Set by useTracing when the operation's parameters are read. */
  trace?: OperationTrace;
  /** Set by useOperationRecord; undefined when the request carried no GraphQL operation. */
  record?: OperationRecord;
  /** The cursors of the live-tail events taken and not yet written (an SSE response writes each as the event's `id:`). */
  eventIds?: string[];
}

const states = new WeakMap<Request, RequestState>();

/** The request's state, created on first use. */
export function requestState(request: Request): RequestState {
  let state = states.get(request);
  if (state === undefined) {
    state = { correlationId: correlationIdFrom(request.headers) };
    states.set(request, state);
  }
  return state;
}

/** The incoming X-Correlation-Id when it is a UUID (kept as received), else a new one. */
function correlationIdFrom(headers: Headers): string {
  const incoming = headers.get('x-correlation-id');
  return incoming !== null && isUuid(incoming) ? incoming : randomUUID();
}
