import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config.js';
import { createDocumentCache } from '../../../src/plugins/document-cache.js';
import { CALLER, type Harness } from '../../support/harness.js';
import { subscribe } from '../../support/sse.js';
import { useHarness } from '../../support/use-harness.js';

/**
 * TRUSTED_DOCUMENTS_FAST_PATH changes nothing a client, an operator or a dashboard sees:
 * two real gateways, one with the fast path and one without, each in front of its own
 * sample upstream seeded alike, get the same requests in the same order — documents by
 * id every way, by their text, with good and bad variables, over the budget, over an
 * operation limit, unknown ids, untrusted documents, the live tail over SSE — and
 * answer each with the same status, headers and body, the same operation log lines,
 * the same /metrics counters and the same spans.
 */

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const RECENT_FAILURES = 'query RecentFailures { auditLogs(first: 3, filter: { status: FAILED }) { totalCount nodes { id status } } }';
const PAGE = 'query Page($first: Int!, $after: String) { auditLogs(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id timestamp operation status } } }';
/** 2 × 100 items: over a budget of 150, without variables (its estimate is made at start-up on the fast path). */
const TWO_BIG_PAGES = 'query TwoBigPages { a: auditLogs(first: 100) { totalCount } b: auditLogs(first: 100) { totalCount } }';
/** Over MAX_ALIASES (2): refused per request on both paths. */
const THREE_ALIASES = 'query ThreeAliases { a: auditLogs(first: 1) { totalCount } b: auditLogs(first: 1) { totalCount } c: auditLogs(first: 1) { totalCount } }';
/** Over MAX_TOKENS (150): refused by the parser on both paths. */
const TOO_LONG = `query TooLong { auditLogs(first: 1) { nodes { ${'id '.repeat(150)}} } }`;
const LIVE_TAIL = 'subscription LiveTail { auditLogAdded { cursor node { auditLogId status } } }';
const TWO_OPERATIONS = 'query One { auditLogs(first: 1) { totalCount } } query Two { auditLogs(first: 2) { nodes { id } } }';

const MANIFEST = join(mkdtempSync(join(tmpdir(), 'fast-path-')), 'persisted-query-manifest.json');
writeFileSync(
  MANIFEST,
  JSON.stringify({
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: [RECENT_FAILURES, PAGE, TWO_BIG_PAGES, THREE_ALIASES, TOO_LONG, LIVE_TAIL, TWO_OPERATIONS].map((body) => ({
      id: sha256(body),
      name: /^\w+ (\w+)/.exec(body)![1],
      type: body.startsWith('subscription') ? 'subscription' : 'query',
      body,
    })),
  }),
);

const NOW = new Date(Date.now() - 60_000);
const settings = (trustedDocumentsFastPath: boolean): Partial<Config> => ({
  persistedDocuments: MANIFEST,
  trustedDocumentsOnly: true,
  trustedDocumentsFastPath,
  maxAliases: 2,
  maxTokens: 150,
  budgetItems: 150,
  tailPollMs: 100,
});

/** What one exchange looked like, without what differs from one request to the next anyway. */
interface Seen {
  status: number;
  headers: Record<string, unknown>;
  body: string;
}

const VARYING_HEADERS = new Set(['date']);
/** A cursor pins its walk to the moment of its first request, so no two requests' cursors are alike; their length is. */
const CURSOR = /"(cursor|endCursor|startCursor)":"([^"]*)"/g;

function comparable(status: number, headers: Record<string, string | string[] | undefined>, body: string): Seen {
  return {
    status,
    headers: Object.fromEntries(Object.entries(headers).filter(([name]) => !VARYING_HEADERS.has(name))),
    body: body.replace(CURSOR, (_match, name: string, cursor: string) => `"${name}":"<cursor of ${cursor.length}>"`),
  };
}

interface Exchange {
  method?: 'GET' | 'POST';
  path?: string;
  body?: Record<string, unknown>;
  accept?: string;
}

/** The `n`-th request's correlation id (a UUID, so the gateway keeps it). */
const correlationId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Sends `exchange` as the `n`-th request (its correlation id, which errors carry, says which). */
async function send(h: Harness, n: number, { method = 'POST', path = '/graphql', body, accept = 'application/graphql-response+json' }: Exchange): Promise<Seen> {
  const response = await request(`${h.url}${path}`, {
    method,
    headers: { ...CALLER, accept, 'x-correlation-id': correlationId(n), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return comparable(response.statusCode, response.headers, await response.body.text());
}

const EXCHANGES: Exchange[] = [
  { body: { documentId: sha256(RECENT_FAILURES) } },
  { body: { documentId: sha256(RECENT_FAILURES) }, accept: 'application/json' },
  { method: 'GET', path: `/graphql?documentId=${sha256(RECENT_FAILURES)}` },
  { body: { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(RECENT_FAILURES) } } } },
  { body: { query: RECENT_FAILURES } },
  { body: { query: '{ __typename }', documentId: sha256(RECENT_FAILURES) } },
  { body: { documentId: sha256(PAGE), variables: { first: 2 } } },
  { body: { documentId: sha256(PAGE), variables: { first: 2 }, operationName: 'Page' } },
  // Bad variables: a string for an Int, one missing, a page size the resolver refuses.
  { body: { documentId: sha256(PAGE), variables: { first: 'two' } } },
  { body: { documentId: sha256(PAGE), variables: {} } },
  { body: { documentId: sha256(PAGE), variables: { first: 0 } } },
  { body: { documentId: sha256(PAGE), variables: { first: 2, after: 'not-a-cursor' } }, accept: 'application/json' },
  // Over the budget: with variables (estimated per request), without (estimated once).
  { body: { documentId: sha256(PAGE), variables: { first: 151 } } },
  { body: { documentId: sha256(TWO_BIG_PAGES) } },
  { body: { documentId: sha256(TWO_BIG_PAGES) }, accept: 'application/json' },
  // Over an operation limit: refused exactly as before.
  { body: { documentId: sha256(THREE_ALIASES) } },
  { body: { documentId: sha256(TOO_LONG) } },
  { body: { query: TOO_LONG } },
  // Which operation of a two-operation document.
  { body: { documentId: sha256(TWO_OPERATIONS), operationName: 'Two' } },
  { body: { documentId: sha256(TWO_OPERATIONS), operationName: 'One' } },
  { body: { documentId: sha256(TWO_OPERATIONS) } },
  { body: { documentId: sha256(TWO_OPERATIONS), operationName: 'Three' } },
  { method: 'GET', path: `/graphql?documentId=${sha256(TWO_OPERATIONS)}&operationName=Two` },
  // A subscription asked for as a plain query request.
  { body: { documentId: sha256(LIVE_TAIL) } },
  // Refusals before anything runs.
  { body: { documentId: sha256('query Unknown { __typename }') } },
  { body: { documentId: 42 } },
  { body: { query: '{ auditLogs(first: 1) { totalCount } }' } },
  { body: { query: `${RECENT_FAILURES} ` } },
  { body: { documentId: sha256(RECENT_FAILURES), operationName: 7 } },
];

/** The operation log lines, without what differs between two runs of the same request. */
function operationLines(h: Harness): Array<Record<string, unknown>> {
  return h.logs
    .map((text) => JSON.parse(text) as Record<string, unknown>)
    .filter((entry) => entry.msg === 'graphql operation')
    .map(({ time: _time, durationMs: _duration, traceId: _trace, pid: _pid, hostname: _host, ...rest }) => rest);
}

/** Every counter of /metrics, and every histogram's count (its sums and buckets are times), but the process's own. */
async function counters(h: Harness): Promise<string[]> {
  const text = await (await request(`${h.url}/metrics`)).body.text();
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#') && !/^(process_|nodejs_)/.test(line))
    .filter((line) => /^[a-z_]+(_total|_count)(\{| )/.test(line));
}

/** A tracer that keeps every finished span in memory, as an exporter would receive it. */
function recordingTracer() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { tracer: provider.getTracer('fast-path-test'), exporter };
}

/** What an exported span says, without its ids and times, nor the sample upstream's port (each gateway has its own). */
function spansOf(exporter: InMemorySpanExporter) {
  return exporter.getFinishedSpans().map((span) => ({
    name: span.name,
    kind: span.kind,
    status: span.status,
    attributes: Object.fromEntries(
      Object.entries(span.attributes).map(([key, value]) => [key, typeof value === 'string' ? value.replace(/127\.0\.0\.1:\d+/, '127.0.0.1:<port>') : value]),
    ),
    events: span.events.map((event) => ({ name: event.name, attributes: event.attributes })),
    parented: span.parentSpanContext !== undefined,
  }));
}

describe('TRUSTED_DOCUMENTS_FAST_PATH on and off', () => {
  const caches = { on: createDocumentCache(), off: createDocumentCache() };
  const tracing = { on: recordingTracer(), off: recordingTracer() };
  const common = { sampleNow: NOW, sampleOptions: { seed: 7 } };
  const on = useHarness({ ...common, config: settings(true), documentCache: caches.on, tracer: tracing.on.tracer });
  const off = useHarness({ ...common, config: settings(false), documentCache: caches.off, tracer: tracing.off.tracer });

  it('answer every request alike, log it alike and count it alike', async () => {
    for (const [n, exchange] of EXCHANGES.entries()) {
      const fast = await send(on, n, exchange);
      const generic = await send(off, n, exchange);
      expect(fast, JSON.stringify(exchange)).toEqual(generic);
    }
    // The refusals are there, so that the comparison covers them.
    const codes = operationLines(on).flatMap((line) => line.errorCodes as string[]);
    for (const code of ['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_ONLY']) expect(codes).toContain(code);
    expect(await counters(on)).toEqual(await counters(off));
    expect(spansOf(tracing.on.exporter).length).toBeGreaterThan(EXCHANGES.length);
    expect(spansOf(tracing.on.exporter)).toEqual(spansOf(tracing.off.exporter));

    // The live tail over SSE: refused when untrusted, served by id; one new log each.
    for (const h of [on, off]) {
      const refused = await subscribe(`${h.url}/graphql`, { query: 'subscription { auditLogAdded { cursor } }' }, undefined, { ...CALLER, 'x-correlation-id': correlationId(1000) });
      await refused.finished;
    }
    const streams = await Promise.all([on, off].map((h) => subscribe(`${h.url}/graphql`, { documentId: sha256(LIVE_TAIL) }, undefined, { ...CALLER, 'x-correlation-id': correlationId(1001) })));
    expect(comparable(streams[0]!.status, streams[0]!.headers, '')).toEqual(comparable(streams[1]!.status, streams[1]!.headers, ''));
    const written = { id: '00000000-0000-4000-8000-00000000fa57', timestamp: new Date().toISOString() };
    on.sample.store.insert(written);
    off.sample.store.insert(written);
    const [fastEvents, genericEvents] = await Promise.all(streams.map((stream) => stream.waitForResults(1, 20_000)));
    const events = (results: unknown) => comparable(200, {}, JSON.stringify(results)).body;
    expect(events(fastEvents)).toEqual(events(genericEvents));
    for (const stream of streams) stream.close();
    // The log line of a closed subscription is written once the gateway sees the close.
    await expect.poll(() => operationLines(on).length === operationLines(off).length && operationLines(on).some((line) => line.operationName === 'LiveTail')).toBe(true);

    // How many times the live tail polled depends on the moment each stream opened.
    const lines = (h: Harness) => operationLines(h).map((line) => (line.operationType === 'subscription' ? { ...line, upstreamCalls: 'polls' } : line));
    expect(lines(on)).toEqual(lines(off));
    expect(lines(on).length).toBeGreaterThan(EXCHANGES.length);
    // The operations' counters; the live tail's polls and upstream calls go by the clock.
    const operations = async (h: Harness) => (await counters(h)).filter((line) => line.startsWith('gateway_operation_'));
    expect(await operations(on)).toEqual(await operations(off));

    // Both paths were taken: the manifest's documents came prepared, but for the one over
    // a limit, which went through the document cache like any document.
    for (const text of [RECENT_FAILURES, PAGE, TWO_BIG_PAGES, TWO_OPERATIONS, LIVE_TAIL]) {
      expect(caches.on.has(text)).toBe(false);
      expect(caches.off.has(text)).toBe(true);
    }
    expect(caches.on.has(THREE_ALIASES)).toBe(true);
  });
});
