import { createGraphQLError, type Plugin } from 'graphql-yoga';

/** The GET parameters that GraphQL over HTTP carries as JSON text. */
const JSON_PARAMS = ['variables', 'extensions'] as const;

const badRequest = (message: string) => createGraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });

/**
 * Request parameters yoga would otherwise let through to a masked 200 or a crash:
 * - `GET /graphql?variables=<not JSON>` (or `extensions`): 400 BAD_REQUEST, like a POST
 *   body that is not JSON (left to yoga, the parser's SyntaxError was an unexpected
 *   error: 200 with INTERNAL_SERVER_ERROR);
 * - an `operationName` that is not a string: 400 BAD_REQUEST (yoga checks `query`,
 *   `variables` and `extensions`, not this one).
 * Messages name the parameter, never its content.
 */
export function useRequestParamChecks(): Plugin {
  return {
    onRequestParse({ request, url }) {
      if (request.method !== 'GET') return;
      for (const name of JSON_PARAMS) {
        const text = url.searchParams.get(name);
        if (text === null || text === '') continue;
        try {
          JSON.parse(text);
        } catch {
          throw badRequest(`The "${name}" parameter is not valid JSON.`);
        }
      }
    },
    onParams({ params }) {
      const { operationName } = params as { operationName?: unknown };
      if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
        throw badRequest('The "operationName" parameter must be a string.');
      }
    },
  };
}
