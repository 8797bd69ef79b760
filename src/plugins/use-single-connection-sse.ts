import { randomUUID } from 'node:crypto';
import { getOperationAST, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { createHandler } from 'graphql-sse/lib/use/fetch';
import type { Plugin } from 'graphql-yoga';
import { credentialProblem } from '../caller.js';
import { requestState } from '../observability/request-state.js';
import type { OperationReporting } from './operation-record.js';
import { prepareOperation, resultForClient } from './prepare-operation.js';

/**
 * GraphQL over SSE in graphql-sse's single-connection mode (`singleConnection: true`)
 * at the GraphQL endpoint: the client reserves a stream with `PUT` (the answer is its
 * token), opens it with `GET` and `X-GraphQL-Event-Stream-Token`, and sends each
 * operation with `POST` and the token; the graphql-sse library serves that protocol,
 * each operation run through the gateway's own pipeline. A document that does not
 * parse or validate, or a result without `data` (variables that do not fit), is
 * delivered on the stream as a result with its errors and codes, as over HTTP.
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

export function useSingleConnectionSse({ endpoint, maxReservations, operations }: { endpoint: string; maxReservations: number; operations: OperationReporting }): Plugin {
  const waiting = new Map<string, ReturnType<typeof setTimeout>>();
  type Incoming = { url: string; headers: { get(name: string): string | null | undefined } };
  // The URL is parsed only when it has a query: every request at the endpoint asks for the token.
  const tokenOf = (request: Incoming): string | null =>
    request.headers.get(TOKEN_HEADER) ?? (request.url.includes('?') ? new URL(request.url, 'http://gateway').searchParams.get(TOKEN_PARAM) : null);
  /** graphql-sse's refusal: a body and its init. */
  const refusal = (status: number, code: string, message: string, headers: Record<string, string> = {}): [string, { status: number; statusText: string; headers: Record<string, string> }] => [
    JSON.stringify({ errors: [{ message, extensions: { code } }] }),
    { status, statusText: status === 401 ? 'Unauthorized' : 'Service Unavailable', headers: { 'content-type': 'application/json; charset=utf-8', ...headers } },
  ];

  let handler: ((request: Request) => Promise<Response>) | undefined;
  const serverContexts = new WeakMap<Request, object>();

  const authenticate = (request: Incoming) => {
    const token = tokenOf(request);
    if (token !== null) return token;
    const caller = { authorization: request.headers.get('authorization') ?? null, tenant: request.headers.get('x-tenant') ?? null };
    if (credentialProblem(caller) !== null) return refusal(401, 'UNAUTHENTICATED', "A stream is reserved with the caller's Authorization and X-Tenant headers.");
    if (waiting.size >= maxReservations) return refusal(503, 'RATE_LIMITED', 'Too many streams are reserved and not yet opened; retry later.', { 'retry-after': '5' });
    const reserved = randomUUID();
    waiting.set(reserved, setTimeout(() => drop(reserved), RESERVATION_TTL_MS).unref());
    return reserved;
  };

  /** Frees a reservation nobody opened: opened here and cancelled at once, through the library's own protocol. */
  function drop(token: string): void {
    waiting.delete(token);
    const request = new Request(`http://gateway${endpoint}`, { method: 'GET', headers: { accept: 'text/event-stream', [TOKEN_HEADER]: token } });
    void handler?.(request).then((response) => response.body?.cancel()).catch(() => undefined);
  }

  return {
    onYogaInit({ yoga }) {
      handler = createHandler(
        {
          authenticate,
          async onSubscribe(request, params) {
            // Reported as over HTTP: the log line, metrics and span of the operation's POST.
            operations.open(request.raw, params.operationName);
            const enveloped = yoga.getEnveloped({ ...serverContexts.get(request.raw), request: request.raw, params });
            const prepared = prepareOperation(enveloped, params.query, requestState(request.raw).correlationId);
            if ('errors' in prepared) {
              operations.finish(request.raw, { errors: prepared.errors });
              return once({ errors: prepared.errors });
            }
            const args: ExecutionArgs = {
              schema: enveloped.schema,
              document: prepared.document,
              contextValue: await enveloped.contextFactory(),
              variableValues: params.variables,
              operationName: params.operationName,
            };
            const run = getOperationAST(prepared.document, params.operationName)?.operation === 'subscription' ? enveloped.subscribe : enveloped.execute;
            const result = (await run(args)) as ExecutionResult | AsyncIterable<ExecutionResult>;
            operations.finish(request.raw, result);
            // graphql-sse takes a plain result only when it has `data`: any result goes as a stream of one.
            return Symbol.asyncIterator in result ? result : once(result);
          },
          // Results as over HTTP: errors without yoga's HTTP status, with the correlation id.
          onNext: (_ctx, request, result) => resultForClient(result, requestState(request.raw).correlationId),
        },
        yoga.fetchAPI,
      );
    },
    onRequest({ request, url, serverContext, endResponse }) {
      if (url.pathname !== endpoint) return;
      const token = tokenOf(request);
      if (request.method !== 'PUT' && token === null) return;
      if (request.method === 'GET' && token !== null) {
        clearTimeout(waiting.get(token));
        waiting.delete(token);
      }
      serverContexts.set(request, serverContext as object);
      return handler!(request).then(endResponse);
    },
  };
}

/** A result as a stream of one event, which the protocol sends and then completes. */
async function* once(result: ExecutionResult): AsyncGenerator<ExecutionResult> {
  yield result;
}
