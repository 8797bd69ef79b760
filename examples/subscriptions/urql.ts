import { Client, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient } from 'graphql-ws';

/** urql with its subscriptionExchange over graphql-ws; queries go over HTTP with the same headers. */
export function createUrqlClient(url: string, headers: { authorization: string; 'x-tenant': string }, webSocketImpl?: unknown) {
  const sockets = createClient({
    url: url.replace(/^http/, 'ws'),
    connectionParams: { Authorization: headers.authorization, 'X-Tenant': headers['x-tenant'] },
    webSocketImpl,
  });
  const client = new Client({
    url,
    fetchOptions: { headers },
    exchanges: [
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: sockets.subscribe({ query: request.query ?? '', variables: request.variables }, sink) }),
        }),
      }),
    ],
  });
  return { client, sockets };
}
