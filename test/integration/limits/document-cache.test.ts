import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { createDocumentCache, estimateDocumentBytes } from '../../../src/plugins/document-cache.js';
import { CALLER } from '../../support/harness.js';
import { useHarness } from '../../support/use-harness.js';

/**
 * The parsed-document cache: only requests with well-formed credentials fill it,
 * every request may read it, and it holds at most its size in estimated heap bytes,
 * an estimate that covers what the documents really retain.
 */

interface Raw {
  status: number;
  text: string;
  body: { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

async function post(url: string, query: string, headers: Record<string, string>): Promise<Raw> {
  const response = await request(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify({ query }),
  });
  const text = await response.body.text();
  return { status: response.statusCode, text, body: JSON.parse(text) as Raw['body'] };
}

const codes = (raw: Raw) => raw.body.errors?.map((error) => error.extensions?.code);
/** The response text without its correlation ids (each request has its own). */
const withoutIds = (raw: Raw) => raw.text.replace(/"correlationId":"[^"]*"/g, '');
/** A query the sample upstream answers; `n` makes its text distinct. */
const pageQuery = (n: number) => `query Page${n} { auditLogs(first: 1) { totalCount nodes { id } } }`;

/** The headers of requests that must not add to the cache: missing or malformed credentials. */
const WITHOUT_CREDENTIALS: Array<[string, Record<string, string>]> = [
  ['no headers', {}],
  ['no Authorization', { 'x-tenant': CALLER['x-tenant'] }],
  ['a Basic Authorization', { authorization: 'Basic dXNlcjpwYXNz', 'x-tenant': CALLER['x-tenant'] }],
  ['a Bearer without a token', { authorization: 'Bearer ', 'x-tenant': CALLER['x-tenant'] }],
  ['no X-Tenant', { authorization: CALLER.authorization }],
  ['a blank X-Tenant', { authorization: CALLER.authorization, 'x-tenant': '  ' }],
];

describe('who fills the cache', () => {
  const cache = createDocumentCache();
  const h = useHarness({ config: { introspection: true }, documentCache: cache });

  it.each(WITHOUT_CREDENTIALS)('a request with %s is answered and leaves nothing in the cache', async (_name, headers) => {
    const sizeBefore = cache.size;
    const query = pageQuery(Math.floor(Math.random() * 1e9));
    const refused = await post(h.url, query, headers);
    expect(codes(refused)?.[0]).toMatch(/^(UNAUTHENTICATED|BAD_USER_INPUT)$/);
    // A federation gateway's schema query and GraphiQL's introspection run without credentials.
    const sdl = await post(h.url, `{ _service { sdl } } # ${query}`, headers);
    expect(sdl.body.data?._service.sdl).toContain('type AuditLog');
    const introspection = await post(h.url, `{ __schema { queryType { name } } } # ${query}`, headers);
    expect(introspection.body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });

    expect(cache.size).toBe(sizeBefore);
    expect(cache.has(query)).toBe(false);
  });

  it('well-formed credentials, even invented ones, cache the document; the next request reuses it', async () => {
    const query = pageQuery(1);
    const invented = { authorization: 'Bearer x', 'x-tenant': 'y' };
    const first = await post(h.url, query, invented);
    expect(first.body.data?.auditLogs.totalCount).toBeGreaterThan(0);
    const cached = cache.get(query);
    expect(cached).toBeDefined();

    // Anyone reads it (a caller without credentials too): no second parse replaces it.
    const again = await post(h.url, query, invented);
    const anonymous = await post(h.url, query, {});
    expect(again.text).toBe(first.text);
    expect(codes(anonymous)).toEqual(['UNAUTHENTICATED']);
    expect(cache.get(query)).toBe(cached);
  });

  it('keeps no text that fails to parse, and answers it the same way each time', async () => {
    const sizeBefore = cache.size;
    const broken = '{ auditLogs(first: 1) { totalCount }';
    const first = await post(h.url, broken, CALLER);
    const second = await post(h.url, broken, CALLER);
    expect(first.status).toBe(400);
    expect(codes(first)).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(withoutIds(second)).toBe(withoutIds(first));
    expect(cache.size).toBe(sizeBefore);
  });

  it('answers an invalid document from its kept validation result exactly as the first time', async () => {
    const invalid = '{ auditLogs(first: 1) { totalCount nope } }';
    const first = await post(h.url, invalid, CALLER);
    const second = await post(h.url, invalid, CALLER);
    expect(codes(first)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(cache.has(invalid)).toBe(true);
    expect(second.status).toBe(first.status);
    expect(withoutIds(second)).toBe(withoutIds(first));
  });
});

describe('the bound', () => {
  // Room for three of the page queries, not four.
  const one = estimateDocumentBytes(pageQuery(0), parse(pageQuery(0)));
  const cache = createDocumentCache(3.5 * one);
  const h = useHarness({ documentCache: cache });

  it('drops the least recently used document past its size in bytes', async () => {
    for (const n of [0, 1, 2]) await post(h.url, pageQuery(n), CALLER);
    expect(cache.size).toBe(3);
    await post(h.url, pageQuery(0), CALLER); // used again: now the most recent
    await post(h.url, pageQuery(3), CALLER);

    expect([0, 1, 2, 3].map((n) => cache.has(pageQuery(n)))).toEqual([true, false, true, true]);
    expect(cache.bytes).toBeLessThanOrEqual(cache.maxBytes);
  });

  it('lets a dropped document be collected, with its validation result and compiled query', async () => {
    const query = pageQuery(100);
    const answered = await post(h.url, query, CALLER);
    expect(answered.body.data?.auditLogs.totalCount).toBeGreaterThan(0);
    const dropped = new WeakRef(cache.get(query)!);
    for (let n = 101; n < 105; n++) await post(h.url, pageQuery(n), CALLER);
    expect(cache.has(query)).toBe(false);

    await expect.poll(() => (collectGarbage(), dropped.deref()), { timeout: 10_000, interval: 50 }).toBeUndefined();
  });
});

describe('the estimate', () => {
  // Large enough to keep every document measured below.
  const cache = createDocumentCache(1024 * 1024 * 1024);
  const h = useHarness({ documentCache: cache });

  const fields = 'id auditLogId timestamp operation status resellerName customerName userName details correlationId customerId resellerId raw';
  const shapes: Array<[string, (n: number) => string, number]> = [
    // About 2000 tokens in 6 KB, the shape of a flood.
    ['one field repeated', (n) => `query Flood${n} { auditLogs(first: 1) { nodes { ${'id '.repeat(1985)}} } }`, 12],
    ['a page query', (n) => `query Walk${n} { auditLogs(first: 3) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${fields} } } } }`, 150],
    // The most per token: a compiled query spreading fragments under every alias.
    [
      'fragments under every alias',
      (n) =>
        `query Wide${n} { ${Array.from({ length: 15 }, (_, i) => `a${i}: auditLogs(first: 1) { ...P }`).join(' ')} auditLogs(first: 1) { ...P } } ` +
        `fragment P on AuditLogConnection { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { ...L } } nodes { ...L } } ` +
        `fragment L on AuditLog { ${fields} }`,
      40,
    ],
  ];

  /** The heap after a full collection, without what the harness records of each request. */
  function retainedHeap(): number {
    h.sample.resetRequests();
    h.logs.length = 0;
    collectGarbage();
    collectGarbage();
    return process.memoryUsage().heapUsed;
  }

  it.each(shapes)('covers what %s really retains', async (_name, make, count) => {
    await post(h.url, make(count), CALLER); // code paths and upstream connections warmed up
    const [sizeBefore, bytesBefore] = [cache.size, cache.bytes];
    const heapBefore = retainedHeap();
    for (let n = 0; n < count; n++) await post(h.url, make(n), CALLER);
    const retained = retainedHeap() - heapBefore;
    const estimated = cache.bytes - bytesBefore;

    expect(cache.size - sizeBefore).toBe(count);
    expect(retained).toBeLessThanOrEqual(estimated);
    // The documents are really held: the measurement is not just noise.
    expect(retained).toBeGreaterThan(estimated / 10);
  });
});

/** A full collection, through the `gc` the V8 flag exposes to new contexts. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
