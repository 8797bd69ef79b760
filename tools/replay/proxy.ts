import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readBodyWithin } from './body-limit.js';
import type { RecordedExchange } from './recording.js';
import type { Scrubber } from './scrub.js';

export interface RecordingProxy {
  url: string;
  /** What passed through so far, scrubbed, oldest first. */
  exchanges: RecordedExchange[];
  close(): Promise<void>;
}

/**
 * A loopback server that forwards `GET /v1/AuditLogs` to a live upstream and
 * keeps each answer, scrubbed: put it between the gateway and the upstream to
 * record what a walk through the gateway asks for. A body over
 * MAX_UPSTREAM_BODY_BYTES is neither read nor forwarded: its note is, with its status.
 */
export async function startRecordingProxy(options: { upstreamUrl: string; scrubber: Scrubber }): Promise<RecordingProxy> {
  const exchanges: RecordedExchange[] = [];
  const upstream = new URL(options.upstreamUrl);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'x-tenant', 'x-correlation-id', 'accept']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    request(new URL(`${url.pathname}${url.search}`, upstream.origin), { method: 'GET', headers })
      .then(async (response) => {
        const query = options.scrubber.query(url.searchParams);
        const read = await readBodyWithin(response.body, response.headers['content-length']);
        if (!read.complete) {
          // Answered as recorded (the status and the note), so a replay answers alike.
          exchanges.push({ query, status: response.statusCode, body: read.note });
          res.writeHead(response.statusCode, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(read.note);
          return;
        }
        let body: unknown = read.text;
        try {
          body = JSON.parse(read.text);
        } catch {
          // kept as text
        }
        exchanges.push({ query, status: response.statusCode, body: options.scrubber.json(body) });
        res.writeHead(response.statusCode, { 'content-type': String(response.headers['content-type'] ?? 'application/json') });
        res.end(read.text);
      })
      .catch(() => {
        res.writeHead(502);
        res.end();
      });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exchanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
