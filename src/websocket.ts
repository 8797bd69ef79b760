import type { IncomingMessage, Server } from 'node:http';
import type { ExecutionArgs, GraphQLError } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer, type WebSocket } from 'ws';
import { credentialProblem, type CallerHeaders } from './caller.js';
import { requestState } from './observability/request-state.js';
import type { OperationReporting } from './plugins/operation-record.js';
import { prepareOperation, resultForClient } from './plugins/prepare-operation.js';
import { findRequestedDocument, type TrustedDocuments } from './trusted-documents/documents.js';
import { persistedQueryNotFound } from './trusted-documents/refusals.js';

/**
 * GraphQL over WebSocket (`graphql-transport-ws`, the graphql-ws library's protocol:
 * Apollo Client's GraphQLWsLink, urql, Relay) at the GraphQL endpoint, through the
 * gateway's own pipeline: the same schema, plugins, limits, caller identity and caps
 * as over HTTP.
 *
 * The credentials come from the `connection_init` payload (keys in any case) or,
 * where it has none, from the upgrade request's headers. A socket without them gets
 * no subscription and nothing reaches the upstream: it is closed with 4401 for a
 * missing or malformed Authorization, 4403 for a missing X-Tenant.
 *
 * With a trusted-document manifest, a subscribe message may name its document by id
 * as over HTTP (`documentId` beside `query`, or `extensions.persistedQuery`); the
 * protocol requires a `query` string, which may then be empty. The gateway's
 * validation refuses untrusted documents here as everywhere.
 */

/** The codes a socket is closed with when its credentials will not do. */
export const CLOSE_UNAUTHORIZED = CloseCode.Unauthorized;
export const CLOSE_FORBIDDEN = CloseCode.Forbidden;
/** RFC 6455's "going away": the server is shutting down. */
export const CLOSE_GOING_AWAY = 1001;

/** How long shutdown waits for completed subscriptions to reach their clients before the sockets close. */
const FLUSH_MS = 1_000;
/** Ping frames keep idle sockets (and the proxies on their way) open. */
const KEEP_ALIVE_MS = 12_000;

/** What the transport needs of the gateway (src/gateway.ts builds it): its endpoint, pipeline, manifest and reporting. */
export interface WebSocketGateway {
  graphqlEndpoint: string;
  getEnveloped: YogaServerInstance<Record<string, unknown>, Record<string, unknown>>['getEnveloped'];
  trustedDocuments: TrustedDocuments | undefined;
  operations: OperationReporting;
}

export interface WebSocketTransport {
  /** Closes every socket with 1001, once its completed subscriptions were sent (call after the streams ended). */
  close(): Promise<void>;
}

type SocketExtra = {
  socket: WebSocket;
  request: IncomingMessage;
  caller?: CallerHeaders;
  /** One per running operation of the socket: aborted when it completes or the socket closes. */
  operations?: Map<string, AbortController>;
  /** The request of each operation not yet reported (see `gateway.operations`). */
  reporting?: Map<string, Request>;
};

/** The value of `name` in the payload, its key matched without regard to case, when it is a string. */
function payloadValue(payload: Readonly<Record<string, unknown>> | undefined, name: string): string | null {
  for (const key of Object.keys(payload ?? {})) {
    if (key.toLowerCase() === name) {
      const value = payload![key];
      return typeof value === 'string' ? value : null;
    }
  }
  return null;
}

/** The caller of a socket: the payload's credentials, each falling back to the upgrade request's header. Pure. */
export function socketCaller(payload: Readonly<Record<string, unknown>> | undefined, headers: IncomingMessage['headers']): CallerHeaders {
  const header = (name: string): string | null => {
    const value = headers[name];
    return typeof value === 'string' ? value : null;
  };
  return {
    authorization: payloadValue(payload, 'authorization') ?? header('authorization'),
    tenant: payloadValue(payload, 'x-tenant') ?? header('x-tenant'),
  };
}

export function serveWebSockets(server: Server, gateway: WebSocketGateway): WebSocketTransport {
  const sockets = new WebSocketServer({ server, path: gateway.graphqlEndpoint });
  const open = new Set<SocketExtra>();

  useServer<Record<string, unknown> | undefined, SocketExtra>(
    {
      onConnect(ctx) {
        const caller = socketCaller(ctx.connectionParams, ctx.extra.request.headers);
        const problem = credentialProblem(caller);
        if (problem !== null) {
          // Closed here with the precise code; graphql-ws's own close after `false` is then a no-op.
          ctx.extra.socket.close(problem === 'authorization' ? CLOSE_UNAUTHORIZED : CLOSE_FORBIDDEN, problem === 'authorization' ? 'Unauthorized' : 'Forbidden');
          return false;
        }
        ctx.extra.caller = caller;
        ctx.extra.operations = new Map();
        ctx.extra.reporting = new Map();
        open.add(ctx.extra);
        return true;
      },
      async onSubscribe(ctx, id, params) {
        const abort = new AbortController();
        const { caller, request: upgrade } = ctx.extra;
        // The request the operation's context is built from: the socket's caller and correlation headers, aborted when it ends.
        const request = new Request(`http://websocket${gateway.graphqlEndpoint}`, {
          method: 'POST',
          headers: forwardable({ ...upgrade.headers, authorization: caller!.authorization!, 'x-tenant': caller!.tenant! }),
          signal: abort.signal,
        });
        // Reported as over HTTP: opened as its parameters are read, finished with its result (onOperation) or its refusal.
        gateway.operations.open(request, params.operationName);
        ctx.extra.reporting!.set(id, request);
        const finish = (result: unknown): void => {
          ctx.extra.reporting!.delete(id);
          gateway.operations.finish(request, result);
        };
        const query = persistedText(gateway, params);
        if (typeof query !== 'string') {
          finish({ errors: [query] });
          return [query];
        }
        ctx.extra.operations!.set(id, abort);
        try {
          const enveloped = gateway.getEnveloped({ request, params });
          const { schema, execute, subscribe, contextFactory } = enveloped;
          const prepared = prepareOperation(enveloped, query, requestState(request).correlationId);
          if ('errors' in prepared) {
            // Refused before it ran: graphql-ws sends the errors and calls no onComplete; the socket stays open.
            ctx.extra.operations!.delete(id);
            finish({ errors: prepared.errors });
            return [...prepared.errors];
          }
          const args: ExecutionArgs = {
            schema,
            document: prepared.document,
            operationName: params.operationName,
            variableValues: params.variables,
            contextValue: await contextFactory(),
            rootValue: { execute, subscribe },
          };
          return args;
        } catch (err) {
          // Not run for a reason of the server's: reported as failed, then graphql-ws handles the throw.
          ctx.extra.operations!.delete(id);
          finish({ errors: [err] });
          throw err;
        }
      },
      onOperation(ctx, id, _params, _args, result) {
        const request = ctx.extra.reporting?.get(id);
        ctx.extra.reporting?.delete(id);
        if (request) gateway.operations.finish(request, result);
      },
      // graphql-ws refusing an operation itself (no operation of that name in the document, say): reported with its errors.
      onError(ctx, id, _params, errors) {
        const request = ctx.extra.reporting?.get(id);
        ctx.extra.reporting?.delete(id);
        if (request) gateway.operations.finish(request, { errors });
      },
      // Results as over HTTP: errors without yoga's HTTP status, with the correlation id.
      onNext: (_ctx, _id, _message, args, result) => resultForClient(result, requestState((args.contextValue as { request: Request }).request).correlationId),
      execute: (args) => (args.rootValue as { execute: (args: ExecutionArgs) => unknown }).execute(args) as never,
      subscribe: (args) => (args.rootValue as { subscribe: (args: ExecutionArgs) => unknown }).subscribe(args) as never,
      onComplete(ctx, id) {
        ctx.extra.operations?.get(id)?.abort();
        ctx.extra.operations?.delete(id);
      },
      onClose(ctx) {
        for (const abort of ctx.extra.operations?.values() ?? []) abort.abort();
        ctx.extra.operations?.clear();
        open.delete(ctx.extra);
      },
    },
    sockets,
    KEEP_ALIVE_MS,
  );

  return {
    async close() {
      const deadline = Date.now() + FLUSH_MS;
      while ([...open].some((extra) => (extra.operations?.size ?? 0) > 0 || extra.socket.bufferedAmount > 0) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      for (const extra of open) extra.socket.close(CLOSE_GOING_AWAY, 'Server shutting down');
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
    },
  };
}

/** The text a subscribe message runs: the manifest's when it names a document by id, else its own; the refusal of an unknown id. */
function persistedText(gateway: WebSocketGateway, params: { query: string; extensions?: unknown }): string | GraphQLError {
  if (gateway.trustedDocuments === undefined) return params.query;
  const requested = findRequestedDocument(gateway.trustedDocuments, params as { documentId?: unknown; extensions?: unknown });
  if (requested.kind === 'unknown') return persistedQueryNotFound();
  return requested.kind === 'found' ? requested.document.text : params.query;
}

/** The upgrade request's headers a GraphQL request of the socket may carry (credentials, correlation, trace context). */
function forwardable(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of ['authorization', 'x-tenant', 'x-correlation-id', 'traceparent', 'tracestate']) {
    const value = headers[name];
    if (typeof value === 'string') kept[name] = value;
  }
  return kept;
}
