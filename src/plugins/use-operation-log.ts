import type { ExecutionResult } from 'graphql';
import { pino } from 'pino';
import { causeOfMaskedError, withheldFromClients } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import { durationMsOf, type OperationReporter, type ResultSummary } from './operation-record.js';

/** Longest client-sent operation name a log line repeats (names of executed operations are already bounded by parsing). */
const MAX_LOGGED_NAME = 100;

/**
 * One log line per GraphQL operation: correlation id, operation name and type, duration,
 * upstream calls made, outcome and error codes (and the trace id, to jump to the trace).
 */
export function operationLogReporter(parent: Logger): OperationReporter {
  // The line's fields are fixed and carry no header values, so it skips the wildcard
  // redaction of the root logger, which costs several times the rest of the line.
  const logger = parent.child({}, { redact: [] });
  return {
    finished({ state, record, result, summary }) {
      const level = levelFor(summary);
      if (!logger.isLevelEnabled(level)) return;
      logger[level](
        {
          correlationId: state.correlationId,
          operationName: record.name?.slice(0, MAX_LOGGED_NAME) ?? null,
          operationType: record.type ?? null,
          durationMs: Math.round(durationMsOf(record) * 10) / 10,
          upstreamCalls: record.stats?.upstreamCalls ?? 0,
          outcome: summary.outcome,
          errorCodes: summary.errorCodes,
          traceId: state.trace?.span.spanContext().traceId,
          ...withheldFromClients(result),
          ...(level === 'error' ? { unexpected: maskedCauses(result) } : {}),
        },
        'graphql operation',
      );
    },
  };
}

/** The errors behind INTERNAL_SERVER_ERROR, so the line ties the defect to its correlation id. */
function maskedCauses(result: unknown): unknown[] {
  const parts = (Array.isArray(result) ? result : [result]) as Array<ExecutionResult | undefined>;
  const causes: unknown[] = [];
  for (const part of parts) {
    for (const error of part?.errors ?? []) {
      const cause = causeOfMaskedError(error);
      if (cause !== undefined && causes.length < 3) causes.push(cause instanceof Error ? pino.stdSerializers.err(cause) : String(cause));
    }
  }
  return causes;
}

/**
 * `error` for masked internal errors (a bug), `warn` when the upstream failed us,
 * `info` otherwise: a client's own mistake (bad input, missing credentials) is routine.
 */
export function levelFor({ errorCodes }: ResultSummary): 'info' | 'warn' | 'error' {
  if (errorCodes.includes('INTERNAL_SERVER_ERROR') || errorCodes.includes('UNKNOWN')) return 'error';
  if (errorCodes.some((code) => code.startsWith('UPSTREAM_') || code === 'RATE_LIMITED')) return 'warn';
  return 'info';
}
