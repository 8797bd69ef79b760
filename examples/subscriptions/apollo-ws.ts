import { ApolloClient, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { createClient } from 'graphql-ws';

/**
 * Apollo Client over GraphQL over WebSocket (graphql-ws). The credentials go in the
 * `connection_init` payload: a browser cannot set headers on a WebSocket. In Node,
 * pass `WebSocket` from the `ws` package; browsers have their own.
 */
export function createApolloWsClient(url: string, headers: { authorization: string; 'x-tenant': string }, webSocketImpl?: unknown) {
  const sockets = createClient({
    url: url.replace(/^http/, 'ws'),
    connectionParams: { Authorization: headers.authorization, 'X-Tenant': headers['x-tenant'] },
    webSocketImpl,
  });
  return { client: new ApolloClient({ link: new GraphQLWsLink(sockets), cache: new InMemoryCache() }), sockets };
}
