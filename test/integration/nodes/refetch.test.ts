import { encodeGlobalID } from '@pothos/plugin-relay';
import { beforeAll, describe, expect, it } from 'vitest';
import { CALLER } from '../../support/harness.js';
import { useHarness } from '../../support/use-harness.js';
import { LOOKUP_PAGE_SIZE } from '../../../src/nodes/node-windows.js';

/**
 * Relay refetching against the real sample upstream: `node(id:)` and
 * `nodes(ids:)` find audit logs again from their global id alone, with one
 * narrow upstream call per time window, batched per operation.
 */

const FIELDS = 'id auditLogId timestamp operation status resellerId resellerName customerId customerName userName correlationId details raw';

interface Log {
  id: string;
  auditLogId: string;
  timestamp: string;
  raw: Record<string, unknown>;
  [field: string]: unknown;
}

type Data = Record<string, any>;

const h = useHarness();
/** Every log of the pinned walk, newest first, as the connection served them. */
let all: Log[];
/** The upstream page each log came from (page size 2000), for "any item from any page". */
let pageOf: Map<string, number>;

const upstreamCalls = () => h.sample.requests.length;

/** Runs an operation and returns it with the number of upstream calls it made. */
async function measured(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = { ...CALLER }) {
  const before = upstreamCalls();
  const response = await h.graphql<Data, Record<string, unknown>>(query, variables, headers);
  return { ...response.body, calls: upstreamCalls() - before };
}

const NODE = `query Node($id: ID!) { node(id: $id) { __typename ... on AuditLog { ${FIELDS} } } }`;
const NODES = `query Nodes($ids: [ID!]!) { nodes(ids: $ids) { __typename ... on AuditLog { ${FIELDS} } } }`;

beforeAll(async () => {
  all = [];
  pageOf = new Map();
  let after: string | null = null;
  for (let page = 1; ; page++) {
    const { data, errors } = await measured(
      `query Walk($after: String) { auditLogs(first: 2000, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${FIELDS} } } }`,
      { after },
    );
    expect(errors).toBeUndefined();
    for (const log of data!.auditLogs.nodes as Log[]) {
      all.push(log);
      pageOf.set(log.id, page);
    }
    if (!data!.auditLogs.pageInfo.hasNextPage) break;
    after = data!.auditLogs.pageInfo.endCursor;
  }
});

/** `count` logs spread evenly over the walk, first and last included. */
const spread = (count: number): Log[] =>
  Array.from({ length: count }, (_, i) => all[Math.round((i * (all.length - 1)) / (count - 1))]!);

/** `count` consecutive logs of the walk, from `from` on, that lie within one hour. */
function withinOneHour(count: number, from: number): Log[] {
  for (let i = from; i + count <= all.length; i++) {
    const run = all.slice(i, i + count);
    if (Date.parse(run[0]!.timestamp) - Date.parse(run.at(-1)!.timestamp) < 3_600_000) return run;
  }
  throw new Error(`no ${count} logs within one hour`);
}

describe('node(id:)', () => {
  it('refetches any item from any page as the same item, with one upstream call', async () => {
    expect(all.length).toBeGreaterThan(4000);
    const picks = spread(24);
    expect(new Set(picks.map((log) => pageOf.get(log.id))).size).toBe(3);
    for (const log of picks) {
      const { data, errors, calls } = await measured(NODE, { id: log.id });
      expect(errors).toBeUndefined();
      expect(data!.node).toEqual({ __typename: 'AuditLog', ...log });
      expect(calls).toBe(1);
    }
  });

  it('asks the upstream for the whole second around the timestamp, and nothing else', async () => {
    const log = all[1234]!;
    const before = upstreamCalls();
    await measured(NODE, { id: log.id });
    const sent = h.sample.requests[before]!.query;
    const second = Math.floor(Date.parse(log.timestamp) / 1000) * 1000;
    expect(sent).toEqual({
      PageNumber: '1',
      PageSize: String(LOOKUP_PAGE_SIZE),
      StartDate: new Date(second).toISOString(),
      EndDate: new Date(second + 1000).toISOString(),
    });
  });

  it('tells apart logs with the same timestamp by their upstream id', async () => {
    const timestamp = '2026-01-15T08:00:00.250Z';
    const twins = ['a', 'b', 'c'].map((n) => h.sample.store.insert({ id: `00000000-0000-4000-8000-00000000000${n}`, timestamp, details: n }));
    for (const twin of twins) {
      const id = encodeGlobalID('AuditLog', `${Date.parse(timestamp)}:${twin.id}`);
      const { data, calls } = await measured(NODE, { id });
      expect(data!.node).toMatchObject({ id, auditLogId: twin.id, details: twin.details });
      expect(calls).toBe(1);
    }
  });

  it('is null, with no error, for an item that does not exist (any more)', async () => {
    const log = all[10]!;
    const gone = encodeGlobalID('AuditLog', `${Date.parse(log.timestamp)}:11111111-2222-4333-8444-555555555555`);
    const { data, errors, calls } = await measured(NODE, { id: gone });
    expect(errors).toBeUndefined();
    expect(data!.node).toBeNull();
    expect(calls).toBe(1);
  });

  it('finds the oldest of more logs than one page holds in the same second, on a second page', async () => {
    const timestamp = '2026-02-01T12:00:00.500Z';
    const crowd = Array.from({ length: 2003 }, (_, i) =>
      h.sample.store.insert({ id: `c0000000-0000-4000-8000-${String(i).padStart(12, '0')}`, timestamp }),
    );
    // Ties sort by id, descending: the smallest id is the last of the second.
    const last = crowd[0]!;
    const { data, calls } = await measured(NODE, { id: encodeGlobalID('AuditLog', `${Date.parse(timestamp)}:${last.id}`) });
    expect(data!.node).toMatchObject({ auditLogId: last.id });
    // A small lookup page, then the crowded second again in pages of 2000: pages 1 and 2.
    expect(calls).toBe(3);
  });
});

describe('nodes(ids:)', () => {
  it('resolves 20 ids spread over a month in order, one upstream call per distinct window', async () => {
    const picks = spread(20);
    const first = Date.parse(picks.at(-1)!.timestamp);
    const last = Date.parse(picks[0]!.timestamp);
    expect(last - first).toBeGreaterThan(25 * 86_400_000);
    const { data, errors, calls } = await measured(NODES, { ids: picks.map((log) => log.id) });
    expect(errors).toBeUndefined();
    expect(data!.nodes).toEqual(picks.map((log) => ({ __typename: 'AuditLog', ...log })));
    // Spread over a month, no two fall in the same hour: 20 narrow calls, made in parallel.
    console.info(`nodes(ids:) with 20 ids over ${((last - first) / 86_400_000).toFixed(1)} days: ${calls} upstream calls`);
    expect(calls).toBe(20);
  });

  it('merges ids from the same hour into one call, and puts null where an item is missing', async () => {
    // Six neighbours of the walk that lie within one hour: one window.
    const neighbours = withinOneHour(6, 2000);
    const gone = encodeGlobalID('AuditLog', `${Date.parse(neighbours[2]!.timestamp)}:99999999-2222-4333-8444-555555555555`);
    const ids = [neighbours[0]!.id, gone, ...neighbours.slice(1).map((log) => log.id)];
    const { data, errors, calls } = await measured(NODES, { ids });
    expect(errors).toBeUndefined();
    expect(data!.nodes.map((node: Log | null) => node?.auditLogId ?? null)).toEqual([
      neighbours[0]!.auditLogId,
      null,
      ...neighbours.slice(1).map((log) => log.auditLogId),
    ]);
    expect(calls).toBe(1);
  });

  it('batches node, nodes and aliases of one operation together', async () => {
    const [a, b] = withinOneHour(2, 100) as [Log, Log];
    const c = all[4000]!;
    const { data, errors, calls } = await measured(
      `query Batch($a: ID!, $b: ID!, $c: ID!) {
        first: node(id: $a) { id }
        second: node(id: $b) { id }
        many: nodes(ids: [$a, $c]) { id }
      }`,
      { a: a.id, b: b.id, c: c.id },
    );
    expect(errors).toBeUndefined();
    expect(data).toEqual({ first: { id: a.id }, second: { id: b.id }, many: [{ id: a.id }, { id: c.id }] });
    // a and b are minutes apart (one window); c is weeks away (another).
    expect(calls).toBe(2);
  });
});

describe('node lookups refuse before any upstream call', () => {
  const b64 = (text: string) => Buffer.from(text).toString('base64');

  it.each([
    ['a malformed id', 'not-an-id'],
    ['an id without an upstream id', b64('AuditLog:1700000000000:')],
    ['an id of another type', b64('Reseller:1c9e4d2a-7b3f-4e8a-9c1d-2f5b6a7e8d90')],
  ])('BAD_USER_INPUT for %s, in node and in nodes', async (_name, id) => {
    for (const [query, variables] of [
      [NODE, { id }],
      [NODES, { ids: [all[0]!.id, id] }],
    ] as const) {
      const { errors, calls } = await measured(query, variables);
      expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(errors?.[0]?.message).not.toContain(id || '\u0000');
      expect(calls).toBe(0);
    }
  });

  it('BAD_USER_INPUT for more than 100 ids', async () => {
    const { errors, calls } = await measured(NODES, { ids: Array.from({ length: 101 }, () => all[0]!.id) });
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(calls).toBe(0);
  });

  it('UNAUTHENTICATED without a bearer token, BAD_USER_INPUT without X-Tenant', async () => {
    const noToken = await measured(NODE, { id: all[0]!.id }, { 'x-tenant': CALLER['x-tenant'] });
    expect(noToken.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const noTenant = await measured(NODES, { ids: [all[0]!.id] }, { authorization: CALLER.authorization });
    expect(noTenant.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(noToken.calls + noTenant.calls).toBe(0);
  });
});

describe('node lookups and upstream failures', () => {
  it('surface the upstream error with its code on the field', async () => {
    h.sample.faults.add({ times: 1, action: { type: 'status', status: 500 } });
    const { data, errors, calls } = await measured(NODE, { id: all[5]!.id });
    expect(data?.node ?? null).toBeNull();
    expect(errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
    expect(errors?.[0]?.path).toEqual(['node']);
    expect(calls).toBeGreaterThanOrEqual(1);
  });
});
