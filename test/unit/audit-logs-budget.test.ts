import fc from 'fast-check';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DEFAULT_COST_TABLE, estimateOperation, overBudget, type CostTable } from '../../src/limits/budget.js';
import { LOOKUP_PAGE_SIZE } from '../../src/nodes/node-windows.js';

/** Items a node lookup asks for (its page size). */
const LOOKUP = LOOKUP_PAGE_SIZE;

const cost = (query: string, variables?: Record<string, unknown>, operationName?: string, costTable?: CostTable) =>
  estimateOperation({ document: parse(query), variables, operationName, costTable }).cost;

describe('the estimated cost of an operation', () => {
  it('counts a first page as one call and its size and the one more it reads as items; the default page is 25', () => {
    expect(cost('{ auditLogs(first: 10) { totalCount } }')).toEqual({ calls: 1, items: 11 });
    expect(cost('{ auditLogs { totalCount } }')).toEqual({ calls: 1, items: 26 });
    // Never more than the largest page the upstream serves.
    expect(cost('{ auditLogs(first: 2000) { totalCount } }')).toEqual({ calls: 1, items: 2000 });
  });

  it('counts pages that may span two windows as two calls', () => {
    expect(cost('{ auditLogs(first: 10, after: "c") { totalCount } }')).toEqual({ calls: 2, items: 11 });
    expect(cost('{ auditLogs(last: 10) { totalCount } }')).toEqual({ calls: 2, items: 11 });
    expect(cost('{ auditLogs(last: 10, before: "c") { totalCount } }')).toEqual({ calls: 2, items: 11 });
    expect(cost('{ auditLogs(first: 10, after: "") { totalCount } }')).toEqual({ calls: 1, items: 11 });
  });

  it('counts every field and alias, even identical ones that run as one call', () => {
    expect(cost('{ a: auditLogs(first: 5) { totalCount } b: auditLogs(first: 5) { totalCount } auditLogs(first: 5) { totalCount } }')).toEqual({
      calls: 3,
      items: 18,
    });
    const hundred = Array.from({ length: 100 }, (_, i) => `a${i}: auditLogs(first: 2000) { totalCount }`).join(' ');
    expect(cost(`{ ${hundred} }`)).toEqual({ calls: 100, items: 200_000 });
  });

  it('reads variables and their defaults', () => {
    const query = 'query Q($n: Int = 7, $after: String) { auditLogs(first: $n, after: $after) { totalCount } }';
    expect(cost(query)).toEqual({ calls: 1, items: 8 });
    expect(cost(query, { n: 300 })).toEqual({ calls: 1, items: 301 });
    expect(cost(query, { n: 300, after: 'x' })).toEqual({ calls: 2, items: 301 });
  });

  it('leaves out-of-range or malformed sizes to the resolver (no cost)', () => {
    expect(cost('{ auditLogs(first: 2001) { totalCount } }')).toEqual({ calls: 0, items: 0 });
    expect(cost('query Q($n: Int) { auditLogs(first: $n) { totalCount } }', { n: '5' })).toEqual({ calls: 0, items: 0 });
    expect(cost('{ auditLogs(first: 0) { totalCount } }')).toEqual({ calls: 0, items: 0 });
  });

  it('follows fragments, inline fragments and @skip/@include', () => {
    const query = `
      query Q($on: Boolean!) {
        ...F
        ... { b: auditLogs(first: 2) { totalCount } }
        c: auditLogs(first: 3) @include(if: $on) { totalCount }
        d: auditLogs(first: 4) @skip(if: true) { totalCount }
      }
      fragment F on Query { a: auditLogs(first: 1) { totalCount } }`;
    expect(cost(query, { on: true })).toEqual({ calls: 3, items: 9 });
    expect(cost(query, { on: false })).toEqual({ calls: 2, items: 5 });
  });

  it('costs the named operation only', () => {
    const document = 'query A { auditLogs(first: 1) { totalCount } } query B { auditLogs(first: 9) { totalCount } }';
    expect(cost(document, undefined, 'B')).toEqual({ calls: 1, items: 10 });
  });

  it('counts node lookups per id, each asking for a lookup page', () => {
    expect(cost('{ node(id: "x") { id } }')).toEqual({ calls: 1, items: LOOKUP });
    expect(cost('query Q($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ['a', 'b', 'a'] })).toEqual({ calls: 3, items: 3 * LOOKUP });
    expect(cost('{ a: node(id: "x") { id } b: node(id: "x") { id } }')).toEqual({ calls: 2, items: 2 * LOOKUP });
    // List coercion: a single id is a list of one.
    expect(cost('query Q($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: 'a' })).toEqual({ calls: 1, items: LOOKUP });
  });

  const hostile = (aliases: number) => `query($r: [_Any!]!) { _entities(representations: $r) { ... on _Entity { ... on Reseller {
    ${Array.from({ length: aliases }, (_, i) => `a${i}: auditLogs(first: 2000, filter: { startDate: "2020-01-01T00:00:00Z" }) { totalCount nodes { id raw } }`).join(' ')}
  } } } }`;
  const resellers = (count: number) => Array.from({ length: count }, (_, i) => ({ __typename: 'Reseller', id: `r${i}` }));

  it('follows abstract type conditions (_Entity, Node) down to the concrete ones inside them', () => {
    expect(cost(hostile(15), { r: resellers(10) })).toEqual({ calls: 150, items: 150 * 2000 });
    expect(cost(hostile(15), { r: resellers(100) })).toEqual({ calls: 1500, items: 1500 * 2000 });
    const viaFragments = `query($r: [_Any!]!) { _entities(representations: $r) { ...E } }
      fragment E on _Entity { ...R } fragment R on Reseller { auditLogs(first: 100) { totalCount } }`;
    expect(cost(viaFragments, { r: resellers(3) })).toEqual({ calls: 3, items: 303 });
    expect(cost('{ node(id: "x") { ... on Node { ... on AuditLog { id } } } }')).toEqual({ calls: 1, items: LOOKUP });
  });

  it('counts a single representations object as a list of one', () => {
    expect(cost(hostile(15), { r: { __typename: 'Reseller', id: 'r0' } })).toEqual({ calls: 15, items: 15 * 2000 });
  });

  it('reports the longest lookup list, after list coercion', () => {
    const doc = parse('query($r: [_Any!]!, $ids: [ID!]!) { _entities(representations: $r) { __typename } nodes(ids: $ids) { id } }');
    expect(estimateOperation({ document: doc, variables: { r: resellers(101), ids: ['a'] } }).largestLookup).toEqual({ field: '_entities', entries: 101 });
    expect(estimateOperation({ document: doc, variables: { r: resellers(1), ids: ['a', 'b'] } }).largestLookup).toEqual({ field: 'nodes', entries: 2 });
  });

  it('counts _entities per representation, and Reseller.auditLogs once per Reseller', () => {
    const query = `query E($r: [_Any!]!) {
      _entities(representations: $r) {
        ... on AuditLog { id }
        ... on Reseller { auditLogs(first: 10) { totalCount } recent: auditLogs(last: 5) { totalCount } }
        ...R
      }
    }
    fragment R on Reseller { more: auditLogs(first: 1) { totalCount } }`;
    const representations = [
      { __typename: 'AuditLog', id: 'a' },
      { __typename: 'AuditLog', id: 'b' },
      { __typename: 'Reseller', id: 'r1' },
      { __typename: 'Reseller', id: 'r2' },
      { __typename: 'Reseller', id: 'r3' },
    ];
    // 2 AuditLog lookups + 3 resellers × (1 + 2 + 1 calls, 11 + 6 + 2 items)
    expect(cost(query, { r: representations })).toEqual({ calls: 2 + 3 * 4, items: 2 * LOOKUP + 3 * 19 });
    expect(cost(query, { r: [] })).toEqual({ calls: 0, items: 0 });
  });

  it('ignores introspection and unknown fields, and does not loop on fragment cycles', () => {
    expect(cost('{ __schema { types { name } } __typename }')).toEqual({ calls: 0, items: 0 });
    expect(cost('{ ...A } fragment A on Query { ...B auditLogs(first: 1) { totalCount } } fragment B on Query { ...A }')).toEqual({
      calls: 1,
      items: 2,
    });
  });

  it('gives nothing named __schema a free pass: only introspection fields are free', () => {
    const query = 'query __schema { ...__schema } fragment __schema on Query { __schema: auditLogs(first: 2000) { totalCount } }';
    expect(cost(query)).toEqual({ calls: 1, items: 2000 });
  });

  it('takes extra rules from a cost table', () => {
    const table: CostTable = { ...DEFAULT_COST_TABLE, auditLogExport: () => ({ calls: 40, items: 10_000 }) };
    expect(cost('{ auditLogExport }', undefined, undefined, table)).toEqual({ calls: 40, items: 10_000 });
  });

  it('grows with every added alias (per-field counting)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 2000 }), { minLength: 1, maxLength: 30 }), (sizes) => {
        const query = `{ ${sizes.map((size, i) => `a${i}: auditLogs(first: ${size}) { totalCount }`).join(' ')} }`;
        expect(cost(query)).toEqual({ calls: sizes.length, items: sizes.reduce((a, b) => a + Math.min(2000, b + 1), 0) });
      }),
    );
  });
});

describe('overBudget', () => {
  it('names the limit that is broken, calls first', () => {
    expect(overBudget({ calls: 3, items: 10 }, { calls: 3, items: 10 })).toBeUndefined();
    expect(overBudget({ calls: 4, items: 11 }, { calls: 3, items: 10 })).toEqual({ limit: 'calls', planned: 4, max: 3 });
    expect(overBudget({ calls: 3, items: 11 }, { calls: 3, items: 10 })).toEqual({ limit: 'items', planned: 11, max: 10 });
  });
});
