/**
 * Tailcall (a REST-to-GraphQL gateway written in Rust) as a peer of the benchmark:
 * the same 25 items from the same sample upstream, one upstream call per request.
 *
 * Its binary comes from `@tailcallhq/core-linux-x64-gnu` at exactly 1.0.0 (later
 * versions need a newer glibc), a dependency of bench/package.json only: the
 * gateway never depends on it. The benchmark installs it on demand with
 * `npm ci --prefix bench`; where that fails (no registry, another platform) the
 * peer is reported absent and every other phase still runs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/**
 * The path of the Tailcall binary, installing it first if needed (`install`); or why
 * it is not there.
 */
export function tailcallBinary(install: boolean): { binary: string } | { absent: string } {
  if (!existsSync(BINARY) && install) {
    try {
      execFileSync('npm', ['ci', '--prefix', `${ROOT}bench`, '--no-audit', '--no-fund', '--loglevel=error'], {
        cwd: ROOT,
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: 120_000,
      });
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim().split('\n').slice(-2).join(' ');
      return { absent: `npm ci --prefix bench failed${stderr ? `: ${stderr}` : ''}` };
    }
  }
  if (existsSync(BINARY)) return { binary: BINARY };
  return { absent: install ? 'npm ci --prefix bench installed no binary (not linux-x64-gnu?)' : `${BINARY} is not installed` };
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
