import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, GatewayError } from '../../../src/errors.js';
import { NEVER_DECIDES } from '../../support/harness.js';
import { upstreamClient } from '../../support/upstream-client.js';
import type { UpstreamClient } from '../../../src/upstream/types.js';
import { useHarness } from '../../support/use-harness.js';

/**
 * Fuzz: random arguments, cursors and filter values against the server, and random
 * upstream bodies against the client and its decoder. Never an unhandled exception,
 * always a known code, never INTERNAL_SERVER_ERROR.
 */

/** Codes a request may fail with before execution (yoga's) or while executing (ERROR_CODES). */
const KNOWN_CODES = new Set<string>([
  ...ERROR_CODES.filter((code) => code !== 'INTERNAL_SERVER_ERROR'),
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST',
]);

describe('random arguments, cursors and filters against the server', () => {
  const h = useHarness();
  let cursors: string[];

  beforeAll(async () => {
    const page = await h.graphql<any, unknown>('{ auditLogs(first: 3) { edges { cursor } } }');
    cursors = page.body.data.auditLogs.edges.map((edge: { cursor: string }) => edge.cursor);
  });

  const mutate = (cursor: string, at: number, char: string) => cursor.slice(0, at % cursor.length) + char + cursor.slice((at % cursor.length) + 1);
  const cursor = () =>
    fc.oneof(
      fc.constant(null),
      fc.constant(''),
      fc.string(),
      fc.base64String(),
      fc.constantFrom(...cursors),
      fc.tuple(fc.constantFrom(...cursors), fc.nat(), fc.string({ minLength: 1, maxLength: 1 })).map(([c, at, char]) => mutate(c, at, char)),
    );
  const size = () => fc.oneof(fc.constant(null), fc.integer({ min: -5, max: 2005 }), fc.integer(), fc.double(), fc.string({ maxLength: 4 }));
  const date = () => fc.oneof(fc.constant(null), fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string(), fc.integer());
  const filter = () =>
    fc.oneof(
      fc.constant(null),
      fc.record(
        {
          startDate: date(),
          endDate: date(),
          operations: fc.oneof(fc.constant(null), fc.array(fc.string({ maxLength: 12 }), { maxLength: 4 }), fc.string()),
          status: fc.oneof(fc.constant(null), fc.constantFrom('PROCESSING', 'SUCCEEDED', 'FAILED', 'Succeded', '')),
          reseller: fc.oneof(fc.constant(null), fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 8 })),
          customer: fc.oneof(fc.constant(null), fc.string({ maxLength: 20 })),
          resellerId: fc.oneof(fc.constant(null), fc.uuid(), fc.string({ maxLength: 40 })),
        },
        { requiredKeys: [] },
      ),
    );

  it('answers every combination with data or errors of known codes', async () => {
    const query = `query Fuzz($filter: AuditLogFilter, $first: Int, $after: String, $last: Int, $before: String) {
      auditLogs(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
        totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { id timestamp status }
      }
    }`;
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({ filter: filter(), first: size(), after: cursor(), last: size(), before: cursor() }, { requiredKeys: [] }),
        async (variables) => {
          const response = await h.graphql(query, variables);
          answered++;
          expect([200, 400]).toContain(response.status);
          const { data, errors } = response.body;
          expect(data !== undefined || errors !== undefined).toBe(true);
          for (const error of errors ?? []) {
            expect(KNOWN_CODES.has(String(error.extensions?.code)), JSON.stringify(error)).toBe(true);
          }
        },
      ),
      { numRuns: 150 },
    );
    expect(answered).toBe(150);
    // And the server is still fine.
    expect((await h.graphql('{ auditLogs(first: 1) { totalCount } }')).body.errors).toBeUndefined();
  });
});

describe('random upstream bodies against the client', () => {
  let server: Server;
  let client: UpstreamClient;
  let next: { status: number; headers: Record<string, string>; body: Buffer } = { status: 200, headers: {}, body: Buffer.from('{}') };

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(next.status, { ...next.headers, 'content-length': next.body.length });
      res.end(next.body);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    client = upstreamClient(
      { upstreamTimeoutMs: 2000, upstreamRetries: 0, breakerMinimumCalls: NEVER_DECIDES, upstreamMaxResponseBytes: 64 * 1024 },
      { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
    );
  });

  afterAll(async () => {
    await client.close();
    server.closeAllConnections();
    server.close();
  });

  const item = fc.record(
    {
      id: fc.oneof(fc.uuid(), fc.string(), fc.integer(), fc.constant(null)),
      Id: fc.oneof(fc.uuid(), fc.integer()),
      timestamp: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string(), fc.integer(), fc.constant(null)),
      Timestamp: fc.string(),
      status: fc.oneof(fc.constantFrom('Processing', 'Succeded', 'Succeeded', 'Failed'), fc.jsonValue()),
      operation: fc.jsonValue(),
      details: fc.oneof(fc.string(), fc.jsonValue()),
      resellerId: fc.oneof(fc.uuid(), fc.jsonValue()),
    },
    { requiredKeys: [] },
  );
  const page = fc.record(
    {
      items: fc.oneof(fc.array(item, { maxLength: 5 }), fc.constant(null), fc.jsonValue()),
      Items: fc.array(item, { maxLength: 3 }),
      paginationParameters: fc.oneof(fc.record({ totalCount: fc.oneof(fc.integer(), fc.jsonValue()) }, { requiredKeys: [] }), fc.jsonValue()),
      totalCount: fc.oneof(fc.integer(), fc.jsonValue()),
    },
    { requiredKeys: [] },
  );
  const body = fc.oneof(
    page.map((value) => Buffer.from(JSON.stringify(value))),
    fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
    fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
    page.map((value) => Buffer.from(JSON.stringify(value).slice(0, -3))),
    fc.constant(Buffer.alloc(70 * 1024, 'x')),
  );
  const status = fc.constantFrom(200, 200, 200, 204, 301, 400, 401, 403, 404, 418, 429, 500, 502, 503, 504);
  const headers = fc.record({ 'retry-after': fc.oneof(fc.string({ maxLength: 30 }), fc.nat().map(String), fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toUTCString()))) }, { requiredKeys: [] });

  it('resolves with a page or rejects with a GatewayError of a known code, whatever the upstream sends', async () => {
    const now = Date.now();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(status, headers, body, async (statusCode, responseHeaders, responseBody) => {
        // A 429 with Retry-After holds its caller's next calls: each run is a caller of its own.
        run += 1;
        next = { status: statusCode, headers: responseHeaders, body: statusCode === 204 || statusCode === 301 ? Buffer.alloc(0) : responseBody };
        try {
          const result = await client.listAuditLogs({
            query: { startDate: new Date(now - 86_400_000).toISOString(), endDate: new Date(now).toISOString() },
            window: { pageNumber: 1, pageSize: 5 },
            headers: { authorization: 'Bearer fuzz', tenant: `fuzz-${run}.example`, correlationId: '2d1f7a52-8d3c-4a8f-9a57-1b2f3c4d5e6f' },
          });
          expect(statusCode).toBe(200);
          expect(Array.isArray(result.items)).toBe(true);
          expect(Number.isSafeInteger(result.totalCount)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(GatewayError);
          const code = (error as GatewayError).code;
          expect(KNOWN_CODES.has(code), code).toBe(true);
          if (statusCode === 200) expect(code).toBe('UPSTREAM_BAD_RESPONSE');
          if (code === 'RATE_LIMITED' && (error as GatewayError).extensions.retryAfterSeconds !== undefined) {
            expect(Number.isSafeInteger((error as GatewayError).extensions.retryAfterSeconds)).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
