import { performance } from 'node:perf_hooks';
import { getOperationAST, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { requestState, type OperationRecord, type Outcome } from '../observability/request-state.js';


export interface ResultSummary {
  outcome: Outcome;
  /** Each distinct `extensions.code` once, in order of appearance. */
  errorCodes: string[];
}

/** The request's operation record, or undefined when the request carried no GraphQL operation. */
export function operationRecordOf(request: Request): OperationRecord | undefined {
  return requestState(request).record;
}

/**
 * Opens a record when an operation's parameters are read and fills in what execution
 * learns. The reporting plugins (log, metrics, tracing) read it in `onResultProcess`, so
 * this plugin must come before them in the plugin list.
 */
export function useOperationRecord(): Plugin<{ stats?: { upstreamCalls: number } }> {
  return {
    onParams({ request, params }) {
      requestState(request).record = {
        startedAt: performance.now(),
        name: typeof params.operationName === 'string' ? params.operationName : undefined,
        type: undefined,
        stats: undefined,
      };
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
