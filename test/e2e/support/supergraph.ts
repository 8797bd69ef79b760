import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { assertCompositionSuccess, composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { request } from 'undici';
import { startHarness, type Harness, type HarnessOptions } from '../../support/harness.js';
import { startDirectorySubgraph, type DirectorySubgraph } from './directory-subgraph.js';

/** The caller headers the supergraph must pass on to the audit-log subgraph (as in docs/federation.md). */
export const PROPAGATED_HEADERS = ['authorization', 'x-tenant', 'x-correlation-id'] as const;

export interface GatewayResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { data?: Record<string, any> | null; errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, any> }> };
}

export interface Supergraph {
  /** The supergraph's GraphQL endpoint. */
  url: string;
  /** The audit-log subgraph: the real gateway in front of the real sample upstream. */
  auditLogs: Harness;
  directory: DirectorySubgraph;
  supergraphSdl: string;
  graphql(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GatewayResponse>;
  close(): Promise<void>;
}

/** Asks a running subgraph for its SDL, the way a composing tool or gateway does. */
async function fetchSubgraphSdl(url: string): Promise<string> {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const body = (await response.body.json()) as { data: { _service: { sdl: string } } };
  return body.data._service.sdl;
}

/**
 * Both subgraphs on loopback ports, composed with @theguild/federation-composition
 * and served by Hive Gateway in-process on a real port-0 HTTP server, configured
 * to propagate the three caller headers to subgraphs.
 */
export async function startSupergraph(options: HarnessOptions = {}): Promise<Supergraph> {
  const auditLogs = await startHarness(options);
  const directory = await startDirectorySubgraph();
  let gateway: GatewayRuntime | undefined;
  let server: Server | undefined;
  let supergraphSdl = '';
  try {
    const auditLogsUrl = `${auditLogs.url}/graphql`;
    const composed = composeServices([
      { name: 'audit-logs', typeDefs: parse(await fetchSubgraphSdl(auditLogsUrl)), url: auditLogsUrl },
      { name: 'directory', typeDefs: parse(directory.sdl), url: directory.url },
    ]);
    assertCompositionSuccess(composed);
    supergraphSdl = composed.supergraphSdl;

    gateway = createGatewayRuntime({
      supergraph: supergraphSdl,
      logging: false,
      propagateHeaders: {
        fromClientToSubgraphs: ({ request: incoming }) =>
          Object.fromEntries(PROPAGATED_HEADERS.map((name) => [name, incoming.headers.get(name)])),
      },
    });
    server = createServer(gateway);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  } catch (error) {
    await gateway?.dispose();
    await Promise.all([directory.close(), auditLogs.close()]);
    throw error;
  }
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  const listening = server;
  const runtime = gateway;

  return {
    url,
    auditLogs,
    directory,
    supergraphSdl,
    async graphql(query, variables, headers = {}) {
      const response = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.body.json()) as GatewayResponse['body'];
      return { status: response.statusCode, headers: response.headers, body };
    },
    async close() {
      listening.closeAllConnections();
      await new Promise<void>((resolve) => listening.close(() => resolve()));
      await runtime.dispose();
      await Promise.all([directory.close(), auditLogs.close()]);
    },
  };
}
