import { createGraphQLError, type Plugin } from 'graphql-yoga';

/** The GET parameters that GraphQL over HTTP carries as JSON text. */
const JSON_PARAMS = ['variables', 'extensions'] as const;

/**
 * `GET /graphql?variables=<not JSON>` is a malformed request: 400 with BAD_REQUEST,
 * like a POST body that is not JSON. Left to yoga, the parser's SyntaxError surfaces
 * as an unexpected error (200, INTERNAL_SERVER_ERROR). The message names the
 * parameter, not its content.
 */
export function useGetJsonParams(): Plugin {
  return {
    onRequestParse({ request, url }) {
      if (request.method !== 'GET') return;
      for (const name of JSON_PARAMS) {
        const text = url.searchParams.get(name);
        if (text === null || text === '') continue;
        try {
          JSON.parse(text);
        } catch {
          throw createGraphQLError(`The "${name}" parameter is not valid JSON.`, {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          });
        }
      }
    },
  };
}
