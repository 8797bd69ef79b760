import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import type { Target } from './load.js';
import { freePort, startNodeServer, type ServerProcess } from './processes.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The caller every request comes from (the sample upstream accepts any bearer token and tenant). */
export const CALLER = {
  authorization: 'Bearer bench-token',
  'x-tenant': 'bench.cloudcockpit.example',
} as const;

/**
 * Every server runs as the container runs the gateway (the Dockerfile sets it):
 * graphql-js, for one, checks every `instanceof` twice in development mode.
 */
export const DEPLOYED_ENV = { NODE_ENV: 'production' } as const;

export const FIELDS = 'id timestamp operation status customerName resellerName userName';

export const GATEWAY_PAGE_QUERY = `query Page($first: Int!, $after: String) { auditLogs(first: $first, after: $after) { totalCount nodes { ${FIELDS} } } }`;
const BARE_PAGE_QUERY = `query Page($pageNumber: Int!, $pageSize: Int!) { auditLogs(pageNumber: $pageNumber, pageSize: $pageSize) { totalCount items { ${FIELDS} } } }`;
const WALK_QUERY = `query Walk($after: String) { auditLogs(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { ${FIELDS} } } }`;

const graphqlHeaders = { ...CALLER, 'content-type': 'application/json', accept: 'application/graphql-response+json' };

/** A 200 GraphQL body without errors (the items are checked once, before the load, by `checkTargets`). */
const graphqlOk = (body: string): boolean => !body.includes('"errors":');
/** The upstream's 200 page body. */
const restOk = (body: string): boolean => body.startsWith('{"items":[');

export function directTarget(upstreamUrl: string, pageSize: number, pageNumber: number): Target {
  return {
    url: `${upstreamUrl}/v1/AuditLogs?PageSize=${pageSize}&PageNumber=${pageNumber}`,
    method: 'GET',
    headers: { ...CALLER },
    verify: restOk,
  };
}

/** The page from any of the peers that serve bench/peers/audit-log-page.ts. */
export function peerTarget(peerUrl: string, pageSize: number, pageNumber: number): Target {
  return {
    url: `${peerUrl}/graphql`,
    method: 'POST',
    headers: graphqlHeaders,
    body: JSON.stringify({ query: BARE_PAGE_QUERY, variables: { pageNumber, pageSize } }),
    verify: graphqlOk,
  };
}

export function gatewayTarget(gatewayUrl: string, first: number, after: string | null): Target {
  return {
    url: `${gatewayUrl}/graphql`,
    method: 'POST',
    headers: graphqlHeaders,
    body: JSON.stringify({ query: GATEWAY_PAGE_QUERY, variables: { first, after } }),
    verify: graphqlOk,
  };
}

/** The 25-item page as a trusted document: its id in the manifest `writePageManifest` writes (graphql-codegen's form). */
export const GATEWAY_PAGE_DOCUMENT_ID = `sha256:${createHash('sha256').update(GATEWAY_PAGE_QUERY).digest('hex')}`;

/** A PERSISTED_DOCUMENTS manifest holding the page query, in a fresh temporary directory; returns its path. */
export function writePageManifest(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'bench-manifest-')), 'persisted-documents.json');
  writeFileSync(path, JSON.stringify({ [GATEWAY_PAGE_DOCUMENT_ID]: GATEWAY_PAGE_QUERY }));
  return path;
}

/** The gateway's page named by `documentId` (the gateway must run with `writePageManifest`'s manifest). */
export function trustedDocumentTarget(gatewayUrl: string, first: number, after: string | null): Target {
  return {
    url: `${gatewayUrl}/graphql`,
    method: 'POST',
    headers: graphqlHeaders,
    body: JSON.stringify({ documentId: GATEWAY_PAGE_DOCUMENT_ID, variables: { first, after } }),
    verify: graphqlOk,
  };
}

/** Sends a target's request once and returns the parsed body, failing loudly on anything unexpected. */
export async function sendOnce(target: Target): Promise<any> {
  const response = await request(target.url, { method: target.method, headers: target.headers, body: target.body });
  const text = await response.body.text();
  if (response.statusCode !== 200 || !target.verify(text)) {
    throw new Error(`${target.method} ${target.url} answered ${response.statusCode}: ${text.slice(0, 500)}`);
  }
  return JSON.parse(text);
}

/** The ids of a page as each kind of target returns it. */
export function idsOf(body: any): string[] {
  const items: Array<{ id: string; auditLogId?: string }> =
    body.items ?? body.data?.auditLogs?.items ?? body.data?.auditLogs?.nodes ?? [];
  return items.map((item) => item.id);
}

/** The cursor of the n-th item (1-based) of a new walk: `after` it the page starts at item n+1. */
export async function cursorOfItem(gatewayUrl: string, n: number): Promise<string> {
  const body = await sendOnce({
    url: `${gatewayUrl}/graphql`,
    method: 'POST',
    headers: graphqlHeaders,
    body: JSON.stringify({ query: `query { auditLogs(first: ${n}) { pageInfo { endCursor } } }` }),
    verify: graphqlOk,
  });
  return body.data.auditLogs.pageInfo.endCursor;
}

export interface WalkResult {
  pages: number;
  items: number;
  ms: number;
}

/** Walks `pages` pages of 100 items forward through the gateway, one page after the other. */
export async function walk(gatewayUrl: string, pages: number): Promise<WalkResult> {
  const started = performance.now();
  let after: string | null = null;
  let items = 0;
  for (let i = 0; i < pages; i++) {
    const body = await sendOnce({
      url: `${gatewayUrl}/graphql`,
      method: 'POST',
      headers: graphqlHeaders,
      body: JSON.stringify({ query: WALK_QUERY, variables: { after } }),
      verify: graphqlOk,
    });
    const page = body.data.auditLogs;
    items += page.nodes.length;
    after = page.pageInfo.endCursor;
    if (!page.pageInfo.hasNextPage && i < pages - 1) throw new Error(`the walk ended after ${i + 1} pages`);
  }
  return { pages, items, ms: performance.now() - started };
}

/** The sample upstream's count of /v1/AuditLogs requests since the last reset. */
export async function upstreamCalls(sampleUrl: string): Promise<number> {
  const response = await request(`${sampleUrl}/__sample/stats`);
  return ((await response.body.json()) as { requests: number }).requests;
}

export async function resetUpstreamCalls(sampleUrl: string): Promise<void> {
  const response = await request(`${sampleUrl}/__sample/reset`, { method: 'POST' });
  await response.body.dump();
}

/** The sample upstream, on `node` (default this Node.js). */
export async function startSample(node?: string): Promise<ServerProcess> {
  return startNodeServer({
    name: 'sample upstream',
    command: node,
    args: [`${ROOT}dist/tools/sample-upstream/main.js`],
    env: { ...DEPLOYED_ENV },
    port: await freePort(),
    readyPath: '/__sample/stats',
  });
}

export interface GatewayStart {
  /** Extra environment (feature switches). */
  env?: Record<string, string>;
  /** Options for node itself, such as --cpu-prof. */
  nodeArgs?: string[];
  name?: string;
  /** The compiled gateway to run; default the project's dist/. */
  dist?: string;
  /** The node binary; default this Node.js. */
  node?: string;
}

/** The gateway as deployed: `node dist/src/main.js`, configured through the environment only. */
export async function startGateway(upstreamUrl: string, options: GatewayStart = {}): Promise<ServerProcess> {
  const { env = {}, nodeArgs = [], name = 'gateway', dist = `${ROOT}dist`, node } = options;
  return startNodeServer({
    name,
    command: node,
    args: [...nodeArgs, `${dist}/src/main.js`],
    // In production the gateway refuses to start without its own cursor secret.
    env: { ...DEPLOYED_ENV, UPSTREAM_URL: upstreamUrl, CURSOR_SECRET: 'bench-cursor-secret-0123456789', ...env },
    port: await freePort(),
    readyPath: '/healthz',
  });
}

export interface PeerStart {
  /** The node binary; default this Node.js. */
  node?: string;
  /** Options for node itself, such as --cpu-prof. */
  nodeArgs?: string[];
}

/** Plain graphql-yoga with the benchmark's one resolver (bench/peers/yoga-server.ts); `jit` adds @envelop/graphql-jit. */
export async function startYogaPeer(upstreamUrl: string, jit: boolean, { node, nodeArgs = [] }: PeerStart = {}): Promise<ServerProcess> {
  return startNodeServer({
    name: jit ? 'yoga + graphql-jit' : 'bare yoga',
    command: node,
    args: [...nodeArgs, '--import', 'tsx', `${ROOT}bench/peers/yoga-server.ts`],
    env: { ...DEPLOYED_ENV, UPSTREAM_URL: upstreamUrl, PEER_JIT: String(jit) },
    port: await freePort(),
    readyPath: '/health',
  });
}

/** Fastify + mercurius with `jit: 1` and the benchmark's one resolver (bench/peers/mercurius-server.ts). */
export async function startMercuriusPeer(upstreamUrl: string, { node, nodeArgs = [] }: PeerStart = {}): Promise<ServerProcess> {
  return startNodeServer({
    name: 'mercurius + jit',
    command: node,
    args: [...nodeArgs, '--import', 'tsx', `${ROOT}bench/peers/mercurius-server.ts`],
    env: { ...DEPLOYED_ENV, UPSTREAM_URL: upstreamUrl },
    port: await freePort(),
    readyPath: '/health',
  });
}
