import { createClient } from 'graphql-ws';
import { Environment, Network, Observable, RecordSource, Store, type FetchFunction, type SubscribeFunction } from 'relay-runtime';

/** A Relay environment: queries over HTTP, subscriptions over graphql-ws, the caller's credentials on both. */
export function createRelayEnvironment(url: string, headers: { authorization: string; 'x-tenant': string }, webSocketImpl?: unknown) {
  const sockets = createClient({
    url: url.replace(/^http/, 'ws'),
    connectionParams: { Authorization: headers.authorization, 'X-Tenant': headers['x-tenant'] },
    webSocketImpl,
  });
  const fetchQuery: FetchFunction = async (operation, variables) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ query: operation.text, variables }),
    });
    return response.json();
  };
  const subscribe: SubscribeFunction = (operation, variables) =>
    Observable.create((sink) => sockets.subscribe({ query: operation.text ?? '', variables, operationName: operation.name }, sink as never));
  return { environment: new Environment({ network: Network.create(fetchQuery, subscribe), store: new Store(new RecordSource()) }), sockets };
}
