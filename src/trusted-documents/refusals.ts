import { GraphQLError } from 'graphql';

/**
 * The two refusals of the trusted documents. Both come before execution (like yoga's
 * GRAPHQL_PARSE_FAILED), so no upstream call is made; neither is in the schema's
 * `enum ErrorCode`, which lists the codes raised while executing.
 */
export const PERSISTED_QUERY_NOT_FOUND = 'PERSISTED_QUERY_NOT_FOUND';
export const PERSISTED_QUERY_ONLY = 'PERSISTED_QUERY_ONLY';

/** The request names a document by an id the manifest does not have. */
export function persistedQueryNotFound(extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError('No trusted document has this id: the manifest of the gateway does not hold it.', {
    extensions: { code: PERSISTED_QUERY_NOT_FOUND, ...extensions },
  });
}

/** The request's document is not in the manifest, and only trusted documents run. */
export function persistedQueryOnly(): GraphQLError {
  return new GraphQLError('Only trusted documents run here: send the id of a document of the manifest (or its exact text).', {
    extensions: { code: PERSISTED_QUERY_ONLY },
  });
}
