import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { useHarness } from '../../support/use-harness.js';

/**
 * A document that does not parse or validate, sent over the transports that run
 * operations outside yoga's HTTP pipeline (WebSocket, single-connection SSE), is
 * refused as over HTTP: the same message and code, no HTTP-only extension, nothing
 * sent upstream, and the socket or stream stays usable for the next operation.
 */

const h = useHarness();
const CALLER = { authorization: 'Bearer refusals-token', 'x-tenant': 'refusals.cloudcockpit.example' };
const DOCUMENTS = {
  'does not parse': 'subscription { auditLogAdded {',
  'does not validate': 'subscription { auditLogAdded { noSuchField } }',
  'has variables that do not fit': 'query Page($first: Int) { auditLogs(first: $first) { totalCount } }',
};
const VARIABLES: Record<string, Record<string, unknown>> = { 'has variables that do not fit': { first: 'many' } };
const disposers: (() => unknown)[] = [];

afterEach(async () => {
  for (const dispose of disposers.splice(0)) await dispose();
});

type Outcome = { errors: { message: string; extensions?: Record<string, unknown> }[] };

/** The errors one operation ends with over a client's `subscribe`, whether sent as results or as the error. */
function outcome(subscribe: (sink: { next(value: unknown): void; error(error: unknown): void; complete(): void }) => void): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const errors: Outcome['errors'] = [];
    subscribe({
      next: (value) => errors.push(...(((value as Outcome).errors ?? []) as Outcome['errors'])),
      error: (error) => (Array.isArray(error) ? resolve({ errors: error as Outcome['errors'] }) : reject(error)),
      complete: () => resolve({ errors }),
    });
  });
}

async function overHttp(query: string, variables?: Record<string, unknown>): Promise<Outcome> {
  const response = await request(`${h.url}/graphql`, {
    method: 'POST',
    headers: { ...CALLER, 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.body.json()) as Outcome;
}

function wsClient(): WsClient {
  const client = createWsClient({ url: `${h.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { ...CALLER }, retryAttempts: 0, lazy: false });
  disposers.push(() => client.dispose());
  return client;
}

// A copy of the headers: the client adds its stream token to the object it is given.
function singleSseClient() {
  const client = createSseClient({ url: `${h.url}/graphql`, singleConnection: true, headers: { ...CALLER }, retryAttempts: 0 });
  disposers.push(() => client.dispose());
  return client;
}

// The correlation id differs per operation: present on every error, compared by its presence.
const simplified = (result: Outcome) => result.errors.map(({ message, extensions }) => ({ message, extensions: { ...extensions, correlationId: typeof extensions?.correlationId } }));

describe('an operation refused before it runs', () => {
  for (const [what, query] of Object.entries(DOCUMENTS)) {
    it(`is refused over WebSocket and single-connection SSE as over HTTP when it ${what}`, async () => {
      const upstreamBefore = h.sample.requests.length;
      const variables = VARIABLES[what];
      const http = await overHttp(query, variables);
      expect(http.errors.length).toBeGreaterThan(0);
      expect(http.errors.every((error) => typeof error.extensions?.code === "string"), JSON.stringify(http)).toBe(true);

      const ws = wsClient();
      const sse = singleSseClient();
      const overWs = await outcome((sink) => ws.subscribe({ query, variables }, sink));
      const overSse = await outcome((sink) => sse.subscribe({ query, variables }, sink));
      expect(simplified(overWs)).toEqual(simplified(http));
      expect(simplified(overSse)).toEqual(simplified(http));
      expect(JSON.stringify([overWs, overSse])).not.toContain('"http"');
      expect(h.sample.requests.length).toBe(upstreamBefore);

      // Both connections still run the next operation.
      const page = 'query { auditLogs(first: 1) { totalCount } }';
      for (const client of [ws, sse]) {
        const next = await new Promise<unknown>((resolve, reject) => {
          let value: unknown;
          client.subscribe({ query: page }, { next: (v) => (value = v), error: reject, complete: () => resolve(value) });
        });
        expect((next as { data?: { auditLogs?: { totalCount?: number } } }).data?.auditLogs?.totalCount).toBeGreaterThan(0);
      }
    });
  }
});
