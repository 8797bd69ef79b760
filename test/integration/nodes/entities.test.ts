import { readFile } from 'node:fs/promises';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_RESELLERS } from '../../../tools/sample-upstream/seed.js';
import { CALLER } from '../../support/harness.js';
import { useHarness } from '../../support/use-harness.js';

/**
 * The federation surface of the subgraph, spoken to directly as a federation
 * gateway would: `_service { sdl }` and `_entities` for AuditLog and Reseller.
 */

type Data = Record<string, any>;

const h = useHarness();
let logs: Array<{ id: string; auditLogId: string; timestamp: string }>;

const upstreamCalls = () => h.sample.requests.length;

async function measured(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = { ...CALLER }) {
  const before = upstreamCalls();
  const response = await h.graphql<Data, Record<string, unknown>>(query, variables, headers);
  return { ...response.body, calls: upstreamCalls() - before, sent: h.sample.requests.slice(before) };
}

const ENTITIES = `query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on AuditLog { id auditLogId timestamp }
  }
}`;

const RESELLER_LOGS = `query ResellerLogs($representations: [_Any!]!, $filter: AuditLogFilter, $first: Int, $after: String) {
  _entities(representations: $representations) {
    ... on Reseller {
      id
      auditLogs(filter: $filter, first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { auditLogId resellerId resellerName }
      }
    }
  }
}`;

const reseller = SAMPLE_RESELLERS[1]!;
const resellerRef = (id: string = reseller.id) => [{ __typename: 'Reseller', id }];

beforeAll(async () => {
  const { data } = await measured('{ auditLogs(first: 2000) { nodes { id auditLogId timestamp } } }');
  logs = data!.auditLogs.nodes;
});

describe('_service', () => {
  it('serves the committed Federation v2 subgraph SDL, with no credentials needed', async () => {
    const { data, errors, calls } = await measured('{ _service { sdl } }', undefined, {});
    expect(errors).toBeUndefined();
    expect(calls).toBe(0);
    const sdl: string = data!._service.sdl;
    expect(`${sdl}\n`).toBe(await readFile(new URL('../../../subgraph.graphql', import.meta.url), 'utf8'));
    expect(sdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+"/);
    expect(sdl).toMatch(/type AuditLog implements Node\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type Reseller\s+@key\(fields: "id"\)/);
  });
});

describe('_entities for AuditLog', () => {
  it('resolves a batch of keys in order with one upstream call per window; a missing item is null', async () => {
    const picks = [logs[0]!, logs[1]!, logs[1500]!];
    const gone = encodeGlobalID('AuditLog', `${Date.parse(logs[0]!.timestamp)}:aaaaaaaa-2222-4333-8444-555555555555`);
    const representations = [...picks.map(({ id }) => ({ __typename: 'AuditLog', id })), { __typename: 'AuditLog', id: gone }];
    const { data, errors, calls } = await measured(ENTITIES, { representations });
    expect(errors).toBeUndefined();
    expect(data!._entities).toEqual([...picks.map((log) => ({ __typename: 'AuditLog', ...log })), null]);
    const windows = Date.parse(logs[0]!.timestamp) - Date.parse(logs[1]!.timestamp) < 3_600_000 ? 2 : 3;
    expect(calls).toBe(windows);
  });

  it('fails only the entry of a malformed id, with BAD_USER_INPUT at its path', async () => {
    const representations = [
      { __typename: 'AuditLog', id: logs[3]!.id },
      { __typename: 'AuditLog', id: 'garbage' },
    ];
    const { data, errors, calls } = await measured(ENTITIES, { representations });
    expect(data!._entities[0]).toMatchObject({ auditLogId: logs[3]!.auditLogId });
    expect(data!._entities[1]).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors![0]!.extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors![0]!.path).toEqual(['_entities', 1]);
    expect(calls).toBe(1);
  });

  it('makes no upstream call without the caller headers', async () => {
    const { errors, calls } = await measured(ENTITIES, { representations: [{ __typename: 'AuditLog', id: logs[0]!.id }] }, {
      'x-tenant': CALLER['x-tenant'],
    });
    expect(errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(calls).toBe(0);
  });
});

describe('_entities for Reseller', () => {
  it("lists the reseller's audit logs with the key as the upstream resellerId", async () => {
    const { data, errors, calls, sent } = await measured(RESELLER_LOGS, { representations: resellerRef(), first: 3 });
    expect(errors).toBeUndefined();
    const connection = data!._entities[0].auditLogs;
    expect(connection.nodes).toHaveLength(3);
    for (const node of connection.nodes) expect(node).toMatchObject({ resellerId: reseller.id, resellerName: reseller.name });
    const expectedTotal = h.sample.store.all().filter((log) => log.resellerId === reseller.id).length;
    expect(connection.totalCount).toBe(expectedTotal);
    expect(calls).toBe(1);
    expect(sent[0]!.query.resellerId).toBe(reseller.id);
  });

  it('walks exactly like Query.auditLogs with the same resellerId: one implementation, interchangeable cursors', async () => {
    const viaQuery = await measured(
      `query Q($filter: AuditLogFilter) { auditLogs(first: 7, filter: $filter) { pageInfo { endCursor } nodes { auditLogId } } }`,
      { filter: { resellerId: reseller.id, status: 'FAILED' } },
    );
    const first = viaQuery.data!.auditLogs;
    const viaEntity = await measured(RESELLER_LOGS, { representations: resellerRef(), filter: { status: 'FAILED' }, first: 7 });
    const ids = (nodes: Array<{ auditLogId: string }>) => nodes.map((n) => n.auditLogId);
    expect(ids(viaEntity.data!._entities[0].auditLogs.nodes)).toEqual(ids(first.nodes));

    const next = await measured(RESELLER_LOGS, {
      representations: resellerRef(),
      filter: { status: 'FAILED' },
      first: 7,
      after: first.pageInfo.endCursor,
    });
    expect(next.errors).toBeUndefined();
    const second = next.data!._entities[0].auditLogs.nodes;
    expect(second).toHaveLength(7);
    expect(second.map((n: { auditLogId: string }) => n.auditLogId)).not.toContain(first.nodes[6].auditLogId);
    expect(next.calls).toBe(1);
  });

  it("accepts a filter.resellerId equal to the key (in any letter case), refuses another with BAD_USER_INPUT", async () => {
    const same = await measured(RESELLER_LOGS, { representations: resellerRef(), filter: { resellerId: reseller.id.toUpperCase() }, first: 1 });
    expect(same.errors).toBeUndefined();
    expect(same.data!._entities[0].auditLogs.nodes[0].resellerId).toBe(reseller.id);

    const other = await measured(RESELLER_LOGS, { representations: resellerRef(), filter: { resellerId: SAMPLE_RESELLERS[0]!.id }, first: 1 });
    expect(other.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(other.errors?.[0]?.path).toEqual(['_entities', 0, 'auditLogs']);
    expect(other.calls).toBe(0);
  });

  it('refuses a key that is not a UUID with BAD_USER_INPUT and no upstream call', async () => {
    const { errors, calls } = await measured(RESELLER_LOGS, { representations: resellerRef('contoso'), first: 1 });
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(calls).toBe(0);
  });

  it('pages with the same argument checks as Query.auditLogs', async () => {
    const { errors, calls } = await measured(RESELLER_LOGS, { representations: resellerRef(), first: 2001 });
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(calls).toBe(0);
  });
});
