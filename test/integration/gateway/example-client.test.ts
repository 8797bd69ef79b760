import { execFile } from 'node:child_process';
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

describe('the example client (client preset, documents sent by id) against a gateway that runs only its manifest', () => {
  const harness = useHarness({ config: { persistedDocuments: MANIFEST, trustedDocumentsOnly: true } });
  const execute = () => createPersistedExecutor(`${harness.url}/graphql`, { ...CALLER });

  async function example(args: string[]): Promise<string> {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/walk-audit-logs.ts', ...args], {
      env: { ...process.env, GATEWAY_URL: `${harness.url}/graphql`, AUTHORIZATION: CALLER.authorization, X_TENANT: CALLER['x-tenant'] },
      timeout: 60_000,
    });
    return stdout;
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
});
