import { beforeAll, expect, it } from 'vitest';
import { useHarness } from '../../support/use-harness.js';

/** Node ids as a client may send them: the same one twice, one from the end of time. */

const h = useHarness();
let ids: string[];

beforeAll(async () => {
  const page = await h.graphql<{ auditLogs: { nodes: Array<{ id: string }> } }, unknown>('{ auditLogs(first: 3) { nodes { id } } }');
  ids = page.body.data!.auditLogs.nodes.map((node) => node.id);
  expect(ids).toHaveLength(3);
});

const globalId = (raw: string) => Buffer.from(`AuditLog:${raw}`).toString('base64');

it('serves the same node id under two aliases with different selections', async () => {
  // Repeated: which alias used to fail depended on the order promises settled in.
  for (let round = 0; round < 5; round++) {
    const response = await h.graphql<Record<string, any>, { id: string }>(
      'query Twice($id: ID!) { a: node(id: $id) { id } b: node(id: $id) { ... on AuditLog { auditLogId } } }',
      { id: ids[round % ids.length]! },
    );
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data?.a?.id).toBe(ids[round % ids.length]);
    expect(response.body.data?.b?.auditLogId).toEqual(expect.any(String));
  }
});

it('serves one id repeated in nodes(ids:) and node(id:) together, with one upstream call', async () => {
  const before = h.sample.requests.length;
  const [id] = ids;
  const response = await h.graphql<Record<string, any>, { id: string }>(
    `query Mixed($id: ID!) {
      one: node(id: $id) { __typename id }
      many: nodes(ids: [$id, $id]) { ... on AuditLog { id auditLogId } }
      again: node(id: $id) { ... on AuditLog { timestamp } }
    }`,
    { id: id! },
  );
  expect(response.body.errors).toBeUndefined();
  expect(response.body.data?.one).toEqual({ __typename: 'AuditLog', id });
  expect(response.body.data?.many.map((node: { id: string }) => node.id)).toEqual([id, id]);
  expect(response.body.data?.again.timestamp).toEqual(expect.any(String));
  expect(h.sample.requests.length - before).toBe(1);
});

it.each([
  ['the largest date', '8640000000000000'],
  ['a second before the largest date', '8639999999999500'],
  ['past the largest date', '8640000000000001'],
  ['far past it', '9999999999999999'],
])('an id whose time is %s is BAD_USER_INPUT, with no upstream call and no stack in the log', async (_name, timestamp) => {
  const before = h.sample.requests.length;
  const logsBefore = h.logs.length;
  const response = await h.graphql<Record<string, any>, { id: string }>('query Far($id: ID!) { node(id: $id) { id } }', {
    id: globalId(`${timestamp}:144ab31e-0868-4b81-ae18-28b8504cbd61`),
  });
  expect(response.body.data?.node).toBeNull();
  expect(response.body.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  expect(h.sample.requests.length).toBe(before);
  const logged = h.logs.slice(logsBefore).join('');
  expect(logged).not.toContain('"stack"');
  expect(logged).not.toContain('INTERNAL_SERVER_ERROR');
});

it('serves one id through _entities twice and node(id:) in the same operation', async () => {
  const [id] = ids;
  const response = await h.graphql<Record<string, any>, { r: unknown[]; id: string }>(
    'query Both($r: [_Any!]!, $id: ID!) { _entities(representations: $r) { ... on AuditLog { id auditLogId } } node(id: $id) { ... on AuditLog { id } } }',
    { r: [{ __typename: 'AuditLog', id }, { __typename: 'AuditLog', id }], id: id! },
  );
  expect(response.body.errors).toBeUndefined();
  expect(response.body.data?._entities.map((entity: { id: string }) => entity.id)).toEqual([id, id]);
  expect(response.body.data?.node.id).toBe(id);
});
