import { performance } from 'node:perf_hooks';
import type { AttemptResult } from './attempt.js';
import type { ListAuditLogsRequest, UpstreamCallEvent } from './types.js';

export interface ReportLogger {
  debug(obj: object, msg?: string): void;
}

/**
 * What each attempt is reported as: the `onCall` hook (only for requests that reached
 * the upstream; it must not break the call) and one debug line.
 */
export function reportAttempt(
  onCall: ((event: UpstreamCallEvent) => void) | undefined,
  logger: ReportLogger,
  request: ListAuditLogsRequest,
  attempt: number,
  startedAt: number,
  result: AttemptResult,
  retryInMs: number | undefined,
): void {
  const durationMs = performance.now() - startedAt;
  const { correlationId } = request.headers;
  const status = result.status;
  const code = result.ok ? undefined : result.error.code;
  const event: UpstreamCallEvent = { correlationId, status, code, durationMs, ...request.window, attempt };
  if (retryInMs !== undefined) event.retryInMs = retryInMs;
  try {
    if (result.ok || !result.notSent) onCall?.(event);
  } catch {
    // A reporting hook must never break the call.
  }
  logger.debug(
    {
      correlationId,
      status,
      durationMs: Math.round(durationMs),
      pageNumber: request.window.pageNumber,
      pageSize: request.window.pageSize,
      attempt,
      error: code,
      ...(retryInMs === undefined ? {} : { retryInMs }),
    },
    'upstream GET AuditLogs',
  );
}
