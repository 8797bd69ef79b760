import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useHarness } from '../../support/use-harness.js';

/**
 * Isolation: two tenants with different tokens send the very same operations,
 * interleaved, 50 at a time. An upstream that writes each caller's identity into
 * the items it returns shows whether anything computed for one caller (loaders,
 * caches, in-flight requests) ever reached the other.
 */

interface Caller {
  authorization: string;
  'x-tenant': string;
}
const ALPHA: Caller = { authorization: 'Bearer alpha-isolation', 'x-tenant': 'alpha.example' };
const BETA: Caller = { authorization: 'Bearer beta-isolation', 'x-tenant': 'beta.example' };
const OPERATIONS_PER_CALLER = 300;
const CONCURRENCY = 50;
const TOTAL = 500;

interface Received {
  authorization?: string;
  tenant?: string;
  correlationId?: string;
}

/** Items that name who asked: userName = X-Tenant, details = Authorization, correlationId = the request's. */
function identityEcho(received: Received[]) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://upstream');
    const tenant = String(req.headers['x-tenant']);
    const authorization = String(req.headers.authorization);
    const correlationId = String(req.headers['x-correlation-id']);
    received.push({ authorization, tenant, correlationId });
    const pageNumber = Number(url.searchParams.get('PageNumber') ?? 1);
    const pageSize = Number(url.searchParams.get('PageSize') ?? 25);
    const end = Date.parse(url.searchParams.get('EndDate') ?? new Date().toISOString());
    const first = (pageNumber - 1) * pageSize;
    const items = [];
    for (let i = first; i < Math.min(first + pageSize, TOTAL); i++) {
      items.push({
        id: `${tenant}-${i}`,
        timestamp: new Date(end - i * 1000).toISOString(),
        operation: 'CreateOrder',
        status: 'Succeded',
        userName: tenant,
        details: authorization,
        correlationId,
      });
    }
    const body = JSON.stringify({ items, paginationParameters: { totalCount: TOTAL } });
    // A little jitter, so requests of both callers are in flight together.
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    }, Math.floor(Math.random() * 15));
  };
}

const OPERATIONS = [
  '{ auditLogs(first: 5) { nodes { auditLogId userName details correlationId } } }',
  '{ a: auditLogs(first: 5) { nodes { userName details correlationId } } b: auditLogs(first: 5) { nodes { userName details correlationId } } }',
  '{ auditLogs(last: 3) { nodes { userName details correlationId } } }',
  '{ auditLogs(first: 7, filter: { operations: ["CreateOrder"] }) { nodes { userName details correlationId } } }',
];

let upstream: Server;
const received: Received[] = [];

beforeAll(async () => {
  upstream = createServer(identityEcho(received));
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
});

afterAll(async () => {
  upstream.closeAllConnections();
  upstream.close();
});

const h = useHarness(() => ({ upstreamUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` }));

describe('isolation between callers', () => {
  it('never serves one caller anything computed for another, at high concurrency', async () => {
    const jobs: Caller[] = [];
    for (let i = 0; i < OPERATIONS_PER_CALLER; i++) jobs.push(ALPHA, BETA);
    const callerOfCorrelationId = new Map<string, Caller>();
    let responses = 0;
    let foreign = 0;

    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < jobs.length; i = next++) {
        const caller = jobs[i]!;
        const response = await h.graphql<Record<string, { nodes: Array<Record<string, string>> }>, unknown>(
          OPERATIONS[Math.floor(i / 2) % OPERATIONS.length]!,
          undefined,
          { ...caller },
        );
        responses++;
        expect(response.body.errors).toBeUndefined();
        const correlationId = String(response.headers['x-correlation-id']);
        callerOfCorrelationId.set(correlationId, caller);
        for (const connection of Object.values(response.body.data!)) {
          for (const node of connection.nodes) {
            if (node.userName !== caller['x-tenant'] || node.details !== caller.authorization || node.correlationId !== correlationId) foreign++;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    expect(responses).toBe(2 * OPERATIONS_PER_CALLER);
    expect(foreign).toBe(0);
    // Each upstream request was made for exactly one caller's operation, with that caller's credentials.
    expect(received.length).toBeGreaterThanOrEqual(2 * OPERATIONS_PER_CALLER);
    for (const request of received) {
      const caller = callerOfCorrelationId.get(request.correlationId!);
      expect(caller).toBeDefined();
      expect(request.authorization).toBe(caller!.authorization);
      expect(request.tenant).toBe(caller!['x-tenant']);
    }
  });
});
