import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SampleLog } from '../../../tools/sample-upstream/index.js';
import { AuditLogsPageDocument, type AuditLogFilter, type AuditLogsPageQuery } from '../../generated/operations.js';
import type { Harness } from '../../support/harness.js';
import { useHarness } from '../../support/use-harness.js';
import { expectNoBearerTokenLeaks } from '../../support/secrecy.js';

/**
 * Items are decoded as docs/upstream.md says, whatever the upstream sends: an
 * unknown status is null plus a warning (never a failed page), known statuses are
 * read case-insensitively, and PascalCase items decode like camelCase ones.
 */

const h = useHarness();

afterAll(async () => {
  expect(expectNoBearerTokenLeaks(h)).toBeGreaterThan(0);
});

type Node = AuditLogsPageQuery['auditLogs']['edges'][number]['node'];

async function newestNodes(harness: Harness, first: number, filter?: AuditLogFilter): Promise<Node[]> {
  const response = await harness.graphql(AuditLogsPageDocument, { first, filter });
  expect(response.body.errors).toBeUndefined();
  return response.body.data!.auditLogs.edges.map((edge) => edge.node);
}

/** Inserts a log as the newest one (but inside the window the next page pins). */
function insertNewest(log: Partial<SampleLog>): SampleLog {
  return h.sample.store.insert({ timestamp: new Date(Date.now() - 1).toISOString(), ...log });
}

describe('item status', () => {
  it('an unknown status decodes as null with a warning, and the page still succeeds', async () => {
    const weird = insertNewest({ status: 'Weird', details: 'status from a newer API version' });
    const logsBefore = h.logs.length;
    const [node, ...rest] = await newestNodes(h, 10);
    expect(node!.auditLogId).toBe(weird.id);
    expect(node!.status).toBeNull();
    expect(node!.raw).toEqual(weird);
    expect(node!.details).toBe('status from a newer API version');
    expect(rest).toHaveLength(9);
    expect(rest.every((other) => other.status !== null)).toBe(true);

    const warnings = h.logs.slice(logsBefore).map((line) => JSON.parse(line) as Record<string, unknown>);
    const warning = warnings.find((line) => line.level === 40 && String(line.msg).includes('unknown status'));
    expect(warning).toBeDefined();
    expect(JSON.stringify(warning)).toContain('Weird');
  });

  it('reads known statuses case-insensitively, both spellings of Succeeded included', async () => {
    const inserted = [
      insertNewest({ status: 'succeeded' }),
      insertNewest({ status: 'SUCCEDED' }),
      insertNewest({ status: 'processing' }),
      insertNewest({ status: 'FAILED' }),
    ];
    const nodes = await newestNodes(h, 20);
    const statusOf = (id: string) => nodes.find((node) => node.auditLogId === id)?.status;
    expect(inserted.map((log) => statusOf(log.id))).toEqual(['SUCCEEDED', 'SUCCEEDED', 'PROCESSING', 'FAILED']);
  });
});

describe('PascalCase items', () => {
  let pascal: Server;
  let camelLogs: SampleLog[];
  let pascalLogs: Record<string, unknown>[];

  const toPascal = (log: SampleLog): Record<string, unknown> =>
    Object.fromEntries(Object.entries(log).map(([key, value]) => [key[0]!.toUpperCase() + key.slice(1), value]));

  // An upstream that answers in PascalCase throughout, as some .NET serialisers do.
  beforeAll(async () => {
    // Logs the FAILED filter returns (the sample upstream compares case-insensitively).
    camelLogs = h.sample.store.all().filter((log) => log.status?.toLowerCase() === 'failed').slice(0, 5);
    pascalLogs = camelLogs.map(toPascal);
    pascal = createServer((_req, res) => {
      const body = {
        Items: pascalLogs,
        PaginationParameters: { TotalPages: 1, TotalCount: pascalLogs.length, HasPreviousPage: false, HasNextPage: false },
        ContinuationToken: null,
      };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
    pascal.listen(0, '127.0.0.1');
    await once(pascal, 'listening');
  });

  afterAll(async () => {
    pascal.closeAllConnections();
    await new Promise((resolve) => pascal.close(resolve));
  });

  const pascalHarness = useHarness(() => ({ upstreamUrl: `http://127.0.0.1:${(pascal.address() as AddressInfo).port}` }));

  afterAll(() => {
    expect(expectNoBearerTokenLeaks(pascalHarness)).toBeGreaterThan(0);
  });

  it('decode to the same fields as the camelCase items, with raw exactly as received', async () => {
    const fromCamel = await newestNodes(h, 5, { status: 'FAILED' });
    const fromPascal = await newestNodes(pascalHarness, 5);
    expect(fromCamel.map((node) => node.auditLogId)).toEqual(camelLogs.map((log) => log.id));

    const withoutRaw = ({ raw: _raw, ...rest }: Node) => rest;
    expect(fromPascal.map(withoutRaw)).toEqual(fromCamel.map(withoutRaw));
    expect(fromPascal.map((node) => node.raw)).toEqual(pascalLogs);
    expect(fromCamel.map((node) => node.raw)).toEqual(camelLogs);
    // Every field is filled, so nothing passed only because both sides were null.
    for (const node of fromPascal) {
      for (const [key, value] of Object.entries(node)) expect(value, key).not.toBeNull();
    }
  });
});
