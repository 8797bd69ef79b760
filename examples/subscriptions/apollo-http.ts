import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';

/** Apollo Client with its default HttpLink: subscriptions over Apollo's multipart HTTP protocol, no extra link. */
export function createApolloHttpClient(url: string, headers: { authorization: string; 'x-tenant': string }) {
  return new ApolloClient({ link: new HttpLink({ uri: url, headers }), cache: new InMemoryCache() });
}
