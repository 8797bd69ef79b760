import { createGraphQLError, type Plugin } from 'graphql-yoga';

/** Media types whose body is the JSON GraphQL request (the second is the older draft's name). */
const JSON_TYPES = new Set(['application/json', 'application/graphql+json']);

/** The media type without parameters, lower-cased; null when absent. */
export function mediaTypeOf(contentType: string | null): string | null {
  if (contentType === null) return null;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type === '' ? null : type;
}

/**
 * `POST` takes JSON bodies only: `text/plain`, form and multipart bodies (what a
 * cross-site page can send without a CORS preflight) and `application/graphql`
 * are refused with 415 before the body is read, so they never execute.
 * `GET` keeps working with no extra header.
 */
export function useJsonBodiesOnly(): Plugin {
  return {
    onRequestParse({ request }) {
      if (request.method !== 'POST') return;
      if (JSON_TYPES.has(mediaTypeOf(request.headers.get('content-type')) ?? '')) return;
      throw createGraphQLError('POST requests must have a JSON body (Content-Type: application/json).', {
        extensions: { code: 'BAD_REQUEST', http: { status: 415, headers: { accept: 'application/json' } } },
      });
    },
  };
}
