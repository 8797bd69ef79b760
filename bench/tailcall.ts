/**
 * Tailcall (a REST-to-GraphQL gateway written in Rust) as a peer of the benchmark:
 * the same 25 items from the same sample upstream, one upstream call per request.
 *
 * Its binary comes from `@tailcallhq/core-linux-x64-gnu` at exactly 1.0.0 (later
 * versions need a newer glibc), a dependency of bench/package.json only
 * (bench/install.ts installs it on demand).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installBenchPackages } from './install.js';
import type { Target } from './load.js';
import { freePort, startNodeServer, type ServerProcess } from './processes.js';
import { CALLER, FIELDS, ROOT } from './scenarios.js';

const BINARY = `${ROOT}bench/node_modules/@tailcallhq/core-linux-x64-gnu/bin/tailcall`;

/** Tailcall's schema for the upstream's page: the same fields the other servers serve. */
function configFor(upstreamUrl: string, port: number): string {
  return /* GraphQL */ `
schema
  @server(port: ${port}, hostname: "127.0.0.1")
  @upstream(httpCache: 0, allowedHeaders: ["authorization", "x-tenant"]) {
  query: Query
}

type Query {
  auditLogs(pageNumber: Int!, pageSize: Int!): AuditLogPage
    @http(
      url: "${upstreamUrl}/v1/AuditLogs"
      query: [{ key: "PageNumber", value: "{{.args.pageNumber}}" }, { key: "PageSize", value: "{{.args.pageSize}}" }]
      dedupe: false
    )
}

type AuditLogPage {
  items: [AuditLog!]!
  paginationParameters: PaginationParameters!
}

type PaginationParameters {
  totalCount: Int!
}

type AuditLog {
  id: ID!
  timestamp: String!
  operation: String
  status: String
  customerName: String
  resellerName: String
  userName: String
}
`;
}

const PAGE_QUERY = `query Page($pageNumber: Int!, $pageSize: Int!) { auditLogs(pageNumber: $pageNumber, pageSize: $pageSize) { paginationParameters { totalCount } items { ${FIELDS} } } }`;

/** The path of the Tailcall binary, installing the benchmark's packages first if needed; or why it is not there. */
export function tailcallBinary(): { binary: string } | { absent: string } {
  const installed = installBenchPackages();
  if (existsSync(BINARY)) return { binary: BINARY };
  return { absent: installed.ok ? 'npm ci --prefix bench installed no binary (not linux-x64-gnu?)' : installed.why };
}

/** Starts Tailcall in front of the sample upstream, without usage tracking, logging warnings only. */
export async function startTailcall(binary: string, upstreamUrl: string): Promise<ServerProcess> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bench-tailcall-'));
  const config = join(dir, 'audit-logs.graphql');
  writeFileSync(config, configFor(upstreamUrl, port));
  try {
    const server = await startNodeServer({
      name: 'tailcall',
      command: binary,
      args: ['start', config],
      env: { TAILCALL_TRACKER: 'false', TAILCALL_LOG_LEVEL: 'warn' },
      port,
      readyPath: '/graphql',
      readyBody: JSON.stringify({ query: '{ __typename }' }),
    });
    return {
      ...server,
      async stop() {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

export function tailcallTarget(tailcallUrl: string, pageSize: number, pageNumber: number): Target {
  return {
    url: `${tailcallUrl}/graphql`,
    method: 'POST',
    headers: { ...CALLER, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: PAGE_QUERY, variables: { pageNumber, pageSize } }),
    verify: (body) => body.startsWith('{"data":{"auditLogs":') && !body.includes('"errors":'),
  };
}
