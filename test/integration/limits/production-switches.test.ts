import { describe, expect, it } from 'vitest';
import { getIntrospectionQuery } from 'graphql';
import { request } from 'undici';
import { useHarness } from '../../support/use-harness.js';

/** INTROSPECTION=false and GRAPHIQL=false, as production runs, against the defaults. */

const production = useHarness({ config: { introspection: false, graphiql: false } });
const development = useHarness();

describe('INTROSPECTION=false', () => {
  it.each(['{ __schema { queryType { name } } }', '{ __type(name: "AuditLog") { name } }', 'query __schema { __schema { types { name } } }'])(
    'refuses %s before execution',
    async (query) => {
      const response = await production.graphql(query);
      expect(response.body.data ?? null).toBeNull();
      expect(response.body.errors!.map((e) => e.extensions?.code)).toEqual(
        response.body.errors!.map(() => 'GRAPHQL_VALIDATION_FAILED'),
      );
      expect(response.body.errors![0]!.message).toMatch(/introspection has been disabled/);
    },
  );

  it('hides field suggestions, which would leak the schema just as well', async () => {
    const off = await production.graphql('{ auditLog { id } }');
    expect(off.body.errors![0]!.message).not.toMatch(/Did you mean/);
    expect(off.body.errors![0]!.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const on = await development.graphql('{ auditLog { id } }');
    expect(on.body.errors![0]!.message).toMatch(/Did you mean "auditLogs"/);
  });

  it('still answers ordinary operations and __typename', async () => {
    const response = await production.graphql('{ __typename auditLogs(first: 1) { totalCount } }');
    expect(response.body).toEqual({ data: { __typename: 'Query', auditLogs: { totalCount: 5000 } } });
  });

  it('keeps introspection on by default, and GraphiQL\'s full introspection query within the limits', async () => {
    const response = await development.graphql('{ __schema { queryType { name } } }');
    expect(response.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    const full = await development.graphql(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, inputValueDeprecation: true }));
    expect(full.body.errors).toBeUndefined();
    expect((full.body.data as { __schema: { types: unknown[] } }).__schema.types.length).toBeGreaterThan(10);
  });
});

describe('GRAPHIQL=false', () => {
  it('serves no GraphiQL page to a browser', async () => {
    const off = await request(`${production.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(off.statusCode).toBe(406); // nothing acceptable to a browser-only Accept
    expect(await off.body.text()).not.toMatch(/<html/i);

    const on = await request(`${development.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(on.headers['content-type']).toMatch(/text\/html/);
    await on.body.dump();
  });
});
