import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FilteredAuditLogsDocument } from '../../../examples/generated/graphql.js';
import { createPersistedExecutor } from '../../../examples/persisted-documents.js';
import { walkAuditLogs, type WalkSummary } from '../../../examples/walk-audit-logs.js';
import { CALLER } from '../../support/harness.js';
import { useHarness } from '../../support/use-harness.js';

const run = promisify(execFile);

/** The manifest `npm run codegen` writes from operations/ with the client preset. */
const MANIFEST = 'examples/generated/persisted-documents.json';

// With and without the fast path for the manifest's documents (TRUSTED_DOCUMENTS_FAST_PATH): the same expectations hold.
describe.each([true, false])('the example client (client preset, documents sent by id) against a gateway that runs only its manifest (TRUSTED_DOCUMENTS_FAST_PATH=%s)', (trustedDocumentsFastPath) => {
  const harness = useHarness({ config: { persistedDocuments: MANIFEST, trustedDocumentsOnly: true, trustedDocumentsFastPath } });
  const execute = () => createPersistedExecutor(`${harness.url}/graphql`, { ...CALLER });

  async function example(args: string[], gatewayUrl = `${harness.url}/graphql`): Promise<string> {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/walk-audit-logs.ts', ...args], {
      env: { ...process.env, GATEWAY_URL: gatewayUrl, AUTHORIZATION: CALLER.authorization, X_TENANT: CALLER['x-tenant'] },
      timeout: 60_000,
    });
    return stdout;
  }

  /** The example run to its end, failing or not: exit code and output. */
  function exampleExit(args: string[], gatewayUrl?: string): Promise<{ code: number; stdout: string; stderr: string }> {
    return example(args, gatewayUrl).then(
      (stdout) => ({ code: 0, stdout, stderr: '' }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );
  }

  it('walks every page of a filter with after and reports what the gateway holds', async () => {
    const { auditLogs: expected } = await execute()(FilteredAuditLogsDocument, { filter: { status: 'FAILED', operations: ['CreateOrder', 'CancelOrder'] }, first: 1 });
    expect(expected.totalCount).toBeGreaterThan(14); // enough for several pages of 7

    const before = harness.sample.requests.length;
    const summary = JSON.parse(
      await example(['--status', 'failed', '--operation', 'CreateOrder', '--operation', 'CancelOrder', '--page-size', '7', '--json']),
    ) as WalkSummary & { newestRefetched: { id: string; operation: string } | null };

    expect(summary.totalCount).toBe(expected.totalCount);
    expect(summary.logs).toBe(expected.totalCount);
    expect(summary.distinctIds).toBe(expected.totalCount);
    expect(summary.pages).toBe(Math.ceil(expected.totalCount / 7));
    expect(Object.keys(summary.byStatus)).toEqual(['FAILED']);
    expect(Object.keys(summary.byOperation).sort()).toEqual(['CancelOrder', 'CreateOrder']);
    expect(summary.newest! >= summary.oldest!).toBe(true);
    // The newest log, refetched by global id through node(id:).
    expect(summary.newestRefetched?.id).toBe(expected.nodes[0]!.id);
    // A constant page size walks with one upstream call per page, plus one for the refetch.
    expect(harness.sample.requests.length - before).toBe(summary.pages + 1);
  });

  it('prints a readable summary by default', async () => {
    const text = await example(['--customer', 'Fabrikam', '--page-size', '50']);
    expect(text).toMatch(/^Walked \d+ pages: (\d+) audit logs \(totalCount \1\)/m);
    expect(text).toContain('By operation:');
    expect(text).toContain('Newest, refetched by id:');
    expect(text).not.toContain('Warning');
  });

  it('exposes the walk as a function over the typed documents', async () => {
    const seen: string[] = [];
    const summary = await walkAuditLogs(execute(), { status: 'PROCESSING', reseller: 'Contoso' }, 25, (log) => seen.push(log.id));
    expect(summary.logs).toBe(summary.totalCount);
    expect(new Set(seen).size).toBe(summary.totalCount);
  });

  it('refuses a document outside the manifest with PERSISTED_QUERY_ONLY and no upstream call, while the manifest runs', async () => {
    const before = harness.sample.requests.length;
    const outside = await harness.graphql('query Outside { auditLogs(first: 1) { totalCount } }');
    expect(outside.status).toBe(400);
    expect(outside.body.errors?.map((error) => error.extensions?.code)).toEqual(['PERSISTED_QUERY_ONLY']);
    expect(harness.sample.requests.length).toBe(before);
    // The example's own documents, by id: what the walks above ran on.
    const inside = await execute()(FilteredAuditLogsDocument, { first: 1 });
    expect(inside.auditLogs.totalCount).toBeGreaterThan(0);
    expect(harness.sample.requests.length).toBe(before + 1);
  });

  it('explains itself with --help, and refuses a bad option with a pointer to it', async () => {
    const help = await exampleExit(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npx tsx examples\/walk-audit-logs\.ts/);
    expect(help.stdout).toContain('GATEWAY_URL');
    const bad = await exampleExit(['--no-such-option']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--no-such-option[\s\S]*See --help\./);
  });

  it('says which URL it could not reach when no gateway listens there, and exits non-zero', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const url = `http://127.0.0.1:${port}/graphql`;
    const result = await exampleExit(['--status', 'FAILED'], url);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot reach the gateway at ${url} (connect ECONNREFUSED 127.0.0.1:${port})`);
    expect(result.stderr).not.toMatch(/^fetch failed$/m);
  });

  it('takes a plain date as the start of that day in UTC, and refuses a date it cannot read', async () => {
    const summary = JSON.parse(await example(['--since', '2026-01-01', '--until', '2099-12-31', '--status', 'FAILED', '--page-size', '2000', '--json'])) as {
      filter: { startDate: string; endDate: string };
      logs: number;
      totalCount: number;
    };
    expect(summary.filter).toMatchObject({ startDate: '2026-01-01T00:00:00Z', endDate: '2099-12-31T00:00:00Z' });
    expect(summary.logs).toBe(summary.totalCount);
    const bad = await exampleExit(['--since', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since must be a date-time with a zone, such as 2026-11-01T00:00:00Z, or a date such as 2026-11-01 (got yesterday)');
  });
});
