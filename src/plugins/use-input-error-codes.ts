import type { ExecutionResult, GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Variables that do not fit their declared types ("Int cannot represent …") are
 * refused by graphql-js before execution with errors that carry no code. They are
 * the caller's input, so they get BAD_USER_INPUT, as every other rejection of it.
 * Errors raised while resolving fields (they have a `path`) are left alone.
 */
export function useInputErrorCodes(): Plugin {
  return {
    onExecute() {
      return {
        onExecuteDone({ result }) {
          if (!isResult(result)) return;
          for (const error of (result.errors ?? []) as GraphQLError[]) {
            if (error.path === undefined && error.extensions?.code === undefined) {
              (error as { extensions: Record<string, unknown> }).extensions = { ...error.extensions, code: 'BAD_USER_INPUT' };
            }
          }
        },
      };
    },
  };
}

function isResult(value: unknown): value is ExecutionResult {
  return typeof value === 'object' && value !== null && !(Symbol.asyncIterator in value);
}
