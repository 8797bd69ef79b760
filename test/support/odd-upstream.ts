import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UPSTREAM_ITEM } from './upstream-item.js';

export interface OddUpstream {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** The query string of every request received, oldest first. */
  queries: URLSearchParams[];
  close(): Promise<void>;
}

/** Answers one request; `query` is the request's query string, parsed. */
export type OddAnswer = (req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => void;

/**
 * A loopback upstream on port 0 that answers every request with `answer`: for
 * answers the sample upstream never gives (echoed credentials, escape sequences,
 * very deep or very large bodies).
 */
export async function startOddUpstream(answer: OddAnswer): Promise<OddUpstream> {
  const queries: URLSearchParams[] = [];
  const server = createServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://odd').searchParams;
    queries.push(query);
    answer(req, res, query);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    queries,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A 200 body with these items as the only page, as the upstream documents it. */
export function onePage(items: readonly object[] = [UPSTREAM_ITEM]): object {
  return { items, paginationParameters: { totalCount: items.length, totalPages: 1, hasPreviousPage: false, hasNextPage: false }, continuationToken: null };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
