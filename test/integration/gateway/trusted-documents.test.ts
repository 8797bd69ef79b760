import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CALLER, type Harness } from '../../support/harness.js';
import { subscribe, type SseSubscription } from '../../support/sse.js';
import { useHarness } from '../../support/use-harness.js';

/**
 * Trusted documents (PERSISTED_DOCUMENTS, TRUSTED_DOCUMENTS_ONLY) on the real gateway in
 * front of the real sample upstream: documents named by id in every way clients send
 * one, refusals before any upstream call, the live tail over SSE and WebSocket, and the
 * manifest's names in the log and /metrics. Each gateway with a manifest runs with the
 * fast path for its documents (TRUSTED_DOCUMENTS_FAST_PATH) and without it: the same
 * expectations hold both ways.
 */

const RECENT_FAILURES = 'query RecentFailures { auditLogs(first: 3, filter: { status: FAILED }) { totalCount nodes { id status } } }';
const LIVE_TAIL = 'subscription LiveTail { auditLogAdded { cursor node { auditLogId } } }';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** An Apollo persisted query manifest, as generate-persisted-query-manifest writes it (ids are the SHA-256 of the body). */
const MANIFEST = join(mkdtempSync(join(tmpdir(), 'trusted-documents-')), 'persisted-query-manifest.json');
writeFileSync(
  MANIFEST,
  JSON.stringify({
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: [
      { id: sha256(RECENT_FAILURES), name: 'RecentFailures', type: 'query', body: RECENT_FAILURES },
      { id: sha256(LIVE_TAIL), name: 'LiveTail', type: 'subscription', body: LIVE_TAIL },
    ],
  }),
);
const FAST_PATH = [true, false];
const ACCEPT_GRAPHQL_RESPONSE = 'application/graphql-response+json';
const UNTRUSTED = '{ auditLogs(first: 1) { totalCount } }';

async function post(h: Harness, body: Record<string, unknown>, accept = ACCEPT_GRAPHQL_RESPONSE) {
  const response = await request(`${h.url}/graphql`, {
    method: 'POST',
    headers: { ...CALLER, 'content-type': 'application/json', accept },
    body: JSON.stringify(body),
  });
  return { status: response.statusCode, body: (await response.body.json()) as { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } };
}

const codes = (body: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => (body.errors ?? []).map((error) => error.extensions?.code);

/** Runs `act` and returns what it returned with the upstream calls it caused. */
async function counting<T>(h: Harness, act: () => Promise<T>): Promise<{ result: T; upstreamCalls: number }> {
  const before = h.sample.requests.length;
  const result = await act();
  return { result, upstreamCalls: h.sample.requests.length - before };
}

describe.each(FAST_PATH)('TRUSTED_DOCUMENTS_ONLY=true with an Apollo persisted query manifest (TRUSTED_DOCUMENTS_FAST_PATH=%s)', (trustedDocumentsFastPath) => {
  const h = useHarness({ config: { persistedDocuments: MANIFEST, trustedDocumentsOnly: true, trustedDocumentsFastPath, tailPollMs: 250 } });
  const open: Array<{ close(): void }> = [];
  afterEach(() => {
    for (const stream of open.splice(0)) stream.close();
  });

  it('runs a document named by documentId in the body, by documentId in a GET query string, and by extensions.persistedQuery', async () => {
    const byBody = await counting(h, () => post(h, { documentId: sha256(RECENT_FAILURES) }));
    expect(byBody.result.status).toBe(200);
    expect(byBody.result.body.errors).toBeUndefined();
    expect(byBody.result.body.data.auditLogs.nodes.map((node: { status: string }) => node.status)).toEqual(['FAILED', 'FAILED', 'FAILED']);
    expect(byBody.upstreamCalls).toBe(1);

    const get = await request(`${h.url}/graphql?documentId=${sha256(RECENT_FAILURES)}`, { headers: { ...CALLER, accept: ACCEPT_GRAPHQL_RESPONSE } });
    expect(get.statusCode).toBe(200);
    expect(((await get.body.json()) as { data: unknown }).data).toEqual(byBody.result.body.data);

    const apollo = await post(h, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(RECENT_FAILURES) } } });
    expect(apollo.body).toEqual(byBody.result.body);
  });

  it('runs the manifest document an id names, whatever query text comes with it', async () => {
    const withText = await post(h, {
      query: '{ __typename }',
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256(RECENT_FAILURES) } },
    });
    expect(withText.body.errors).toBeUndefined();
    expect(withText.body.data.auditLogs.totalCount).toBeGreaterThan(0);
  });

  it('trusts a document sent in full when its text is a manifest document', async () => {
    const { result, upstreamCalls } = await counting(h, () => h.graphql(RECENT_FAILURES));
    expect(result.body.errors).toBeUndefined();
    expect(upstreamCalls).toBe(1);
  });

  it('refuses a document outside the manifest with one PERSISTED_QUERY_ONLY error and no upstream call', async () => {
    for (const text of [UNTRUSTED, RECENT_FAILURES.replace('first: 3', 'first: 4'), `${RECENT_FAILURES} `, '{ __typename }']) {
      const { result, upstreamCalls } = await counting(h, () => h.graphql(text));
      expect(result.status).toBe(400);
      expect(codes(result.body)).toEqual(['PERSISTED_QUERY_ONLY']);
      expect(result.body.data).toBeUndefined();
      expect(upstreamCalls).toBe(0);
    }
    // A client asking for plain JSON gets the same single error with 200, as for other refusals before execution.
    const json = await post(h, { query: UNTRUSTED }, 'application/json');
    expect(json.status).toBe(200);
    expect(codes(json.body)).toEqual(['PERSISTED_QUERY_ONLY']);
  });

  it('answers an unknown id with one PERSISTED_QUERY_NOT_FOUND error and no upstream call, with or without the query text', async () => {
    for (const body of [
      { documentId: sha256('query Unknown { __typename }') },
      { documentId: sha256(UNTRUSTED), query: UNTRUSTED },
      { extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } },
      { documentId: 42 },
    ]) {
      const { result, upstreamCalls } = await counting(h, () => post(h, body));
      expect(result.status).toBe(400);
      expect(codes(result.body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      expect(upstreamCalls).toBe(0);
    }
  });

  it('leaves introspection to INTROSPECTION (on here) and still serves GraphiQL', async () => {
    const introspection = await h.graphql('query IntrospectionQuery { __schema { queryType { name } } __type(name: "AuditLog") { name } }');
    expect(introspection.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } }, __type: { name: 'AuditLog' } } });
    // A document that mixes introspection with data is not introspection.
    const mixed = await h.graphql('{ __schema { queryType { name } } auditLogs(first: 1) { totalCount } }');
    expect(codes(mixed.body)).toEqual(['PERSISTED_QUERY_ONLY']);
    const page = await request(`${h.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(await page.body.text()).toContain('<html');
  });

  it('labels operations of the manifest with its names in the log and in /metrics', async () => {
    await post(h, { documentId: sha256(RECENT_FAILURES) });
    const line = h.logs.map((text) => JSON.parse(text) as Record<string, unknown>).findLast((entry) => entry.msg === 'graphql operation');
    expect(line).toMatchObject({ operationName: 'RecentFailures', outcome: 'success' });
    const metrics = await (await request(`${h.url}/metrics`)).body.text();
    // Neither shipped nor in METRICS_OPERATION_NAMES: labelled by name only because the manifest names it.
    expect(metrics).toMatch(/gateway_operation_duration_seconds_count\{operation="RecentFailures",outcome="success"\} [1-9]/);
  });

  async function tailOverSse(document: Record<string, unknown>): Promise<SseSubscription> {
    const stream = await subscribe(`${h.url}/graphql`, document, undefined, { ...CALLER, authorization: `Bearer sse-${Math.random()}` });
    open.push(stream);
    return stream;
  }

  it('runs the live tail named by documentId over SSE, and refuses an untrusted subscription before it polls', async () => {
    const stream = await tailOverSse({ documentId: sha256(LIVE_TAIL) });
    expect(stream.status).toBe(200);
    const written = await writeUntil(h, () => stream.results.length > 0);
    const [first] = await stream.waitForResults(1);
    expect(first!.errors).toBeUndefined();
    expect(written).toContain(first!.data!.auditLogAdded.node.auditLogId);

    const { result: refused, upstreamCalls } = await counting(h, async () => {
      const untrusted = await tailOverSse({ query: 'subscription { auditLogAdded { cursor } }' });
      await untrusted.finished;
      return untrusted;
    });
    expect(refused.results.flatMap((result) => codes(result))).toEqual(['PERSISTED_QUERY_ONLY']);
    expect(upstreamCalls).toBe(0);
  });

  /** A graphql-ws client of its own caller; what each subscription received, and its end. */
  function webSocketCaller(authorization: string) {
    const sockets = createWsClient({
      url: `${h.url.replace(/^http/, 'ws')}/graphql`,
      connectionParams: { Authorization: authorization, 'X-Tenant': CALLER['x-tenant'] },
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    open.push({ close: () => void sockets.dispose() });
    return (payload: Record<string, unknown>) => {
      const seen: { data: unknown[]; codes: unknown[]; ended: Promise<void> } = { data: [], codes: [], ended: undefined as never };
      seen.ended = new Promise<void>((resolve) => {
        const stop = sockets.subscribe(payload as never, {
          next: (result) => {
            if (result.data) seen.data.push(result.data);
            seen.codes.push(...codes(result as never));
          },
          error: (error) => {
            seen.codes.push(...codes({ errors: Array.isArray(error) ? error : [] }));
            resolve();
          },
          complete: () => resolve(),
        });
        open.push({ close: stop });
      });
      return seen;
    };
  }

  it('runs the live tail named by id over WebSocket (an empty query beside documentId, or extensions.persistedQuery), and refuses others', async () => {
    const subscribeWs = webSocketCaller('Bearer ws-tail');
    const byDocumentId = subscribeWs({ query: '', documentId: sha256(LIVE_TAIL) });
    const byHash = subscribeWs({ query: '', extensions: { persistedQuery: { version: 1, sha256Hash: sha256(LIVE_TAIL) } } });
    await writeUntil(h, () => byDocumentId.data.length > 0 && byHash.data.length > 0);
    expect(byDocumentId.codes).toEqual([]);
    expect(byHash.codes).toEqual([]);

    const refusedCaller = webSocketCaller('Bearer ws-refused');
    const untrusted = refusedCaller({ query: 'subscription { auditLogAdded { cursor } }' });
    const unknown = refusedCaller({ query: '', documentId: 'sha256:unknown' });
    await Promise.all([untrusted.ended, unknown.ended]);
    expect(untrusted.codes).toEqual(['PERSISTED_QUERY_ONLY']);
    expect(unknown.codes).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(h.sample.requests.filter((r) => r.headers.authorization === 'Bearer ws-refused')).toEqual([]);
  });

  it("runs a manifest text over graphql-sse's single connection, and refuses an untrusted one there too with PERSISTED_QUERY_ONLY, on the stream as over HTTP", async () => {
    const client = createSseClient({ url: `${h.url}/graphql`, singleConnection: true, headers: { ...CALLER, authorization: 'Bearer single-sse' }, retryAttempts: 0 });
    open.push({ close: () => client.dispose() });
    const run = (query: string) => {
      const seen: { data: unknown[]; codes: unknown[]; ended: Promise<void> } = { data: [], codes: [], ended: undefined as never };
      seen.ended = new Promise<void>((resolve) => {
        const stop = client.subscribe({ query }, {
          next: (result) => {
            if (result.data) seen.data.push(result.data);
            seen.codes.push(...codes(result as never));
          },
          error: (error) => {
            // graphql-sse's client reports an operation the server refused outright by its HTTP status.
            seen.codes.push(`HTTP_${(error as { response?: { status?: number } }).response?.status}`);
            resolve();
          },
          complete: () => resolve(),
        });
        open.push({ close: stop });
      });
      return seen;
    };
    const trusted = run(LIVE_TAIL);
    await writeUntil(h, () => trusted.data.length > 0);
    expect(trusted.codes).toEqual([]);

    const { result: untrusted, upstreamCalls } = await counting(h, async () => {
      const seen = run(UNTRUSTED);
      await seen.ended;
      return seen;
    });
    expect(untrusted.codes).toEqual(['PERSISTED_QUERY_ONLY']);
    expect(untrusted.data).toEqual([]);
    expect(upstreamCalls).toBe(0);
  });
});

describe.each(FAST_PATH)('PERSISTED_DOCUMENTS without TRUSTED_DOCUMENTS_ONLY (TRUSTED_DOCUMENTS_FAST_PATH=%s)', (trustedDocumentsFastPath) => {
  const h = useHarness({ config: { persistedDocuments: MANIFEST, trustedDocumentsFastPath } });

  it('runs documents by id and any other document as before; an unknown id is still PERSISTED_QUERY_NOT_FOUND', async () => {
    const byId = await post(h, { documentId: sha256(RECENT_FAILURES) });
    expect(byId.body.errors).toBeUndefined();
    const other = await h.graphql(UNTRUSTED);
    expect(other.body.errors).toBeUndefined();
    expect(other.body.data).toMatchObject({ auditLogs: { totalCount: expect.any(Number) } });
    const { result, upstreamCalls } = await counting(h, () => post(h, { documentId: 'sha256:unknown' }));
    expect(codes(result.body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(upstreamCalls).toBe(0);
  });
});

describe.each(FAST_PATH)('TRUSTED_DOCUMENTS_ONLY=true with INTROSPECTION=false (TRUSTED_DOCUMENTS_FAST_PATH=%s)', (trustedDocumentsFastPath) => {
  const h = useHarness({ config: { persistedDocuments: MANIFEST, trustedDocumentsOnly: true, trustedDocumentsFastPath, introspection: false } });

  it('refuses introspection as before, and still runs the manifest', async () => {
    const introspection = await h.graphql('{ __schema { queryType { name } } }');
    expect(codes(introspection.body).length).toBeGreaterThan(0);
    expect(new Set(codes(introspection.body))).toEqual(new Set(['GRAPHQL_VALIDATION_FAILED']));
    expect((await post(h, { documentId: sha256(RECENT_FAILURES) })).body.errors).toBeUndefined();
  });
});

describe('without PERSISTED_DOCUMENTS', () => {
  const h = useHarness();

  it('reads no ids: a request with an id and no query is a BAD_REQUEST, as before', async () => {
    for (const body of [{ documentId: sha256(RECENT_FAILURES) }, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(RECENT_FAILURES) } } }]) {
      const { result, upstreamCalls } = await counting(h, () => post(h, body));
      expect(result.status).toBe(400);
      expect(codes(result.body)).toEqual(['BAD_REQUEST']);
      expect(upstreamCalls).toBe(0);
    }
  });
});

/** Writes a log to the sample upstream every poll or so until `done` holds; returns the ids written. */
async function writeUntil(h: Harness, done: () => boolean, timeoutMs = 20_000): Promise<string[]> {
  const written: string[] = [];
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for the tail to deliver`);
    written.push(h.sample.store.insert({ timestamp: new Date().toISOString() }).id);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return written;
}
