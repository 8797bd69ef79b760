import { GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';

/** What `getEnveloped` gives that preparing an operation needs. */
interface EnvelopedParts {
  schema: GraphQLSchema;
  parse(source: string): DocumentNode;
  validate(schema: GraphQLSchema, document: DocumentNode): readonly GraphQLError[];
}

/** A document ready to run, or the errors a client gets instead (nothing ran). */
export type PreparedOperation = { document: DocumentNode } | { errors: readonly GraphQLError[] };

/**
 * Parses and validates an operation through the gateway's own plugins, for the
 * transports that run operations outside yoga's HTTP pipeline (WebSocket,
 * single-connection SSE). A document that does not parse is refused like one that
 * does not validate: with its errors and their codes, as over HTTP, never thrown
 * (a throw would end the socket or stream with an internal error). Each error
 * carries the operation's correlation id, as over HTTP.
 */
export function prepareOperation(enveloped: EnvelopedParts, query: string, correlationId: string): PreparedOperation {
  let document: DocumentNode;
  try {
    document = enveloped.parse(query);
  } catch (error) {
    if (error instanceof GraphQLError) return { errors: [errorForClient(error, correlationId)] };
    throw error;
  }
  const errors = enveloped.validate(enveloped.schema, document);
  return errors.length > 0 ? { errors: errors.map((error) => errorForClient(error, correlationId)) } : { document };
}

/** A result as the client gets it over HTTP: its errors without yoga's `http` extension, with the correlation id. */
export function resultForClient<T extends Pick<ExecutionResult, 'errors'>>(result: T, correlationId: string): T {
  if (!Array.isArray(result.errors) || result.errors.length === 0) return result;
  return { ...result, errors: result.errors.map((error) => errorForClient(error, correlationId)) };
}

/**
 * The error without yoga's `http` extension (it sets an HTTP status and is never
 * sent over HTTP either) and with the correlation id. A copy: the original may be
 * shared by other results.
 */
function errorForClient(error: GraphQLError, correlationId: string): GraphQLError {
  const { http: _http, ...extensions } = (error.extensions ?? {}) as Record<string, unknown>;
  if (!(error instanceof GraphQLError)) return { ...(error as object), extensions: { ...extensions, correlationId } } as unknown as GraphQLError;
  return new GraphQLError(error.message, { source: error.source, positions: error.positions, path: error.path, originalError: error.originalError, extensions: { ...extensions, correlationId } });
}

