import { GatewayError } from '../errors.js';
import { upstreamCallKey } from './call-key.js';
import { errorForTransportFailure } from './errors.js';
import type { ListAuditLogsRequest, UpstreamClient } from './types.js';
import type { UpstreamPage } from '../model/audit-log.js';

/**
 * Coalesces identical upstream calls in flight at the same moment, across GraphQL
 * operations: the second caller of a call that is already on its way waits for its
 * answer instead of sending another. "Identical" is `upstreamCallKey`: the same
 * credentials and the same query, so two callers are never merged.
 *
 * The shared call carries the first caller's correlation id and trace context, and
 * belongs to none of the callers: one that gives up (its signal aborts) stops
 * waiting, the call goes on for the others. Each caller gets its own copy of an
 * error, since the error is stamped with the caller's correlation id later on.
 * Pages are shared as they are: nothing downstream modifies them.
 */
export function withCoalescing(upstream: UpstreamClient): UpstreamClient {
  const inFlight = new Map<string, Promise<UpstreamPage>>();

  function listAuditLogs(request: ListAuditLogsRequest): Promise<UpstreamPage> {
    const key = upstreamCallKey(request);
    const shared = inFlight.get(key);
    if (shared !== undefined) return follow(shared, request.signal);

    const { signal, ...detached } = request;
    const call = upstream.listAuditLogs(detached);
    inFlight.set(key, call);
    const forget = (): void => {
      if (inFlight.get(key) === call) inFlight.delete(key);
    };
    call.then(forget, forget);
    return signal === undefined ? call : abandonable(call, signal);
  }

  return { ...upstream, listAuditLogs };
}

/** A follower's view of a shared call: its own copy of an error, its own way out. */
function follow(call: Promise<UpstreamPage>, signal: AbortSignal | undefined): Promise<UpstreamPage> {
  const own = call.catch((error: unknown) => {
    throw copyOf(error);
  });
  return signal === undefined ? own : abandonable(own, signal);
}

function copyOf(error: unknown): unknown {
  if (!(error instanceof GatewayError)) return error;
  const copy = new GatewayError(error.code, error.message, { cause: error });
  (copy as { extensions: Record<string, unknown> }).extensions = { ...error.extensions };
  return copy;
}

/** Settles with `call`, or fails as soon as `signal` aborts (the call itself goes on). */
function abandonable(call: Promise<UpstreamPage>, signal: AbortSignal): Promise<UpstreamPage> {
  if (signal.aborted) return Promise.reject(errorForTransportFailure(signal.reason));
  return new Promise<UpstreamPage>((resolve, reject) => {
    const onAbort = (): void => reject(errorForTransportFailure(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    call.then(
      (page) => {
        signal.removeEventListener('abort', onAbort);
        resolve(page);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
