import { describe, expect, it } from 'vitest';
import { SAMPLE_RESELLERS } from '../../../tools/sample-upstream/seed.js';
import { useHarness } from '../../support/use-harness.js';

/** Filter strings are at most 256 characters, and a UUID's case never matters. */

const h = useHarness();

type Data = Record<string, any>;
const LOGS = 'query Logs($filter: AuditLogFilter, $after: String) { auditLogs(first: 2, filter: $filter, after: $after) { totalCount pageInfo { endCursor } nodes { id resellerId } } }';

describe('filter strings of at most 256 characters', () => {
  const long = 'x'.repeat(257);

  it.each([
    ['reseller', { reseller: long }],
    ['customer', { customer: long }],
    ['an operations item', { operations: ['CreateOrder', long] }],
    ['a 90 KB reseller', { reseller: 'y'.repeat(90_000) }],
  ])('a longer %s is BAD_USER_INPUT with no upstream call', async (_name, filter) => {
    const before = h.sample.requests.length;
    const response = await h.graphql<Data, unknown>(LOGS, { filter });
    expect(response.body.data).toBeNull();
    expect(response.body.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors?.[0]?.message).toContain('256');
    expect(h.sample.requests.length).toBe(before);
  });

  it('through Reseller.auditLogs too', async () => {
    const before = h.sample.requests.length;
    const response = await h.graphql<Data, unknown>(
      'query R($r: [_Any!]!, $f: AuditLogFilter) { _entities(representations: $r) { ... on Reseller { auditLogs(first: 1, filter: $f) { totalCount } } } }',
      { r: [{ __typename: 'Reseller', id: SAMPLE_RESELLERS[0]!.id }], f: { customer: long } },
    );
    expect(response.body.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(h.sample.requests.length).toBe(before);
  });

  it('exactly 256 characters are accepted', async () => {
    const response = await h.graphql<Data, unknown>(LOGS, { filter: { reseller: 'r'.repeat(256), operations: ['o'.repeat(256)] } });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data?.auditLogs.totalCount).toBe(0);
  });
});

describe('the case of a reseller id', () => {
  const reseller = SAMPLE_RESELLERS[0]!.id;
  const upper = reseller.toUpperCase();

  it('a cursor from Reseller(id: UPPER).auditLogs walks on with filter.resellerId in lower case', async () => {
    const first = await h.graphql<Data, unknown>(
      'query R($r: [_Any!]!) { _entities(representations: $r) { ... on Reseller { auditLogs(first: 2) { totalCount pageInfo { endCursor } nodes { id } } } } }',
      { r: [{ __typename: 'Reseller', id: upper }] },
    );
    expect(first.body.errors).toBeUndefined();
    const page = first.body.data!._entities[0].auditLogs;
    expect(page.totalCount).toBeGreaterThan(2);

    const next = await h.graphql<Data, unknown>(LOGS, { filter: { resellerId: reseller.toLowerCase() }, after: page.pageInfo.endCursor });
    expect(next.body.errors).toBeUndefined();
    expect(next.body.data?.auditLogs.totalCount).toBe(page.totalCount);
    const ids = next.body.data!.auditLogs.nodes.map((node: { id: string }) => node.id);
    expect(ids).toHaveLength(2);
    expect(ids.some((id: string) => page.nodes.some((seen: { id: string }) => seen.id === id))).toBe(false);
    expect(next.body.data!.auditLogs.nodes.every((node: { resellerId: string }) => node.resellerId === reseller)).toBe(true);
  });

  it('and the other way round: a lower-case cursor serves the upper-case filter', async () => {
    const first = await h.graphql<Data, unknown>(LOGS, { filter: { resellerId: reseller } });
    expect(first.body.errors).toBeUndefined();
    const next = await h.graphql<Data, unknown>(LOGS, { filter: { resellerId: upper }, after: first.body.data!.auditLogs.pageInfo.endCursor });
    expect(next.body.errors).toBeUndefined();
    expect(next.body.data?.auditLogs.nodes).toHaveLength(2);
  });
});
