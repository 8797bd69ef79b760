import { performance } from 'node:perf_hooks';
import { getOperationAST, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { requestState, type OperationRecord, type Outcome, type RequestState } from '../observability/request-state.js';

export interface ResultSummary {
  outcome: Outcome;
  /** Each distinct `extensions.code` once, in order of appearance. */
  errorCodes: string[];
}

/** The request's operation record, or undefined when the request carried no GraphQL operation. */
export function operationRecordOf(request: Request): OperationRecord | undefined {
  return requestState(request).record;
}

/** What the reporters learn of one finished operation; the summary is computed once for all of them. */
export interface FinishedOperation {
  request: Request;
  state: RequestState;
  record: OperationRecord;
  /** The processed result: one execution result, or the stream of a subscription. */
  result: unknown;
  summary: ResultSummary;
}

/** One way of reporting operations: the log line, the metrics, the span. */
export interface OperationReporter {
  /** When the operation's parameters are read, before its context is built. */
  started?(request: Request, state: RequestState): void;
  /** When its result is processed (a subscription: once its stream is set up). */
  finished(operation: FinishedOperation): void;
}

/**
 * The one reporting path of every transport: `open` when an operation's parameters are
 * read, `finish` with its result. HTTP reaches it through `useOperationRecord`, the
 * WebSocket transport calls it itself (it runs operations outside yoga's request
 * handling, where `onParams` and `onResultProcess` do not fire).
 */
export interface OperationReporting {
  open(request: Request, operationName: unknown): void;
  /** Reports the operation; once: later calls for the same record do nothing. */
  finish(request: Request, result: unknown): void;
}

/** Reports to each reporter in order, with the result summarised once. */
export function createOperationReporting(reporters: readonly OperationReporter[]): OperationReporting {
  const starting = reporters.filter((reporter) => reporter.started !== undefined);
  return {
    open(request, operationName) {
      const state = requestState(request);
      state.record = {
        startedAt: performance.now(),
        name: typeof operationName === 'string' ? operationName : undefined,
        type: undefined,
        stats: undefined,
      };
      for (const reporter of starting) reporter.started!(request, state);
    },
    finish(request, result) {
      const state = requestState(request);
      const record = state.record;
      if (!record || record.finished) return;
      record.finished = true;
      const operation: FinishedOperation = { request, state, record, result, summary: summarizeResult(result) };
      for (const reporter of reporters) reporter.finished(operation);
    },
  };
}

/**
 * Opens a record when an operation's parameters are read, fills in what execution
 * learns, and reports the processed result. It comes before every plugin that reads
 * the record.
 */
export function useOperationRecord(reporting: OperationReporting): Plugin<{ stats?: { upstreamCalls: number } }> {
  return {
    onParams({ request, params }) {
      reporting.open(request, params.operationName);
    },
    // Names the operation once its document is parsed, so a validation failure is named too.
    onValidate({ params, context }) {
      const request = (context as { request?: Request }).request;
      const record = request && requestState(request).record;
      if (!record) return;
      const operation = getOperationAST(params.documentAST, record.name);
      if (operation) {
        record.name = record.manifestName ?? operation.name?.value;
        record.type = operation.operation;
      }
    },
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      const record = request && requestState(request).record;
      if (!record) return;
      record.stats = args.contextValue.stats;
    },
    onResultProcess({ request, result }) {
      reporting.finish(request, result);
    },
  };
}

/** Elapsed milliseconds since the record was opened. */
export function durationMsOf(record: OperationRecord): number {
  return performance.now() - record.startedAt;
}

/**
 * Outcome and error codes of a processed result: `success` without errors, `partial` when
 * errors came with some data, `error` otherwise. A batch or stream counts as its parts.
 */
export function summarizeResult(result: unknown): ResultSummary {
  const parts = (Array.isArray(result) ? result : [result]) as Array<ExecutionResult | undefined>;
  const errorCodes: string[] = [];
  let anyErrors = false;
  let anyData = false;
  for (const part of parts) {
    if (!part || typeof part !== 'object') continue;
    if (hasData(part.data)) anyData = true;
    for (const error of part.errors ?? []) {
      anyErrors = true;
      const code = error.extensions?.code;
      const name = typeof code === 'string' ? code : 'UNKNOWN';
      if (!errorCodes.includes(name)) errorCodes.push(name);
    }
  }
  return { outcome: !anyErrors ? 'success' : anyData ? 'partial' : 'error', errorCodes };
}

function hasData(data: ExecutionResult['data']): boolean {
  if (!data) return false;
  for (const key in data) if (data[key] !== null) return true;
  return false;
}
