import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { createCompiledQueries } from '../../../src/plugins/use-compiled-execution.js';
import { loadConfig } from '../../../src/config.js';
import { createUpstream } from '../../../src/upstream/index.js';
import { createLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { startSampleUpstream, type FaultAction, type SampleUpstream } from '../../../tools/sample-upstream/index.js';
import { schema } from '../../../src/schema/index.js';
import { createGateway } from '../../../src/gateway.js';
import type { UpstreamClient } from '../../../src/upstream/types.js';

/**
 * The compiled executor must answer exactly as the standard one: two gateways, one
 * with each, in front of the same sample upstream; every document is sent to both
 * with the same headers and the two HTTP responses (status and body text) must be
 * identical, errors included.
 */

const CALLER = { authorization: 'Bearer compare-token', 'x-tenant': 'compare.cloudcockpit.example' };
/** A filter value that makes the wrapped upstream client crash like a bug would. */
const CRASHING_CUSTOMER = 'crash-the-client';

interface Served {
  url: string;
  close(): Promise<void>;
}

let sample: SampleUpstream;
let compiled: Served;
let standard: Served;

/** One gateway as main.ts builds it, with an upstream that crashes on CRASHING_CUSTOMER (an unexpected error to mask). */
async function serve(compiledExecution: boolean): Promise<Served> {
  const metrics = createMetrics();
  const logger = createLogger('warn', new Writable({ write: (_chunk, _encoding, done) => done() }));
  // No retries: one fault of the sample upstream is one failed call for each gateway.
  const config = { ...loadConfig({}), upstreamRetries: 0, cursorSecret: ['compare-cursor-secret-0123456789'] };
  const client = createUpstream(config, { baseUrl: sample.url, logger, metrics });
  const upstream: UpstreamClient = {
    ...client,
    listAuditLogs: async (call) => {
      if (call.query.customer === CRASHING_CUSTOMER) throw new TypeError('cannot read properties of undefined');
      return client.listAuditLogs(call);
    },
  };
  const gateway = createGateway({
    config: { ...config, introspection: true, graphiql: false, compiledExecution },
    upstream,
    logger,
    metrics,
  });
  const server: Server = createServer(gateway);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      server.close();
      await client.close();
    },
  };
}

interface Exchange {
  status: number;
  body: string;
}

async function send(gateway: Served, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = CALLER): Promise<Exchange> {
  const response = await request(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', 'x-correlation-id': '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.statusCode, body: await response.body.text() };
}

/** Both gateways' answers to one document, the upstream meeting `fault` once for each. */
async function both(query: string, variables?: Record<string, unknown>, options: { fault?: FaultAction; headers?: Record<string, string> } = {}) {
  const answers: Exchange[] = [];
  for (const gateway of [standard, compiled]) {
    sample.faults.clear();
    if (options.fault) sample.faults.add({ action: options.fault, times: 1 });
    answers.push(await send(gateway, query, variables, options.headers));
  }
  sample.faults.clear();
  return { standard: answers[0]!, compiled: answers[1]! };
}

const NODE_FIELDS = 'id auditLogId timestamp operation status resellerId resellerName customerId customerName userName correlationId details raw';
const PAGE = `query Page($first: Int, $after: String, $last: Int, $before: String, $filter: AuditLogFilter) {
  auditLogs(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
    __typename totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { ${NODE_FIELDS} } }
    nodes { id timestamp }
  }
}`;

/** A cursor into a pinned walk, so both gateways serve the same window whatever the clock says. */
let after: string;
let ids: string[];

beforeAll(async () => {
  sample = await startSampleUpstream({ now: new Date('2026-11-20T12:00:00Z') });
  [standard, compiled] = await Promise.all([serve(false), serve(true)]);
  const first = JSON.parse((await send(standard, PAGE, { first: 10 })).body);
  after = first.data.auditLogs.pageInfo.endCursor;
  ids = first.data.auditLogs.edges.map((edge: { node: { id: string } }) => edge.node.id);
});

afterAll(async () => {
  await Promise.all([standard?.close(), compiled?.close()]);
  await sample?.close();
});

beforeEach(() => {
  sample.faults.clear();
});

describe('the compiled executor answers as the standard one', () => {
  /** Documents the standard executor keeps (see compiled-execution.ts); every other one here is compiled. */
  const STANDARD_ONLY = new Set(['federation entities, one key malformed', 'introspection', 'an unknown field (validation)']);
  const documents: Array<[string, string, Record<string, unknown>?]> = [
    ['a page with every field, cursors and page info', PAGE, { first: 7, after: '' }],
    ['fragments, aliases, __typename, @include and @skip', `query Q($with: Boolean!) {
        a: auditLogs(first: 3, after: "AFTER") { ...Conn }
        b: auditLogs(last: 2, before: "AFTER") { ... on AuditLogConnection { totalCount nodes { __typename ...Log @include(if: $with) userName @skip(if: $with) } } }
      }
      fragment Conn on AuditLogConnection { edges { node { ...Log } cursor } pageInfo { endCursor } }
      fragment Log on AuditLog { id status operation }`, { with: true }],
    ['a filtered page', PAGE, { first: 5, after: '', filter: { status: 'SUCCEEDED', operations: ['SuspendSubscription', 'UpdateBillingProfile'] } }],
    ['node and nodes by global id, one of them malformed', `query N($id: ID!, $ids: [ID!]!) {
        node(id: $id) { __typename id ... on AuditLog { operation timestamp } }
        nodes(ids: $ids) { id ... on AuditLog { status } }
      }`, { id: 'ID0', ids: ['ID1', 'not-a-global-id', encodeGlobalID('Reseller', 'nope')] }],
    ['federation entities, one key malformed', `query E($r: [_Any!]!) { _entities(representations: $r) { __typename ... on AuditLog { id operation } } }`, {
      r: [{ __typename: 'AuditLog', id: 'ID0' }, { __typename: 'AuditLog', id: 'garbage' }],
    }],
    ['the service SDL', '{ _service { sdl } }'],
    ['introspection', '{ __schema { queryType { name } } __type(name: "AuditLog") { fields { name } } }'],
    ['a variable of the wrong type', PAGE, { first: 'ten' }],
    ['a missing required variable', 'query Q($id: ID!) { node(id: $id) { id } }', {}],
    ['a null required variable', 'query Q($id: ID!) { node(id: $id) { id } }', { id: null }],
    ['an Int past 32 bits', PAGE, { first: 2 ** 31 }],
    ['a fraction for an Int', PAGE, { first: 2.5 }],
    ['an unknown field in an input object', PAGE, { first: 2, filter: { nope: 1 } }],
    ['an enum value that is not one', PAGE, { first: 2, filter: { status: 'succeeded' } }],
    ['a DateTime that is not one', PAGE, { first: 2, filter: { startDate: 'yesterday' } }],
    ['a UUID that is not one', PAGE, { first: 2, filter: { resellerId: 'not-a-uuid' } }],
    ['a single value for a list', PAGE, { first: 2, after: '', filter: { operations: 'SuspendSubscription' } }],
    ['an object for a String', PAGE, { first: 2, filter: { customer: { a: 1 } } }],
    ['first and last together', PAGE, { first: 2, last: 2 }],
    ['a negative first', PAGE, { first: -1 }],
    ['a page over the maximum size', PAGE, { first: 5000 }],
    ['a forged cursor', PAGE, { first: 2, after: 'bm90LWEtY3Vyc29y' }],
    ['an unknown field (validation)', '{ auditLogs(first: 1) { nodes { nope } } }'],
    ['a crash inside a resolver (masked)', PAGE, { first: 2, filter: { customer: CRASHING_CUSTOMER } }],
    ['a crash beside a healthy field', `{ ok: auditLogs(first: 2) { totalCount } bad: auditLogs(first: 2, filter: { customer: "${CRASHING_CUSTOMER}" }) { totalCount } }`],
  ];

  it('compiles every document but those kept for the standard executor', () => {
    const queries = createCompiledQueries();
    for (const [name, query] of documents) {
      if (name.includes('validation')) continue;
      expect([name, queries.get(schema, parse(query.replaceAll('"AFTER"', '"x"'))) !== null]).toEqual([name, !STANDARD_ONLY.has(name)]);
    }
  });

  it.each(documents)('%s', async (_name, query, variables = {}) => {
    const resolved = JSON.parse(
      JSON.stringify(variables).replaceAll('"after":""', `"after":${JSON.stringify(after)}`).replaceAll('"ID0"', JSON.stringify(ids[0])).replaceAll('"ID1"', JSON.stringify(ids[1])),
    );
    const { standard, compiled } = await both(query.replaceAll('"AFTER"', JSON.stringify(after)), resolved);
    expect(compiled).toEqual(standard);
    // The comparison means something only if both answered with a GraphQL body.
    expect(JSON.parse(standard.body)).toSatisfy((body: object) => 'data' in body || 'errors' in body);
  });

  const faults: Array<[string, FaultAction]> = [
    ['upstream 500', { type: 'status', status: 500 }],
    ['upstream 401', { type: 'status', status: 401 }],
    ['upstream 429 with Retry-After', { type: 'status', status: 429, headers: { 'retry-after': '7' } }],
    ['upstream 400 with its errors', { type: 'status', status: 400, body: { statusCode: 400, type: 'ValidationError', description: 'bad', correlationId: null, errors: [{ field: 'PageSize', message: 'too big' }] } }],
    ['a body that is not JSON', { type: 'malformed', variant: 'not-json' }],
    ['an item without an id', { type: 'malformed', variant: 'item-missing-id' }],
    ['a dropped connection', { type: 'drop' }],
  ];

  it.each(faults)('%s', async (_name, fault) => {
    // A 429 with Retry-After holds its caller's next calls: that one is made by a caller of its own.
    const headers = fault.type === 'status' && fault.status === 429 ? { ...CALLER, authorization: 'Bearer compare-cooled-token' } : undefined;
    const { standard, compiled } = await both(PAGE, { first: 3, after }, { fault, headers });
    expect(compiled).toEqual(standard);
    expect(JSON.parse(standard.body).errors?.[0]?.extensions?.code).toMatch(/^[A-Z_]+$/);
  });

  // Compiled execution writes String, Int, Boolean, ID and enum values without graphql's
  // serializers, trusting the decoder's output: items of every loose shape it accepts.
  it('answers alike for items of loose shapes (numeric id, PascalCase keys, odd values, missing keys)', async () => {
    const items = [
      { id: 4711, timestamp: '2026-11-02T11:00:00.1234567Z', operation: 'A', status: 'SUCCEDED', customerName: 42, userName: true, details: { nested: 1 } },
      { Id: 'pascal-1', Timestamp: '2026-11-02T10:00:00+02:00', Operation: 'B', Status: 'Failed', ResellerName: null, ResellerId: 'not-a-uuid' },
      { id: 'odd-status', timestamp: '2026-11-02T09:00:00Z', status: 'Exploded', resellerId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301' },
      { id: 'bare', timestamp: '2026-11-02T08:00:00.000Z' },
    ];
    // Older than the walk's cursor, which pins both gateways to the same window.
    const fault: FaultAction = { type: 'status', status: 200, body: { items, totalCount: 4 } };
    const { standard, compiled } = await both(PAGE, { first: 4, after }, { fault });
    expect(compiled).toEqual(standard);
    const page = JSON.parse(standard.body).data.auditLogs;
    expect(page.edges.map((edge: { node: { auditLogId: string; status: string | null } }) => [edge.node.auditLogId, edge.node.status])).toEqual([
      ['4711', 'SUCCEEDED'],
      ['pascal-1', 'FAILED'],
      ['odd-status', null],
      ['bare', null],
    ]);
  });

  it('answers without caller headers alike', async () => {
    const { standard, compiled } = await both(PAGE, { first: 3, after }, { headers: {} });
    expect(compiled).toEqual(standard);
    expect(JSON.parse(standard.body).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
