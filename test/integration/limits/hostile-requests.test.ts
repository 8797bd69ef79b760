import { Readable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { CALLER } from '../../support/harness.js';
import { useHarness } from '../../support/use-harness.js';

/**
 * Hostile requests: each is rejected before execution with a stable code and makes
 * zero upstream calls; what follows still works.
 */

const h = useHarness();

beforeEach(() => {
  h.sample.resetRequests();
});

interface Raw {
  status: number;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

async function post(body: string, headers: Record<string, string> = {}): Promise<Raw> {
  const response = await request(`${h.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...CALLER, ...headers },
    body,
  });
  return { status: response.statusCode, body: (await response.body.json()) as Raw['body'] };
}

const postQuery = (query: string, variables?: unknown) => post(JSON.stringify({ query, variables }));

const codes = (raw: Raw) => raw.body.errors?.map((error) => error.extensions?.code);
const aliases = (count: number, field: string) => Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join(' ');
/** An operation that would reach the upstream if it ran. */
const REAL_QUERY = '{ auditLogs(first: 1) { totalCount } }';

function expectRejected(raw: Raw, code: string, message?: RegExp): void {
  expect(raw.body.data ?? null).toBeNull();
  expect(codes(raw)).toContain(code);
  for (const error of raw.body.errors ?? []) expect(error.extensions?.code).toEqual(expect.any(String));
  if (message) expect(raw.body.errors?.map((e) => e.message).join(' ')).toMatch(message);
  expect(h.sample.requests).toHaveLength(0);
}

describe('operation limits (graphql-armor), before any upstream call', () => {
  it('refuses an over-deep operation', async () => {
    const deep = 'edges { node { ... on AuditLog { ... on AuditLog { ... on AuditLog { ... on AuditLog { ... on AuditLog { ... on AuditLog { ... on AuditLog { id } } } } } } } } }';
    expectRejected(await postQuery(`{ auditLogs(first: 1) { ${deep} } }`), 'GRAPHQL_VALIDATION_FAILED', /depth limit of 10/);
  });

  it('refuses 100 aliased auditLogs(first: 2000) with zero upstream calls', async () => {
    const raw = await postQuery(`{ ${aliases(100, 'auditLogs(first: 2000) { totalCount }')} }`);
    expectRejected(raw, 'GRAPHQL_VALIDATION_FAILED', /Aliases limit of 15/);
  });

  it('refuses too many tokens', async () => {
    expectRejected(await postQuery(`{ auditLogs(first: 1) { ${'totalCount '.repeat(2500)} } }`), 'GRAPHQL_VALIDATION_FAILED', /Token limit of 2000/);
  });

  it('refuses too many directives', async () => {
    const fields = Array.from({ length: 60 }, () => 'totalCount @include(if: true)').join(' ');
    expectRejected(await postQuery(`{ auditLogs(first: 1) { ${fields} } }`), 'GRAPHQL_VALIDATION_FAILED', /Directives limit of 50/);
  });

  it('gives no depth pass to an operation, fragment or alias named __schema', async () => {
    const deep = 'edges { node { ... on AuditLog { ... on AuditLog { ... on AuditLog { ... on AuditLog { ... on AuditLog { ... on AuditLog { ... on AuditLog { id } } } } } } } } }';
    for (const query of [
      `query __schema { auditLogs(first: 1) { ${deep} } }`,
      `{ ...__schema } fragment __schema on Query { auditLogs(first: 1) { ${deep} } }`,
      `{ __schema: auditLogs(first: 1) { ${deep} } }`,
      `query __schema { ...__schema } fragment __schema on Query { __schema: auditLogs(first: 1) { ${deep} } }`,
    ]) {
      expectRejected(await postQuery(query), 'GRAPHQL_VALIDATION_FAILED', /depth limit/);
    }
  });

  it('counts aliases named __schema or __typename-like names like any other', async () => {
    const query = `{ ${Array.from({ length: 16 }, (_, i) => `__schema${i}: auditLogs(first: 1) { totalCount }`).join(' ')} }`;
    expectRejected(await postQuery(query), 'GRAPHQL_VALIDATION_FAILED', /Aliases limit/);
  });
});

describe('variables of the wrong type', () => {
  it('are BAD_USER_INPUT before execution', async () => {
    const raw = await postQuery('query Q($n: Int) { auditLogs(first: $n) { totalCount } }', { n: 'twenty' });
    expectRejected(raw, 'BAD_USER_INPUT', /Int cannot represent/);
  });
});

describe('HTTP-level rejections', () => {
  it('refuses batch arrays', async () => {
    const raw = await post(JSON.stringify([{ query: REAL_QUERY }, { query: REAL_QUERY }]));
    expect(raw.status).toBe(400);
    expectRejected(raw, 'BAD_REQUEST', /Batching/);
  });

  it.each([
    ['text/plain', JSON.stringify({ query: REAL_QUERY })],
    ['text/plain;charset=UTF-8', JSON.stringify({ query: REAL_QUERY })],
    ['application/x-www-form-urlencoded', `query=${encodeURIComponent(REAL_QUERY)}`],
    ['multipart/form-data; boundary=XyZ', `--XyZ\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${JSON.stringify({ query: REAL_QUERY })}\r\n--XyZ--\r\n`],
    ['application/graphql', REAL_QUERY],
  ])('refuses a %s POST with 415, never executed', async (contentType, body) => {
    const raw = await post(body, { 'content-type': contentType });
    expect(raw.status).toBe(415);
    expectRejected(raw, 'BAD_REQUEST', /JSON body/);
  });

  it('refuses a POST without a content type with 415', async () => {
    const response = await request(`${h.url}/graphql`, { method: 'POST', headers: { ...CALLER }, body: JSON.stringify({ query: REAL_QUERY }) });
    expect(response.statusCode).toBe(415);
    await response.body.dump();
    expect(h.sample.requests).toHaveLength(0);
  });

  it('refuses a body over the limit with 413, by Content-Length or by streaming', async () => {
    const big = JSON.stringify({ query: REAL_QUERY, variables: { padding: 'x'.repeat(150_000) } });
    const raw = await post(big);
    expect(raw.status).toBe(413);
    expectRejected(raw, 'REQUEST_ENTITY_TOO_LARGE');

    // No Content-Length (chunked): the limit holds while the body streams in.
    const chunked = await request(`${h.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...CALLER },
      body: Readable.from([big.slice(0, 60_000), big.slice(60_000)]),
    });
    expect(chunked.statusCode).toBe(413);
    await chunked.body.dump();
    expect(h.sample.requests).toHaveLength(0);
  });

  it('accepts application/json with a charset and GET with no extra header', async () => {
    const raw = await post(JSON.stringify({ query: REAL_QUERY }), { 'content-type': 'application/json; charset=utf-8' });
    expect(raw.body).toEqual({ data: { auditLogs: { totalCount: 5000 } } });
    const get = await request(`${h.url}/graphql?query=${encodeURIComponent(REAL_QUERY)}`, { headers: { ...CALLER } });
    expect(get.statusCode).toBe(200);
    expect(await get.body.json()).toEqual({ data: { auditLogs: { totalCount: 5000 } } });
  });

  it('answers a cross-site simple GET (cookies, no Authorization) with UNAUTHENTICATED and no upstream call', async () => {
    const response = await request(`${h.url}/graphql?query=${encodeURIComponent(REAL_QUERY)}`, {
      headers: { cookie: 'session=stolen', origin: 'https://evil.example', 'x-tenant': CALLER['x-tenant'] },
    });
    const body = (await response.body.json()) as Raw['body'];
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.data ?? null).toBeNull();
    expect(h.sample.requests).toHaveLength(0);
  });
});

describe('the upstream budget', () => {
  // Armor's alias limit raised, so the budget is what stops these operations.
  const wide = useHarness({ config: { maxAliases: 1000, maxTokens: 100_000 } });

  beforeEach(() => wide.sample.resetRequests());

  it('refuses 100 aliased auditLogs(first: 2000) by items, naming the limit, with zero upstream calls', async () => {
    const response = await wide.graphql(`{ ${aliases(100, 'auditLogs(first: 2000) { totalCount }')} }`);
    expect(response.status).toBe(400); // application/graphql-response+json: rejected before execution
    expect(response.body.data ?? null).toBeNull();
    const [error] = response.body.errors!;
    expect(error!.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      budget: { limit: 'UPSTREAM_BUDGET_ITEMS', planned: 200_000, max: 5000 },
    });
    expect(error!.message).toContain('UPSTREAM_BUDGET_ITEMS');
    expect(wide.sample.requests).toHaveLength(0);
  });

  it('refuses an operation over the call budget', async () => {
    const response = await wide.graphql(`{ ${aliases(101, 'auditLogs(first: 1) { totalCount }')} }`);
    expect(response.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', budget: { limit: 'UPSTREAM_BUDGET_CALLS', planned: 101, max: 100 } });
    expect(wide.sample.requests).toHaveLength(0);
  });

  it('counts identical aliased requests per alias, though they run as one call', async () => {
    const three = aliases(3, 'auditLogs(first: 2000) { totalCount }');
    const over = await wide.graphql(`{ ${three} }`);
    expect(over.body.errors![0]!.extensions).toMatchObject({ budget: { limit: 'UPSTREAM_BUDGET_ITEMS', planned: 6000 } });
    expect(wide.sample.requests).toHaveLength(0);

    // Exactly at the budget (2000 + 2000 + 999 and the one more it reads) runs, and the identical requests share one upstream call.
    const at = await wide.graphql(`{ a: auditLogs(first: 2000) { totalCount } b: auditLogs(first: 2000) { totalCount } c: auditLogs(first: 999) { totalCount } }`);
    expect(at.body.errors).toBeUndefined();
    expect(wide.sample.requests).toHaveLength(2);
  });

  it('reads the page sizes from variables', async () => {
    const response = await wide.graphql('query Q($n: Int) { a: auditLogs(first: $n) { totalCount } b: auditLogs(first: $n) { totalCount } b2: auditLogs(first: $n) { totalCount } }', {
      n: 1700,
    });
    expect(response.body.errors![0]!.extensions).toMatchObject({ budget: { limit: 'UPSTREAM_BUDGET_ITEMS', planned: 3 * 1701 } });
    expect(wide.sample.requests).toHaveLength(0);
  });
});

describe('prototype-shaped names', () => {
  it('aliases and variables named __proto__ or constructor change nothing; the next request still succeeds', async () => {
    const query = `query Q($first: Int) {
      __proto__: auditLogs(first: $first) { totalCount }
      constructor: auditLogs(first: 1) { __proto__: totalCount constructor: totalCount }
      prototype: __typename
    }`;
    const raw = await post(JSON.stringify({ query, variables: { first: 1, __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } } }));
    expect(raw.status).toBe(200);
    const data = raw.body.data as Record<string, unknown>;
    expect(Object.getOwnPropertyDescriptor(data, '__proto__')?.value).toEqual({ totalCount: 5000 });
    // (JSON.parse makes __proto__ an own key, as the response holds it; an object literal would not.)
    expect(Object.getOwnPropertyDescriptor(data, 'constructor')?.value).toEqual(JSON.parse('{"__proto__": 5000, "constructor": 5000}'));
    expect(data.prototype).toBe('Query');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).totalCount).toBeUndefined();

    const next = await postQuery(REAL_QUERY);
    expect(next.body).toEqual({ data: { auditLogs: { totalCount: 5000 } } });
  });
});
