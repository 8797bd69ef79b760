import { encodeGlobalID } from '@pothos/plugin-relay';
import { beforeEach, describe, expect, it } from 'vitest';
import { SAMPLE_RESELLERS } from '../../../tools/sample-upstream/seed.js';
import { LOOKUP_PAGE_SIZE } from '../../../src/nodes/node-windows.js';
import { type Harness, NEVER_DECIDES } from '../../support/harness.js';
import { useHarness } from '../../support/use-harness.js';

/**
 * The upstream budget (docs/limits.md) holds whatever the document's shape: the
 * shapes that once passed the estimate, run against the real sample upstream, which
 * records every request it gets. Default budget: 100 calls, 5000 items.
 */

const BUDGET = { calls: 100, items: 5000 };

const h = useHarness();

beforeEach(() => {
  h.sample.resetRequests();
  h.sample.faults.clear();
});

/** Upstream requests since the last reset, and the items they asked for (the sum of their PageSizes). */
function spent(harness: Harness = h): { calls: number; items: number } {
  const requests = harness.sample.requests.filter((request) => request.path.endsWith('/AuditLogs'));
  return { calls: requests.length, items: requests.reduce((sum, request) => sum + Number(request.query.PageSize), 0) };
}

const resellers = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ __typename: 'Reseller', id: SAMPLE_RESELLERS[i % SAMPLE_RESELLERS.length]!.id }));

/** The shape of the audit: 15 aliases of a 2000-item page under `... on _Entity { ... on Reseller }`. */
const ENTITY_HOSTILE = `query($r: [_Any!]!) { _entities(representations: $r) { ... on _Entity { ... on Reseller {
  ${Array.from({ length: 15 }, (_, i) => `a${i}: auditLogs(first: 2000, filter: { startDate: "2020-01-01T00:00:00Z" }) { totalCount nodes { id raw } }`).join('\n  ')}
} } } }`;

const codes = (body: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => body.errors?.map((error) => error.extensions?.code) ?? [];

describe('shapes that once passed the estimate', () => {
  it.each([10, 100])('refuses the _Entity-wrapped 15-alias document with %i representations before any call', async (count) => {
    const { body } = await h.graphql(ENTITY_HOSTILE, { r: resellers(count) });
    expect(codes(body)).toEqual(['BAD_USER_INPUT']);
    expect(body.errors![0]!.extensions!.budget).toMatchObject({ limit: 'UPSTREAM_BUDGET_CALLS', planned: count * 15, max: 100 });
    expect(spent()).toEqual({ calls: 0, items: 0 });
  });

  it('counts the one log more each page reads: three pages of 1999, 1999 and 1000 are refused before any call', async () => {
    const { body } = await h.graphql(
      '{ a: auditLogs(first: 1999) { totalCount } b: auditLogs(first: 1999) { totalCount } c: auditLogs(first: 1000) { totalCount } }',
    );
    expect(codes(body)).toEqual(['BAD_USER_INPUT']);
    expect(body.errors![0]!.extensions!.budget).toMatchObject({ limit: 'UPSTREAM_BUDGET_ITEMS', planned: 2000 + 2000 + 1001, max: BUDGET.items });
    // Refused whole, up front: no paid call, and not a null `data` after two of them.
    expect(spent()).toEqual({ calls: 0, items: 0 });
  });

  it('counts a single representations object as a list of one', async () => {
    const { body } = await h.graphql(ENTITY_HOSTILE, { r: resellers(1)[0] });
    expect(codes(body)).toEqual(['BAD_USER_INPUT']);
    expect(body.errors![0]!.extensions!.budget).toMatchObject({ limit: 'UPSTREAM_BUDGET_ITEMS', planned: 15 * 2000 });
    expect(spent()).toEqual({ calls: 0, items: 0 });
  });

  it('refuses more than 100 representations or ids before any call', async () => {
    const entities = await h.graphql('query($r: [_Any!]!) { _entities(representations: $r) { __typename } }', { r: resellers(101) });
    expect(codes(entities.body)).toEqual(['BAD_USER_INPUT']);
    expect(entities.body.errors![0]!.message).toMatch(/at most 100/);
    const ids = Array.from({ length: 101 }, (_, i) => encodeGlobalID('AuditLog', `${1_700_000_000_000 + i * 1000}:x${i}`));
    const nodes = await h.graphql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids });
    expect(codes(nodes.body)).toContain('BAD_USER_INPUT');
    expect(spent()).toEqual({ calls: 0, items: 0 });
  });
});

describe('node lookups against dense windows', () => {
  it('stops 100 lookups whose windows overflow their pages at the budget, never past it', async () => {
    // 100 seconds an hour apart, each holding 60 logs: every window overflows a lookup page.
    const base = Date.UTC(2025, 0, 1);
    const ids: string[] = [];
    for (let s = 0; s < 100; s++) {
      const timestamp = new Date(base + s * 3_600_000 + 500).toISOString();
      for (let i = 0; i < 60; i++) {
        const log = h.sample.store.insert({ id: `d${String(s).padStart(3, '0')}00000-0000-4000-8000-${String(i).padStart(12, '0')}`, timestamp });
        if (i === 0) ids.push(encodeGlobalID('AuditLog', `${Date.parse(timestamp)}:${log.id}`));
      }
    }
    const { body } = await h.graphql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids });
    const used = spent();
    console.info(`nodes(ids:) with 100 ids in dense windows: ${used.calls} upstream calls, ${used.items} items`);
    expect(used.calls).toBeLessThanOrEqual(BUDGET.calls);
    expect(used.items).toBeLessThanOrEqual(BUDGET.items);
    // The first round spends the whole budget (100 calls of 50 items); the follow-ups are refused.
    expect(used).toEqual({ calls: 100, items: 100 * LOOKUP_PAGE_SIZE });
    expect(codes(body)).toContain('BAD_USER_INPUT');
    expect(body.errors!.find((error) => error.extensions?.code === 'BAD_USER_INPUT')!.extensions!.budget).toEqual({
      limit: 'UPSTREAM_BUDGET_CALLS',
      max: BUDGET.calls,
    });
  });
});

describe('retries spend the same budget', () => {
  const tight = useHarness({ config: { budgetCalls: 2, budgetItems: 100, breakerMinimumCalls: NEVER_DECIDES } });

  it('makes no attempt past the cap: a failing call retried twice stops after the second attempt', async () => {
    tight.sample.resetRequests();
    tight.sample.faults.add({ action: { type: 'status', status: 503 } });
    const { body } = await tight.graphql('{ auditLogs(first: 10) { totalCount } }');
    // Without the budget: 3 attempts (1 + UPSTREAM_RETRIES). The last failure is what the field reports.
    expect(spent(tight).calls).toBe(2);
    expect(codes(body)).toEqual(['UPSTREAM_ERROR']);
  });

  it('gives the field that needs a call past the cap BAD_USER_INPUT: a lookup whose second overflows its page', async () => {
    tight.sample.faults.clear();
    // 60 logs in one second: the small lookup page (50 items, within the estimate) misses the oldest,
    // and the follow-up in a 2000-item page would pass the 100-item budget.
    const timestamp = '2025-06-01T12:00:00.500Z';
    const crowd = Array.from({ length: 60 }, (_, i) =>
      tight.sample.store.insert({ id: `e0000000-0000-4000-8000-${String(i).padStart(12, '0')}`, timestamp }),
    );
    tight.sample.resetRequests();
    const id = encodeGlobalID('AuditLog', `${Date.parse(timestamp)}:${crowd[0]!.id}`);
    const { body } = await tight.graphql('query($id: ID!) { node(id: $id) { id } }', { id });
    expect(spent(tight)).toEqual({ calls: 1, items: LOOKUP_PAGE_SIZE });
    expect(codes(body)).toEqual(['BAD_USER_INPUT']);
    expect(body.errors![0]!.extensions!.budget).toEqual({ limit: 'UPSTREAM_BUDGET_ITEMS', max: 100 });
  });
});
