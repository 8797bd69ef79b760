import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, expect } from 'vitest';
import { GatewayError } from '../../../src/errors.js';
import type { UpstreamClientDependencies, UpstreamClientSettings } from '../../../src/upstream/client.js';
import { upstreamClient } from '../../support/upstream-client.js';
import type { UpstreamClient } from '../../../src/upstream/types.js';
import { UPSTREAM_ITEM } from '../../support/upstream-item.js';
import { useStarted } from '../../support/use-started.js';

/** One request as the fake upstream received it. */
export interface ReceivedRequest {
  method: string;
  url: string;
  /** Header names (lower-cased) and values, in the order they arrived. */
  headers: [string, string][];
  /** Which TCP connection carried it (1, 2, … in order of connection). */
  socketId: number;
}

export interface FakeUpstream {
  /** `http://127.0.0.1:<port>`; a scenario is chosen by the base path, e.g. `${url}/status/429`. */
  url: string;
  requests: ReceivedRequest[];
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

export const ITEM = UPSTREAM_ITEM;

export const PAGE = {
  items: [ITEM],
  paginationParameters: { totalPages: 42, totalCount: 42, hasPreviousPage: false, hasNextPage: true },
  continuationToken: null,
};

export const ERROR_400 = {
  statusCode: 400,
  type: 'ValidationError',
  description: 'One or more validation errors occurred.',
  correlationId: null,
  errors: [{ field: 'PageSize', message: 'The field PageSize must be between 1 and 2000.' }],
};

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * A stand-in upstream on a loopback port 0. The first path segment picks the
 * behaviour, so one server serves every scenario:
 *
 * - `/echo`: 200 with PAGE (and records every request)
 * - `/pascal`: 200 with a PascalCase page
 * - `/status/<code>`: that status, with the body the upstream documents for it
 * - `/hang`: never answers
 * - `/slow-body`: sends headers and half a body, then nothing
 * - `/destroy`: destroys the socket without answering
 * - `/not-json`: 200 with an HTML body
 * - `/bad-shape`: 200 JSON whose item has no timestamp
 * - `/unknown-status`: 200 with items of unknown statuses
 * - `/big-error`: 500 with a 1 MiB body
 * - `/big-page`: 200 with 2000 items
 */
export async function startFakeUpstream(): Promise<FakeUpstream> {
  const requests: ReceivedRequest[] = [];
  const socketIds = new WeakMap<Socket, number>();
  let connections = 0;

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const headers: [string, string][] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      headers.push([req.rawHeaders[i]!.toLowerCase(), req.rawHeaders[i + 1]!]);
    }
    requests.push({ method: req.method ?? '', url, headers, socketId: socketIds.get(req.socket) ?? -1 });
    const [, scenario = '', arg = ''] = url.split('?')[0]!.split('/');

    switch (scenario) {
      case 'echo':
        return json(res, 200, PAGE);
      case 'pascal':
        return json(res, 200, {
          Items: [{ Id: 7, Timestamp: '2026-11-20T10:15:30', Status: 'failed', Operation: 'DeleteUser' }],
          PaginationParameters: { TotalCount: 1 },
        });
      case 'status':
        return statusScenario(res, Number(arg));
      case 'hang':
        return;
      case 'slow-body':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"items":[');
        return;
      case 'destroy':
        req.socket.destroy();
        return;
      case 'not-json':
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><body>Maintenance</body></html>');
        return;
      case 'bad-shape':
        return json(res, 200, { items: [{ id: 'x', details: 'no timestamp' }], totalCount: 1 });
      case 'unknown-status':
        return json(res, 200, {
          items: [
            { ...ITEM, status: 'Cancelled' },
            { ...ITEM, status: 'Cancelled' },
            { ...ITEM, status: 7 },
            ITEM,
          ],
          paginationParameters: { totalCount: 4 },
        });
      case 'big-error':
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ description: 'x'.repeat(1024 * 1024) }));
        return;
      case 'big-page':
        return json(res, 200, {
          items: Array.from({ length: 2000 }, (_, i) => ({ ...ITEM, id: `id-${i}` })),
          paginationParameters: { totalCount: 100_000 },
        });
      default:
        res.writeHead(404);
        res.end();
    }
  });
  server.on('connection', (socket: Socket) => {
    connections++;
    socketIds.set(socket, connections);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function statusScenario(res: ServerResponse, status: number): void {
  switch (status) {
    case 400:
      return json(res, 400, ERROR_400);
    case 401:
    case 403:
      res.writeHead(status, { 'content-length': '0' });
      res.end();
      return;
    case 429:
      return json(res, 429, { statusCode: 429, type: 'TooManyRequests', description: 'Slow down.' }, { 'retry-after': '17' });
    case 502:
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad Gateway</html>');
      return;
    case 503:
      res.writeHead(503);
      res.end();
      return;
    default:
      return json(res, status, { statusCode: status, type: 'ServerError', description: 'Something failed.', errors: null });
  }
}

/** A loopback port nothing listens on (it was bound, then released). */
/** One fake upstream for the enclosing `describe` (or file), closed after its last test. */
export function useFakeUpstream(): FakeUpstream {
  return useStarted('upstream', startFakeUpstream, (upstream) => upstream.close());
}

/**
 * Creates upstream clients for the enclosing `describe` (or file) and closes them all
 * after its last test. Call it after `useFakeUpstream()`, so they close before it does.
 */
export function useUpstreamClients(): (settings: Partial<UpstreamClientSettings>, deps: UpstreamClientDependencies) => UpstreamClient {
  const clients: UpstreamClient[] = [];
  afterAll(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  return (settings, deps) => {
    const c = upstreamClient(settings, deps);
    clients.push(c);
    return c;
  };
}

export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The GatewayError a call rejected with, and how long it took to. */
export async function rejectionOf(promise: Promise<unknown>): Promise<{ err: GatewayError; ms: number }> {
  const started = performance.now();
  const err = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  const ms = performance.now() - started;
  expect(err).toBeInstanceOf(GatewayError);
  return { err: err as GatewayError, ms };
}
