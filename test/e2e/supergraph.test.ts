import { randomUUID } from 'node:crypto';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_RESELLERS } from '../../tools/sample-upstream/seed.js';
import type { RecordedRequest } from '../../tools/sample-upstream/index.js';
import { CALLER } from '../support/harness.js';
import { subscribe } from '../support/sse.js';
import { startSupergraph, type Supergraph } from './support/supergraph.js';

/**
 * The service inside a real supergraph: composed with @theguild/federation-composition
 * from its own `_service { sdl }` and a test "directory" subgraph, served by Hive
 * Gateway, all on loopback ports, with the real sample upstream behind it.
 */

let s: Supergraph;

beforeAll(async () => {
  // A short live-tail poll interval for the subscription test (the factory applies no floor).
  s = await startSupergraph({ config: { tailPollMs: 250 } });
});

afterEach(() => {
  s.auditLogs.sample.faults.clear();
});

afterAll(async () => {
  await s?.close();
});

/** A caller of the supergraph, with its own correlation id, plus headers that must not travel. */
const caller = () => ({ ...CALLER, 'x-correlation-id': randomUUID(), cookie: 'session=secret', 'x-other': 'nope' });

/** Runs an operation through the supergraph; returns it with the upstream requests it caused. */
async function throughSupergraph(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = caller()) {
  const before = s.auditLogs.sample.requests.length;
  const response = await s.graphql(query, variables, headers);
  return { ...response, upstream: s.auditLogs.sample.requests.slice(before) };
}

/** The upstream got the caller's own headers, and nothing else of the caller's. */
function expectCallerHeaders(sent: readonly RecordedRequest[], headers: Record<string, string>) {
  expect(sent.length).toBeGreaterThan(0);
  for (const { headers: got } of sent) {
    expect(got.authorization).toBe(headers.authorization);
    expect(got['x-tenant']).toBe(headers['x-tenant']);
    expect(got['x-correlation-id']).toBe(headers['x-correlation-id']);
    expect(got.cookie).toBeUndefined();
    expect(got['x-other']).toBeUndefined();
  }
}

describe('a supergraph with the audit-log subgraph and a directory', () => {
  it('lists resellers with their names (directory) and their latest audit logs (this service)', async () => {
    const headers = caller();
    const { body, upstream } = await throughSupergraph(
      `{ resellers { id name auditLogs(first: 3) { totalCount nodes { id resellerId resellerName operation } } } }`,
      undefined,
      headers,
    );
    expect(body.errors).toBeUndefined();
    const resellers = body.data!.resellers as Array<{ id: string; name: string; auditLogs: { totalCount: number; nodes: any[] } }>;
    expect(resellers.map(({ id, name }) => ({ id, name }))).toEqual(SAMPLE_RESELLERS.map(({ id, name }) => ({ id, name })));
    const stored = s.auditLogs.sample.store.all();
    for (const reseller of resellers) {
      expect(reseller.auditLogs.nodes).toHaveLength(3);
      for (const log of reseller.auditLogs.nodes) expect(log).toMatchObject({ resellerId: reseller.id, resellerName: reseller.name });
      expect(reseller.auditLogs.totalCount).toBe(stored.filter((log) => log.resellerId === reseller.id).length);
    }
    // One upstream call per reseller, each filtered by its key, each with the caller's headers.
    expect(upstream.map((r) => r.query.resellerId).sort()).toEqual(SAMPLE_RESELLERS.map((r) => r.id).sort());
    expectCallerHeaders(upstream, headers);
    // The directory got them too: the gateway propagates to every subgraph.
    expect(s.directory.requests.at(-1)?.['x-tenant']).toBe(headers['x-tenant']);
  });

  it('fetches AuditLog entities by id (_entities) for the directory\'s bookmarks, batched by time window', async () => {
    const { body: page } = await throughSupergraph(`{ auditLogs(first: 200) { nodes { id auditLogId timestamp details } } }`);
    const logs = page.data!.auditLogs.nodes as Array<{ id: string; auditLogId: string; timestamp: string; details: string }>;
    // Two neighbours (minutes apart), one far older, and one that no longer exists.
    const [near, next, far] = [logs[0]!, logs[1]!, logs[199]!];
    const gone = encodeGlobalID('AuditLog', `${Date.parse(near.timestamp)}:0000dead-0000-4000-8000-000000000000`);
    s.directory.state.bookmarks = [
      { note: 'near', auditLogId: near.id },
      { note: 'gone', auditLogId: gone },
      { note: 'next', auditLogId: next.id },
      { note: 'far', auditLogId: far.id },
    ];

    const headers = caller();
    const { body, upstream } = await throughSupergraph(
      `{ auditLogBookmarks { note auditLog { id auditLogId timestamp details } } }`,
      undefined,
      headers,
    );
    expect(body.data!.auditLogBookmarks).toEqual([
      { note: 'near', auditLog: near },
      { note: 'gone', auditLog: null },
      { note: 'next', auditLog: next },
      { note: 'far', auditLog: far },
    ]);
    // The subgraph answers null for the missing one, without an error; Hive Gateway then
    // nulls the bookmark's non-null auditLogId and adds its own (masked) error there.
    for (const error of body.errors ?? []) expect(error.path?.slice(0, 3)).toEqual(['auditLogBookmarks', 1, 'auditLog']);
    const hourApart = Date.parse(near.timestamp) - Date.parse(next.timestamp) >= 3_600_000;
    expect(upstream).toHaveLength(hourApart ? 3 : 2);
    expectCallerHeaders(upstream, headers);
  });

  it('reports a malformed entity id as BAD_USER_INPUT on its own bookmark only', async () => {
    const { body: page } = await throughSupergraph(`{ auditLogs(first: 1) { nodes { id } } }`);
    s.directory.state.bookmarks = [
      { note: 'fine', auditLogId: page.data!.auditLogs.nodes[0].id },
      { note: 'broken', auditLogId: 'not-an-audit-log-id' },
    ];
    // `operation` comes from this subgraph, so the gateway has to fetch the entities.
    const { body, upstream } = await throughSupergraph(`{ auditLogBookmarks { note auditLog { id operation } } }`);
    expect(body.data!.auditLogBookmarks[0].auditLog).toEqual({ id: page.data!.auditLogs.nodes[0].id, operation: expect.any(String) });
    expect(body.data!.auditLogBookmarks[1].auditLog).toEqual({ id: 'not-an-audit-log-id', operation: null });
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]).toMatchObject({
      path: ['auditLogBookmarks', 1, 'auditLog', 'operation'],
      extensions: { code: 'BAD_USER_INPUT', serviceName: 'audit-logs' },
    });
    expect(upstream).toHaveLength(1);
  });

  it('refetches a node through the supergraph with one upstream call', async () => {
    const { body: page } = await throughSupergraph(`{ auditLogs(first: 1, filter: { status: FAILED }) { nodes { id details } } }`);
    const log = page.data!.auditLogs.nodes[0];
    const { body, upstream } = await throughSupergraph(`query N($id: ID!) { node(id: $id) { id ... on AuditLog { details } } }`, { id: log.id });
    expect(body.errors).toBeUndefined();
    expect(body.data!.node).toEqual(log);
    expect(upstream).toHaveLength(1);
  });

  it('surfaces an upstream 401 as UNAUTHENTICATED with the caller\'s correlation id', async () => {
    s.auditLogs.sample.faults.add({ action: { type: 'status', status: 401 } });
    const headers = caller();
    const { body, upstream } = await throughSupergraph(`{ resellers { name auditLogs(first: 3) { totalCount } } }`, undefined, headers);
    // Reseller.auditLogs is non-null, and so are the list and its items: the null reaches data.
    expect(body.data).toBeNull();
    expect(body.errors?.length).toBeGreaterThan(0);
    for (const error of body.errors!) {
      expect(error.extensions?.code).toBe('UNAUTHENTICATED');
      expect(error.extensions?.correlationId).toBe(headers['x-correlation-id']);
      expect(error.extensions?.upstream).toEqual({ status: 401 });
      expect(error.path?.[0]).toBe('resellers');
    }
    expectCallerHeaders(upstream, headers);
  });

  it('refuses a caller without credentials at the subgraph, before any upstream call', async () => {
    const headers = { 'x-tenant': CALLER['x-tenant'], 'x-correlation-id': randomUUID() };
    const { body, upstream } = await throughSupergraph(`{ auditLogs(first: 1) { totalCount } }`, undefined, headers);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', correlationId: headers['x-correlation-id'] });
    expect(upstream).toHaveLength(0);
  });

  // Hive Gateway subscribes to a subgraph with GraphQL over SSE (a GET with Accept: text/event-stream).
  it('streams the live tail through the gateway over SSE, with the caller\'s headers upstream', async () => {
    const headers = caller();
    const before = s.auditLogs.sample.requests.length;
    const tail = await subscribe(
      s.url,
      `subscription { auditLogAdded(filter: { operations: ["CreateOrder"] }) { cursor node { auditLogId operation } } }`,
      undefined,
      headers,
    );
    expect(tail.status).toBe(200);
    try {
      // Wait for the subgraph's first poll, then write one log that matches and one that does not.
      const deadline = Date.now() + 30_000;
      while (!s.auditLogs.sample.requests.slice(before).some((r) => r.query.PageSize === '2000')) {
        if (Date.now() > deadline) throw new Error('the subgraph never polled');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      s.auditLogs.sample.store.insert({ operation: 'CancelOrder' });
      const log = s.auditLogs.sample.store.insert({ operation: 'CreateOrder' });
      await tail.waitForResults(1, 30_000);
      expect(tail.results[0]!.errors).toBeUndefined();
      expect(tail.results[0]!.data!.auditLogAdded.node).toEqual({ auditLogId: log.id, operation: 'CreateOrder' });
      expect(tail.results[0]!.data!.auditLogAdded.cursor).toEqual(expect.any(String));
      // The subgraph's polls carry the caller's credentials (the poller's own correlation id), nothing else of the caller's.
      const polls = s.auditLogs.sample.requests.slice(before).filter((r) => r.query.PageSize === '2000');
      for (const { headers: got } of polls) {
        expect(got.authorization).toBe(headers.authorization);
        expect(got['x-tenant']).toBe(headers['x-tenant']);
        expect(got.cookie).toBeUndefined();
        expect(got['x-other']).toBeUndefined();
      }
    } finally {
      tail.close();
    }
  });

  it('ends a live tail refused by the subgraph with its typed error', async () => {
    const tail = await subscribe(s.url, `subscription { auditLogAdded(filter: { startDate: "2026-01-01T00:00:00Z" }) { cursor } }`, undefined, caller());
    await tail.finished;
    expect(tail.results.length).toBeGreaterThan(0);
    expect(tail.results[0]!.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
