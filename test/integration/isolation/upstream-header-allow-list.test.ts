import { beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { SAMPLE_RESELLERS } from '../../../tools/sample-upstream/seed.js';
import type { RecordedRequest } from '../../../tools/sample-upstream/index.js';
import { NEVER_DECIDES } from '../../support/harness.js';
import { useHarness } from '../../support/use-harness.js';

/**
 * Every path that reaches the upstream sends exactly the allow-listed headers, with
 * the caller's values as received: the sample upstream records (echoes) what it got.
 */

const CALLER = { authorization: 'Bearer allow-list-token', 'x-tenant': 'allow.cloudcockpit.example' };
/** What a hostile or careless client adds; none of it may reach the upstream. */
const EXTRA = {
  cookie: 'session=cookie-secret',
  'x-forwarded-for': '198.51.100.9',
  'x-api-key': 'api-key-secret',
  'proxy-authorization': 'Basic cHJveHktc2VjcmV0',
  'x-tenant-id': 'other-tenant',
  'user-agent': 'nosy/1.0',
  'x-correlation-id': 'not-a-uuid',
};
const ALLOWED = ['accept', 'authorization', 'connection', 'host', 'x-correlation-id', 'x-tenant'];
/** Added by the gateway's own tracing, never copied from the client. */
const TRACE_CONTEXT = ['traceparent', 'tracestate'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const h = useHarness({ config: { breakerMinimumCalls: NEVER_DECIDES } });
let nodeIds: string[];

beforeAll(async () => {
  const first = await h.graphql<any, unknown>('{ auditLogs(first: 3) { nodes { id } } }', undefined, CALLER);
  nodeIds = first.body.data.auditLogs.nodes.map((node: { id: string }) => node.id);
});

/** Runs one operation with the extra headers and returns the upstream requests it caused. */
async function sentBy(query: string, variables?: Record<string, unknown>): Promise<{ sent: RecordedRequest[]; correlationId: string }> {
  const before = h.sample.requests.length;
  const response = await h.graphql<any, unknown>(query, variables, { ...CALLER, ...EXTRA });
  expect(response.body.errors).toBeUndefined();
  return { sent: h.sample.requests.slice(before), correlationId: String(response.headers['x-correlation-id']) };
}

function expectAllowListOnly(sent: RecordedRequest[], correlationId: string): void {
  expect(sent.length).toBeGreaterThan(0);
  for (const { headers } of sent) {
    const names = Object.keys(headers).filter((name) => !TRACE_CONTEXT.includes(name));
    expect(names.sort()).toEqual(ALLOWED);
    expect(headers.authorization).toBe(CALLER.authorization);
    expect(headers['x-tenant']).toBe(CALLER['x-tenant']);
    expect(headers['x-correlation-id']).toBe(correlationId);
    expect(headers.accept).toBe('application/json');
    const everything = JSON.stringify(headers);
    for (const value of Object.values(EXTRA)) expect(everything).not.toContain(value);
  }
}

const reseller = SAMPLE_RESELLERS[0]!;

describe('headers on every upstream path', () => {
  it.each<[string, string, () => Record<string, unknown> | undefined]>([
    ['a first page', '{ auditLogs(first: 5) { totalCount } }', () => undefined],
    ['a last page without before (two calls)', '{ auditLogs(last: 5) { totalCount } }', () => undefined],
    ['a filtered page', '{ auditLogs(first: 2, filter: { status: FAILED, customer: "a" }) { totalCount } }', () => undefined],
    ['node(id:)', 'query N($id: ID!) { node(id: $id) { id } }', () => ({ id: nodeIds[0] })],
    ['nodes(ids:)', 'query N($ids: [ID!]!) { nodes(ids: $ids) { id } }', () => ({ ids: nodeIds })],
    [
      '_entities for AuditLog',
      'query E($r: [_Any!]!) { _entities(representations: $r) { ... on AuditLog { id } } }',
      () => ({ r: nodeIds.map((id) => ({ __typename: 'AuditLog', id })) }),
    ],
    [
      'Reseller.auditLogs through _entities',
      'query E($r: [_Any!]!) { _entities(representations: $r) { ... on Reseller { auditLogs(first: 2) { totalCount } } } }',
      () => ({ r: [{ __typename: 'Reseller', id: reseller.id }] }),
    ],
  ])('%s', async (_name, query, variables) => {
    const { sent, correlationId } = await sentBy(query, variables());
    expect(correlationId).toMatch(UUID);
    expectAllowListOnly(sent, correlationId);
  });

  it('a page after a cursor', async () => {
    const first = await h.graphql<any, unknown>('{ auditLogs(first: 3) { pageInfo { endCursor } } }', undefined, CALLER);
    const { sent, correlationId } = await sentBy('query P($after: String) { auditLogs(first: 4, after: $after) { totalCount } }', {
      after: first.body.data.auditLogs.pageInfo.endCursor,
    });
    expectAllowListOnly(sent, correlationId);
  });

  it('every attempt of a retried call', async () => {
    h.sample.faults.add({ times: 2, action: { type: 'status', status: 503 } });
    const { sent, correlationId } = await sentBy('{ auditLogs(first: 6) { totalCount } }');
    expect(sent).toHaveLength(3);
    expectAllowListOnly(sent, correlationId);
  });

  it('the readiness probe sends no credentials at all', async () => {
    const before = h.sample.requests.length;
    const response = await request(`${h.url}/readyz`, { headers: { ...CALLER, ...EXTRA } });
    expect(response.statusCode).toBe(200);
    await response.body.dump();
    const sent = h.sample.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(Object.keys(sent[0]!.headers).sort()).toEqual(['accept', 'connection', 'host']);
  });
});
