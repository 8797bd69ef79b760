import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_RESELLERS } from '../../../tools/sample-upstream/seed.js';
import { useHarness } from '../../support/use-harness.js';

/**
 * Generated documents (aliases, named and inline fragments, abstract type conditions,
 * variables, single values where lists are expected) against the real sample
 * upstream, which records every request: whatever the shape, one operation's upstream
 * requests and the items they ask for never pass the budget. The budget is small so
 * that most documents reach it.
 */

const BUDGET = { calls: 12, items: 3000 };

const h = useHarness({ config: { budgetCalls: BUDGET.calls, budgetItems: BUDGET.items } });
/** Global ids of real audit logs, for node lookups. */
let ids: string[];

beforeAll(async () => {
  const { body } = await h.graphql<{ auditLogs: { nodes: Array<{ id: string }> } }, never>('{ auditLogs(first: 200) { nodes { id } } }');
  ids = body.data!.auditLogs.nodes.filter((_, i) => i % 20 === 0).map((node) => node.id);
});

const size = fc.constantFrom(1, 25, 300, 1000, 2000);
const connection = fc.record({ arg: fc.constantFrom('first', 'last'), size, viaVariable: fc.boolean() });
type Connection = { arg: string; size: number; viaVariable: boolean };

/** One selection under Query, as text, with the variables it declares and their values. */
interface Piece {
  text: string;
  variables: Record<string, { type: string; value: unknown }>;
  fragments: string[];
}

let counter = 0;
const fresh = (prefix: string) => `${prefix}${counter++}`;

function auditLogs(c: Connection): Piece {
  if (!c.viaVariable) return { text: `auditLogs(${c.arg}: ${c.size}) { totalCount }`, variables: {}, fragments: [] };
  const name = fresh('n');
  return { text: `auditLogs(${c.arg}: $${name}) { totalCount }`, variables: { [name]: { type: 'Int', value: c.size } }, fragments: [] };
}

const piece: fc.Arbitrary<(alias: string) => Piece> = fc.oneof(
  connection.map((c) => (alias: string) => {
    const inner = auditLogs(c);
    return { ...inner, text: `${alias}: ${inner.text}` };
  }),
  fc.record({ wrap: fc.constantFrom('plain', 'node-fragment', 'fragment-spread') }).map(({ wrap }) => (alias: string) => {
    const name = fresh('id');
    const variables = { [name]: { type: 'ID!', value: ids[counter % ids.length] } };
    if (wrap === 'plain') return { text: `${alias}: node(id: $${name}) { id }`, variables, fragments: [] };
    if (wrap === 'node-fragment') return { text: `${alias}: node(id: $${name}) { ... on Node { ... on AuditLog { id } } }`, variables, fragments: [] };
    const fragment = fresh('F');
    return { text: `${alias}: node(id: $${name}) { ...${fragment} }`, variables, fragments: [`fragment ${fragment} on Node { id }`] };
  }),
  fc.record({ count: fc.integer({ min: 0, max: 6 }), single: fc.boolean() }).map(({ count, single }) => (alias: string) => {
    const name = fresh('ids');
    const chosen = Array.from({ length: Math.max(1, count) }, (_, i) => ids[(counter + i * 3) % ids.length]);
    return { text: `${alias}: nodes(ids: $${name}) { id }`, variables: { [name]: { type: '[ID!]!', value: single ? chosen[0] : chosen } }, fragments: [] };
  }),
  fc
    .record({
      resellers: fc.integer({ min: 1, max: 4 }),
      single: fc.boolean(),
      inner: fc.array(connection, { minLength: 1, maxLength: 3 }),
      wrap: fc.constantFrom('entity-inline', 'entity-fragment', 'reseller-inline'),
    })
    .map(({ resellers, single, inner, wrap }) => (alias: string) => {
      const name = fresh('r');
      const representations = Array.from({ length: resellers }, (_, i) => ({ __typename: 'Reseller', id: SAMPLE_RESELLERS[i % SAMPLE_RESELLERS.length]!.id }));
      const fields = inner.map((c, i) => auditLogs(c)).map((p, i) => ({ ...p, text: `x${i}: ${p.text}` }));
      const body = fields.map((p) => p.text).join(' ');
      const variables: Piece['variables'] = { [name]: { type: '[_Any!]!', value: single ? representations[0] : representations } };
      for (const p of fields) Object.assign(variables, p.variables);
      if (wrap === 'reseller-inline') return { text: `${alias}: _entities(representations: $${name}) { ... on Reseller { ${body} } }`, variables, fragments: [] };
      if (wrap === 'entity-inline') return { text: `${alias}: _entities(representations: $${name}) { ... on _Entity { ... on Reseller { ${body} } } }`, variables, fragments: [] };
      const outer = fresh('E');
      const reseller = fresh('R');
      return {
        text: `${alias}: _entities(representations: $${name}) { ...${outer} }`,
        variables,
        fragments: [`fragment ${outer} on _Entity { ...${reseller} }`, `fragment ${reseller} on Reseller { ${body} }`],
      };
    }),
);

const documentArb = fc.array(piece, { minLength: 1, maxLength: 6 }).map((builders) => {
  const pieces = builders.map((build, i) => build(`a${i}`));
  const variables = Object.assign({}, ...pieces.map((p) => p.variables)) as Piece['variables'];
  const declared = Object.entries(variables).map(([name, v]) => `$${name}: ${v.type}`);
  const query = `query Fuzz${declared.length ? `(${declared.join(', ')})` : ''} { ${pieces.map((p) => p.text).join(' ')} } ${pieces.flatMap((p) => p.fragments).join(' ')}`;
  return { query, values: Object.fromEntries(Object.entries(variables).map(([name, v]) => [name, v.value])) };
});

describe('the upstream budget under generated documents', () => {
  it('never lets one operation pass its calls or items upstream', async () => {
    let reachedCap = 0;
    await fc.assert(
      fc.asyncProperty(documentArb, async ({ query, values }) => {
        h.sample.resetRequests();
        const { body } = await h.graphql(query, values);
        const requests = h.sample.requests.filter((request) => request.path.endsWith('/AuditLogs'));
        const items = requests.reduce((sum, request) => sum + Number(request.query.PageSize), 0);
        if (body.errors?.some((error) => error.extensions?.budget)) reachedCap++;
        expect(requests.length, query).toBeLessThanOrEqual(BUDGET.calls);
        expect(items, query).toBeLessThanOrEqual(BUDGET.items);
      }),
      { numRuns: 40, seed: 20261201 },
    );
    // The budget must have been in play, or the property says nothing.
    expect(reachedCap).toBeGreaterThan(5);
  });
});
