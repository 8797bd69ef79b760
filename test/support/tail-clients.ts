import { gql } from '@apollo/client';
import { createClient as createSseClient } from 'graphql-sse';
import type { RequestParameters } from 'relay-runtime';
import WebSocket from 'ws';
import { createApolloHttpClient } from '../../examples/subscriptions/apollo-http.js';
import { createApolloWsClient } from '../../examples/subscriptions/apollo-ws.js';
import { openAuditLogEventSource } from '../../examples/subscriptions/event-source.js';
import { createRelayEnvironment } from '../../examples/subscriptions/relay.js';
import { createUrqlClient } from '../../examples/subscriptions/urql.js';
import { subscribe as subscribeSse } from './sse.js';

/**
 * The live tail through the clients frontends use, each set up by the example that
 * docs/clients.md shows (examples/subscriptions/), behind one small interface: the events received, the errors (a GraphQL error's
 * code, or `WS_<close code>` for a socket the server closed), and the end.
 */

export const TAIL_DOCUMENT = 'subscription Tail($filter: AuditLogFilter, $after: String) { auditLogAdded(filter: $filter, after: $after) { cursor node { auditLogId timestamp } } }';

export interface TailEventSeen {
  cursor: string;
  auditLogId: string;
  /** The SSE event's `id:` line, where the transport has one. */
  eventId?: string;
}

export interface TailClient {
  readonly events: TailEventSeen[];
  readonly errors: string[];
  /** Resolves when the stream completed or failed. */
  readonly ended: Promise<void>;
  waitForEvents(count: number, timeoutMs?: number): Promise<void>;
  close(): void;
}

export type TailVariables = { after?: string; filter?: Record<string, unknown> };
export type OpenTail = (url: string, headers: Record<string, string>, variables?: TailVariables) => TailClient;

type Payload = { data?: { auditLogAdded?: { cursor: string; node: { auditLogId: string } } } | null; errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> };

/** The bookkeeping every client shares: what arrived, and when enough has. */
function collector() {
  const events: TailEventSeen[] = [];
  const errors: string[] = [];
  const waiters = new Set<() => void>();
  let finish!: () => void;
  let finished = false;
  const ended = new Promise<void>((resolve) => (finish = resolve));
  const wake = () => waiters.forEach((waiter) => waiter());
  return {
    events,
    errors,
    ended,
    payload(payload: Payload, eventId?: string) {
      const edge = payload.data?.auditLogAdded;
      if (edge) events.push({ cursor: edge.cursor, auditLogId: edge.node.auditLogId, ...(eventId === undefined ? {} : { eventId }) });
      for (const error of payload.errors ?? []) errors.push(String(error.extensions?.code ?? 'NO_CODE'));
      wake();
    },
    error(code: string) {
      errors.push(code);
      this.end();
    },
    end() {
      if (finished) return;
      finished = true;
      finish();
      wake();
    },
    waitForEvents(count: number, timeoutMs = 20_000): Promise<void> {
      if (events.length >= count || finished) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`waited ${timeoutMs} ms for ${count} events, got ${events.length} (errors: ${errors.join(', ')})`));
        }, timeoutMs);
        const check = () => {
          if (events.length >= count || finished) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve();
          }
        };
        waiters.add(check);
      });
    },
  };
}

const codesOf = (error: unknown): string[] => {
  const graphQLErrors = (error as { errors?: unknown[]; graphQLErrors?: unknown[] }).errors ?? (error as { graphQLErrors?: unknown[] }).graphQLErrors;
  if (Array.isArray(graphQLErrors)) return graphQLErrors.map((e) => String((e as { extensions?: { code?: unknown } }).extensions?.code ?? 'NO_CODE'));
  if (typeof (error as { code?: unknown }).code === 'number') return [`WS_${(error as { code: number }).code}`];
  // Apollo's GraphQLWsLink turns the close into an Error that names the code.
  const closed = /Socket closed with event (\d+)/.exec(String((error as Error).message));
  if (closed) return [`WS_${closed[1]}`];
  // graphql-sse's client: a refused request, by its status.
  const status = (error as { response?: { status?: unknown } }).response?.status;
  if (typeof status === 'number') return [`HTTP_${status}`];
  return [String((error as Error).message ?? error)];
};

export const TAIL_CLIENTS: Record<string, OpenTail> = {
  /** GraphQL over SSE, distinct connections: a POST with Accept: text/event-stream. */
  sse(url, headers, variables) {
    const seen = collector();
    let close = () => {};
    void subscribeSse(url, TAIL_DOCUMENT, variables, headers).then((sub) => {
      close = () => sub.close();
      sub.onResult((result, eventId) => (result === null ? seen.end() : seen.payload(result as Payload, eventId)));
    });
    return { ...seen, close: () => close() };
  },

  /** A WHATWG EventSource (the eventsource package, which takes headers through its fetch): GET, `next` events with ids. */
  'event-source'(url, headers, variables) {
    const seen = collector();
    const source = openAuditLogEventSource(url, { authorization: headers.authorization!, 'x-tenant': headers['x-tenant']! }, TAIL_DOCUMENT, variables);
    source.addEventListener('next', (event) => seen.payload(JSON.parse(event.data) as Payload, event.lastEventId || undefined));
    source.addEventListener('complete', () => {
      source.close();
      seen.end();
    });
    return { ...seen, close: () => source.close() };
  },

  /** graphql-sse with `singleConnection: true`: a reserved stream (PUT, then GET with the token), operations by POST. */
  'single-sse'(url, headers, variables) {
    const seen = collector();
    const client = createSseClient({ url, singleConnection: true, headers, retryAttempts: 0 });
    const stop = client.subscribe({ query: TAIL_DOCUMENT, variables }, {
      next: (payload) => seen.payload(payload as Payload),
      error: (error) => seen.error(codesOf(error)[0]!),
      complete: () => seen.end(),
    });
    return { ...seen, close: () => (stop(), client.dispose()) };
  },

  /** Apollo Client 4, its default HttpLink: multipart HTTP subscriptions. */
  'apollo-http'(url, headers, variables) {
    const seen = collector();
    const client = createApolloHttpClient(url, credentials(headers));
    const subscription = client.subscribe({ query: gql(TAIL_DOCUMENT), variables }).subscribe(apolloObserver(seen));
    return { ...seen, close: () => (subscription.unsubscribe(), client.stop()) };
  },

  /** Apollo Client 4 with GraphQLWsLink (graphql-ws). */
  'apollo-ws'(url, headers, variables) {
    const seen = collector();
    const { client, sockets } = createApolloWsClient(url, credentials(headers), WebSocket);
    const subscription = client.subscribe({ query: gql(TAIL_DOCUMENT), variables }).subscribe(apolloObserver(seen));
    return { ...seen, close: () => (subscription.unsubscribe(), void sockets.dispose()) };
  },

  /** urql with its subscriptionExchange over graphql-ws. */
  'urql-ws'(url, headers, variables) {
    const seen = collector();
    const { client, sockets } = createUrqlClient(url, credentials(headers), WebSocket);
    const { unsubscribe } = client.subscription(TAIL_DOCUMENT, variables ?? {}).subscribe((result) => {
      if (result.error) {
        const codes = result.error.graphQLErrors.length > 0 ? result.error.graphQLErrors.map((e) => String(e.extensions.code)) : codesOf(result.error.networkError ?? result.error);
        for (const code of codes) seen.errors.push(code);
      }
      seen.payload({ data: result.data as Payload['data'] });
      if (result.error || !result.hasNext) seen.end();
    });
    return { ...seen, close: () => (unsubscribe(), void sockets.dispose()) };
  },

  /** Relay: the environment's network (its subscribe function over graphql-ws) runs the subscription. */
  'relay-ws'(url, headers, variables) {
    const seen = collector();
    const { environment, sockets } = createRelayEnvironment(url, credentials(headers), WebSocket);
    const request: RequestParameters = { id: null, cacheID: 'Tail', name: 'Tail', operationKind: 'subscription', text: TAIL_DOCUMENT, metadata: {} };
    const subscription = environment
      .getNetwork()
      .execute(request, variables ?? {}, {})
      .subscribe({
        next: (payload) => seen.payload(payload as Payload),
        error: (error: unknown) => seen.error(codesOf(error)[0]!),
        complete: () => seen.end(),
      });
    return { ...seen, close: () => (subscription.unsubscribe(), void sockets.dispose()) };
  },
};

const credentials = (headers: Record<string, string>) => ({ authorization: headers.authorization!, 'x-tenant': headers['x-tenant']! });

/** What an Apollo Client subscription reports, into the collector: data, GraphQL errors in a result, or the error that ends it. */
function apolloObserver(seen: ReturnType<typeof collector>) {
  return {
    next: (result: { data?: unknown; error?: unknown }) => {
      if (result.error) for (const code of codesOf(result.error)) seen.errors.push(code);
      seen.payload({ data: result.data as Payload['data'] });
    },
    error: (error: unknown) => seen.error(codesOf(error)[0]!),
    complete: () => seen.end(),
  };
}
