import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NO_ANSWER, normaliseQuery, readRecording, type RecordedExchange } from './recording.js';
import { recordedWindows, type RecordedWindow } from './windows.js';

export interface ReplayServer {
  /** e.g. http://127.0.0.1:41234: point the upstream client at it. */
  url: string;
  /** The windows a query can ask for (see windows.ts): anything else is a ReplayMiss. */
  windows: RecordedWindow[];
  close(): Promise<void>;
}

const AUDIT_LOGS_PATH = /\/v1\/auditlogs\/?$/i;
const BEARER_TOKEN = /^bearer\s+\S/i;

/**
 * A loopback server that answers `GET /v1/AuditLogs` from a recording, by the
 * normalised query. A query recorded several times is answered with each recorded
 * response in turn (so a recorded change of order replays too). A query never
 * recorded gets a 404 that says so; a request without a token what the upstream
 * answered the probe's request without one (a 401). A call recorded with no
 * answer gets none. A recording with a line it could not replay is refused.
 */
export async function startReplayServer(options: { dir: string; host?: string; port?: number }): Promise<ReplayServer> {
  const recorded = new Map<string, RecordedExchange[]>();
  const rejected = new Map<string, RecordedExchange>();
  const exchanges = await readRecording(options.dir);
  for (const exchange of exchanges) {
    if (exchange.credentials === 'invalid') {
      rejected.set(exchange.query, exchange);
      continue;
    }
    const list = recorded.get(exchange.query) ?? [];
    list.push(exchange);
    recorded.set(exchange.query, list);
  }
  const served = new Map<string, number>();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://replay');
    if (req.method !== 'GET' || !AUDIT_LOGS_PATH.test(url.pathname)) return sendJson(res, 404, missBody('Only GET /v1/AuditLogs is replayed.'));
    const key = normaliseQuery(url.searchParams);
    // No token at all: the upstream's own rejection when one was recorded, else a bare 401.
    if (!BEARER_TOKEN.test(req.headers.authorization ?? '')) {
      return replay(req, res, rejected.get(key) ?? { status: 401, body: '' });
    }
    const list = recorded.get(key);
    if (list === undefined) return sendJson(res, 404, missBody(`No response was recorded for the query ${key}.`));
    const turn = served.get(key) ?? 0;
    served.set(key, turn + 1);
    replay(req, res, list[turn % list.length]!);
  });
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port, address } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    windows: recordedWindows(exchanges),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function missBody(description: string) {
  return { statusCode: 404, type: 'ReplayMiss', description, correlationId: null, errors: null };
}

/** A recorded answer again; one recorded as no answer is none: the connection is dropped, as it was then. */
function replay(req: IncomingMessage, res: ServerResponse, exchange: Pick<RecordedExchange, 'status' | 'body'>): void {
  if (exchange.status === NO_ANSWER) return void req.socket.destroy();
  sendJson(res, exchange.status, exchange.body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
