import { throughBreaker } from './breaker-step.js';
import type { Breakers } from './breakers.js';
import type { AttemptResult } from './attempt.js';
import { startDeadline, type Deadline } from './deadline.js';
import { errorForTransportFailure } from './errors.js';
import type { UpstreamDialect } from '../model/dialect.js';
import { buildSearchParams } from './query.js';
import { retryLoop, type RetryLoopParts } from './retry-loop.js';
import type { ListAuditLogsRequest } from './types.js';
import type { UpstreamPage } from '../model/audit-log.js';

export interface PipelineParts {
  /** Path of `GET /v1/AuditLogs` under the base URL. */
  basePath: string;
  /** Deadline of one call: slot wait, every attempt and every backoff together. */
  timeoutMs: number;
  breakers: Breakers | undefined;
  /** How this upstream differs from the documented one; adapts every query sent. */
  dialect: UpstreamDialect;
  /** One attempt: slot → request → read → decode or classify (attempt.ts). Never throws. */
  attemptOnce(path: string, request: ListAuditLogsRequest, deadline: Deadline): Promise<AttemptResult>;
  retry: Omit<RetryLoopParts, 'report'>;
  report(request: ListAuditLogsRequest, attempt: number, startedAt: number, result: AttemptResult, retryInMs: number | undefined): void;
  totals: { breakerRejections: number };
}

/**
 * The path of one upstream call, top to bottom:
 * deadline → breaker admission → retry loop of attempts (each: budget → slot → request →
 * read → decode or classify, then reported) → breaker record → page or error.
 */
export function createPipeline(parts: PipelineParts): (request: ListAuditLogsRequest) => Promise<UpstreamPage> {
  return async function listAuditLogs(request) {
    const path = `${parts.basePath}?${buildSearchParams(request.query, request.window, parts.dialect)}`;
    const deadline = startDeadline(parts.timeoutMs, request.signal);
    if (deadline.signal.aborted) throw errorForTransportFailure(deadline.signal.reason);

    const result = await throughBreaker(parts.breakers, request, parts.totals, () =>
      retryLoop(
        { ...parts.retry, report: (attempt, startedAt, attemptResult, retryInMs) => parts.report(request, attempt, startedAt, attemptResult, retryInMs) },
        deadline,
        () => parts.attemptOnce(path, request, deadline),
        () => request.budget?.spend(request.window.pageSize),
      ),
    );
    if (result.ok) return result.page;
    throw result.error;
  };
}
