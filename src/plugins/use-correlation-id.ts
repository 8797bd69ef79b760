import type { ExecutionResult, GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { requestState } from '../observability/request-state.js';

function withCorrelationId(error: GraphQLError, correlationId: string): GraphQLError {
  if (error.extensions.correlationId === correlationId) return error;
  // extensions is frozen-ish by convention; assign onto a copy the serializer reads.
  (error as { extensions: Record<string, unknown> }).extensions = { ...error.extensions, correlationId };
  return error;
}

/**
 * Echoes the correlation id as a response header and stamps it on every error,
 * masked ones included, so a client report can be matched to the logs.
 */
export function useCorrelationId(): Plugin {
  return {
    onResultProcess({ request, result }) {
      const { correlationId } = requestState(request);
      const results = (Array.isArray(result) ? result : [result]) as ExecutionResult[];
      for (const single of results) {
        if (single && Array.isArray(single.errors)) {
          for (const error of single.errors) withCorrelationId(error as GraphQLError, correlationId);
        }
      }
    },
    onResponse({ request, response }) {
      response.headers.set('x-correlation-id', requestState(request).correlationId);
    },
  };
}
