import { randomUUID } from 'node:crypto';
import { useGraphQLSSE } from '@graphql-yoga/plugin-graphql-sse';
import type { Plugin } from 'graphql-yoga';
import { credentialProblem } from '../caller.js';

/**
 * GraphQL over SSE in graphql-sse's single-connection mode (`singleConnection: true`)
 * at the GraphQL endpoint: the client reserves a stream with `PUT` (the answer is its
 * token), opens it with `GET` and `X-GraphQL-Event-Stream-Token`, and sends each
 * operation with `POST` and the token; the graphql-sse library serves that protocol.
 * Only requests of the protocol (a `PUT`, or a token) go to it; everything else at
 * the endpoint stays yoga's (distinct-connection SSE among it).
 *
 * A reservation is state kept for someone who has not connected yet, so it is bounded:
 * only a caller with well-formed credentials may reserve, at most `maxReservations`
 * wait at once, and one not opened within RESERVATION_TTL_MS is dropped.
 */

const TOKEN_HEADER = 'x-graphql-event-stream-token';
const TOKEN_PARAM = 'token';
/** How long a reserved stream waits for its `GET`. */
export const RESERVATION_TTL_MS = 30_000;

export function useSingleConnectionSse({ endpoint, maxReservations }: { endpoint: string; maxReservations: number }): Plugin {
  const waiting = new Map<string, ReturnType<typeof setTimeout>>();
  // The URL is parsed only when it has a query: every request at the endpoint asks for the token.
  const tokenOf = (request: { url: string; headers: { get(name: string): string | null | undefined } }): string | null =>
    request.headers.get(TOKEN_HEADER) ?? (request.url.includes('?') ? new URL(request.url, 'http://gateway').searchParams.get(TOKEN_PARAM) : null);
  /** graphql-sse's refusal: a body and its init. */
  const refusal = (status: number, code: string, message: string, headers: Record<string, string> = {}): [string, { status: number; statusText: string; headers: Record<string, string> }] => [
    JSON.stringify({ errors: [{ message, extensions: { code } }] }),
    { status, statusText: status === 401 ? 'Unauthorized' : 'Service Unavailable', headers: { 'content-type': 'application/json; charset=utf-8', ...headers } },
  ];

  const sse = useGraphQLSSE({
    endpoint,
    authenticate(request) {
      const token = tokenOf(request);
      if (token !== null) return token;
      const caller = { authorization: request.headers.get('authorization') ?? null, tenant: request.headers.get('x-tenant') ?? null };
      if (credentialProblem(caller) !== null) return refusal(401, 'UNAUTHENTICATED', "A stream is reserved with the caller's Authorization and X-Tenant headers.");
      if (waiting.size >= maxReservations) return refusal(503, 'RATE_LIMITED', 'Too many streams are reserved and not yet opened; retry later.', { 'retry-after': '5' });
      const reserved = randomUUID();
      waiting.set(reserved, setTimeout(() => drop(reserved), RESERVATION_TTL_MS).unref());
      return reserved;
    },
  });

  /** Frees a reservation nobody opened: opened here and cancelled at once, through the library's own protocol. */
  function drop(token: string): void {
    waiting.delete(token);
    const request = new Request(`http://gateway${endpoint}`, { method: 'GET', headers: { accept: 'text/event-stream', [TOKEN_HEADER]: token } });
    void sse.onRequest?.({
      request,
      url: new URL(request.url),
      endResponse: (response: Response) => void response.body?.cancel().catch(() => undefined),
      serverContext: {},
      fetchAPI: globalThis,
      requestHandler: undefined,
      setRequestHandler: () => undefined,
    } as never);
  }

  return {
    ...sse,
    onRequest(payload) {
      const { request, url } = payload;
      if (url.pathname !== endpoint) return;
      const token = tokenOf(request);
      if (request.method !== 'PUT' && token === null) return;
      if (request.method === 'GET' && token !== null) {
        clearTimeout(waiting.get(token));
        waiting.delete(token);
      }
      return sse.onRequest?.(payload);
    },
  };
}
