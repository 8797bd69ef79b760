import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createFaultController, parseFaultRule, type FaultAction, type FaultController, type MalformedVariant } from './faults.js';
import { startLiveWrites } from './live-writes.js';
import { parseAuditLogQuery } from './params.js';
import { errorBody, isBodilessStatus } from './responses.js';
import { generateSeedLogs } from './seed.js';
import { createSampleStore, paginate, type SampleStore } from './store.js';
import type { SampleLogInput, SampleQuery } from './types.js';
import { variantBody, variantParams, type SampleVariant } from './variants.js';

export interface RecordedRequest {
  method: string;
  /** The path as received, without the query string. */
  path: string;
  /** Query parameters as received (names keep their case); the first of repeated values. */
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Epoch milliseconds. */
  receivedAt: number;
}

export interface SampleUpstreamOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The server's "now" at start-up: seeds end here and its clock runs on from it. Default: the real time. */
  now?: Date;
  /** Number of seeded logs, default 5000. Ignored when `logs` is given. */
  count?: number;
  /** PRNG seed for the seeded logs. */
  seed?: number;
  /** Serve exactly these logs instead of seeded ones. */
  logs?: readonly SampleLogInput[];
  /** PRNG seed for fault probability rolls, default 1. */
  faultSeed?: number;
  /** Epoch-milliseconds clock for defaults (EndDate, StartDate, inserted timestamps); overrides `now`'s clock. */
  clock?: () => number;
  /** Write a new sample log about this often (ms; see live-writes.ts). Default: never. */
  liveWritesEveryMs?: number;
  /** `requests` keeps only the latest this many, so long benchmarks do not grow memory. Default 10000. */
  maxRecordedRequests?: number;
  /** Seeded logs also share timestamps and carry 7 fractional digits (see seed.ts). */
  precise?: boolean;
  /** Differ from the documented API in these ways (see variants.ts). */
  variant?: SampleVariant;
}

export interface SampleUpstream {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  port: number;
  store: SampleStore;
  faults: FaultController;
  /** Every request received to /v1/AuditLogs, oldest first (the latest `maxRecordedRequests`). */
  requests: RecordedRequest[];
  resetRequests(): void;
  /** Currently open TCP connections. */
  openSockets(): number;
  /** Closes every connection (hung ones too) and the server. */
  close(): Promise<void>;
}

const AUDIT_LOGS_PATH = /^\/v1\/auditlogs\/?$/i;
const BEARER = /^bearer\s+\S/i;
const CONTROL_PREFIX = '/__sample/';
const MAX_CONTROL_BODY = 1_048_576;

export async function startSampleUpstream(options: SampleUpstreamOptions = {}): Promise<SampleUpstream> {
  const { port = 0, host = '127.0.0.1', maxRecordedRequests = 10_000 } = options;
  const clock = options.clock ?? shiftedClock(options.now);
  const store = createSampleStore({
    // Seeded at the given `now` itself: the clock has moved on by a millisecond when start-up is slow.
    logs: options.logs ?? generateSeedLogs({ now: options.now ?? new Date(clock()), count: options.count, seed: options.seed, precise: options.precise }),
    clock,
  });
  const faults = createFaultController(options.faultSeed);
  const stopLiveWrites = options.liveWritesEveryMs ? startLiveWrites(store, { everyMs: options.liveWritesEveryMs, clock }) : undefined;
  const requests: RecordedRequest[] = [];
  // Counted apart from `requests`, which is capped; /__sample/stats reports this.
  const received = { count: 0 };
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const answer = (req: IncomingMessage, res: ServerResponse, params: URLSearchParams): void => {
    const correlationId = correlationIdOf(req);
    if (req.method !== 'GET') return send(res, 405, '', { allow: 'GET' });
    // After routing (the 405 above), authentication comes before any other check, as in ASP.NET.
    const authorization = req.headers.authorization;
    if (authorization === undefined || !BEARER.test(authorization)) {
      return send(res, 401, '', { 'www-authenticate': 'Bearer' });
    }
    const tenant = req.headers['x-tenant'];
    if (typeof tenant !== 'string' || tenant.trim() === '') {
      const body = errorBody(400, correlationId, [{ field: 'X-Tenant', message: 'The X-Tenant header is required.' }]);
      return sendJson(res, 400, body, correlationId);
    }
    const adapted = variantParams(params, options.variant);
    const parsed = Array.isArray(adapted) ? { ok: false as const, errors: adapted } : parseAuditLogQuery(adapted, clock());
    if (!parsed.ok) return sendJson(res, 400, errorBody(400, correlationId, parsed.errors), correlationId);
    send(res, 200, variantBody(store.queryJson(parsed.query), options.variant, received.count), jsonHeaders(correlationId));
  };

  const applyFault = (action: FaultAction, req: IncomingMessage, res: ServerResponse, params: URLSearchParams): void => {
    const correlationId = correlationIdOf(req);
    switch (action.type) {
      case 'status':
        return sendFaultStatus(res, action, correlationId);
      case 'delay': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) answer(req, res, params);
        }, action.ms);
        timers.add(timer);
        res.once('close', () => {
          clearTimeout(timer);
          timers.delete(timer);
        });
        return;
      }
      case 'malformed':
        return send(res, 200, malformedBody(action.variant, store, pageQuery(params, clock())), jsonHeaders(correlationId));
      case 'drop':
        req.socket.destroy();
        return;
      case 'hang':
        return; // the socket stays open until the client or close() ends it
    }
  };

  const handleAuditLogs = (req: IncomingMessage, res: ServerResponse, path: string, search: string): void => {
    const params = new URLSearchParams(search);
    requests.push({
      method: req.method ?? '',
      path,
      query: Object.fromEntries(firstValues(params)),
      headers: req.headers,
      receivedAt: Date.now(),
    });
    received.count++;
    if (requests.length > maxRecordedRequests) requests.shift();
    // Faults stand for infrastructure failures, so they come before auth and validation.
    const fault = faults.next();
    if (fault) applyFault(fault, req, res, params);
    else answer(req, res, params);
  };

  const resetRequests = (): void => {
    requests.length = 0;
    received.count = 0;
  };
  const control = createControlApi({
    store,
    faults,
    requests,
    received: () => received.count,
    resetRequests,
    openSockets: () => sockets.size,
  });

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (AUDIT_LOGS_PATH.test(path)) return handleAuditLogs(req, res, path, q === -1 ? '' : url.slice(q + 1));
    if (path.startsWith(CONTROL_PREFIX)) return void control(req, res, path.slice(CONTROL_PREFIX.length));
    sendJson(res, 404, errorBody(404, correlationIdOf(req)), correlationIdOf(req));
  });
  // Longer than typical client pools' idle time, so the client, not the server, retires idle sockets.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`,
    port: actualPort,
    store,
    faults,
    requests,
    resetRequests,
    openSockets: () => sockets.size,
    close() {
      closing ??= (async () => {
        stopLiveWrites?.();
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        // Wait for every socket's own 'close' too, so openSockets() is 0 once close() resolves.
        const socketsClosed = [...sockets].map((socket) => new Promise((resolve) => socket.once('close', resolve)));
        const serverClosed = new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
        server.closeAllConnections();
        await Promise.all([serverClosed, ...socketsClosed]);
      })();
      return closing;
    },
  };
}

/** A clock that starts at `now` (when given) and runs at real speed. */
function shiftedClock(now: Date | undefined): () => number {
  if (now === undefined) return Date.now;
  const offset = now.getTime() - Date.now();
  return () => Date.now() + offset;
}

function correlationIdOf(req: IncomingMessage): string | null {
  const value = req.headers['x-correlation-id'];
  return typeof value === 'string' && value !== '' ? value : null;
}

function firstValues(params: URLSearchParams): Map<string, string> {
  const values = new Map<string, string>();
  for (const [key, value] of params) if (!values.has(key)) values.set(key, value);
  return values;
}

function jsonHeaders(correlationId: string | null): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (correlationId !== null) headers['x-correlation-id'] = correlationId;
  return headers;
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown, correlationId: string | null = null): void {
  send(res, status, JSON.stringify(body), jsonHeaders(correlationId));
}

function sendFaultStatus(res: ServerResponse, action: Extract<FaultAction, { type: 'status' }>, correlationId: string | null): void {
  const { status, body } = action;
  let text: string;
  let headers: Record<string, string>;
  if (body === undefined && isBodilessStatus(status)) {
    text = '';
    headers = {};
  } else if (typeof body === 'string') {
    text = body;
    headers = text === '' ? {} : { 'content-type': 'text/plain; charset=utf-8' };
  } else {
    text = JSON.stringify(body === undefined ? errorBody(status, correlationId) : body);
    headers = jsonHeaders(correlationId);
  }
  send(res, status, text, { ...headers, ...action.headers });
}

/** The query for a malformed page: the request's own when valid, else the defaults. */
function pageQuery(params: URLSearchParams, nowMs: number): SampleQuery {
  const parsed = parseAuditLogQuery(params, nowMs);
  if (parsed.ok) return parsed.query;
  const defaults = parseAuditLogQuery({}, nowMs);
  if (!defaults.ok) throw new Error('default query must be valid');
  return defaults.query;
}

/** A 200 body broken in the way `variant` names. */
export function malformedBody(variant: MalformedVariant, store: SampleStore, query: SampleQuery): string {
  switch (variant) {
    case 'not-json':
      // What a proxy in front of the API sends when it fails.
      return '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>';
    case 'wrong-shape':
      return JSON.stringify({ items: 'unavailable', paginationParameters: { totalCount: 'many' }, continuationToken: null });
    case 'truncated': {
      const full = store.queryJson(query);
      return full.slice(0, Math.floor(full.length / 2));
    }
    case 'item-missing-id': {
      const page = store.query(query);
      // Always show the defect, even when the requested page is empty.
      const items = page.items.length > 0 ? [...page.items] : store.all().slice(0, 1);
      const { id: _dropped, ...withoutId } = items[0] ?? { id: '', timestamp: new Date(0).toISOString() };
      items[0] = withoutId as (typeof items)[0];
      const pagination =
        page.items.length > 0 ? page.paginationParameters : paginate(items.length, 1, query.pageSize);
      return JSON.stringify({ items, paginationParameters: pagination, continuationToken: null });
    }
  }
}

interface ControlDeps {
  store: SampleStore;
  faults: FaultController;
  requests: RecordedRequest[];
  received: () => number;
  resetRequests: () => void;
  openSockets: () => number;
}

/**
 * The out-of-process control API under /__sample/ (for benchmarks and
 * subprocess tests). Its calls are not recorded and never faulted.
 */
function createControlApi({ store, faults, requests, received, resetRequests, openSockets }: ControlDeps) {
  return async (req: IncomingMessage, res: ServerResponse, route: string): Promise<void> => {
    const key = `${req.method} ${route.toLowerCase().replace(/\/$/, '')}`;
    try {
      switch (key) {
        case 'POST logs': {
          const body = await readJson(req);
          const stored = Array.isArray(body) ? body.map((log) => store.insert(asLogInput(log))) : store.insert(asLogInput(body));
          return sendJson(res, 201, stored);
        }
        case 'POST logs/delete': {
          // Body: one id or a list of ids.
          const body = await readJson(req);
          const ids = (Array.isArray(body) ? body : [body]).map((id) => {
            if (typeof id !== 'string') throw new TypeError('ids must be strings');
            return id;
          });
          return sendJson(res, 200, { deleted: store.delete(ids) });
        }
        case 'POST logs/update': {
          // Body: { id, ...changes } or a list of them; unknown ids are skipped.
          const body = await readJson(req);
          const updated = (Array.isArray(body) ? body : [body]).flatMap((change) => {
            const { id, ...changes } = asLogInput(change);
            if (typeof id !== 'string') throw new TypeError('an update needs the id of a stored log');
            return store.update(id, changes) ?? [];
          });
          return sendJson(res, 200, updated);
        }
        case 'GET stats':
          return sendJson(res, 200, { requests: received(), openSockets: openSockets() });
        case 'GET requests':
          return sendJson(res, 200, requests);
        case 'POST reset':
          resetRequests();
          faults.clear();
          return send(res, 204, '', {});
        case 'GET faults':
          return sendJson(res, 200, faults.rules);
        case 'POST faults': {
          const rule = parseFaultRule(await readJson(req));
          faults.add(rule);
          return sendJson(res, 201, rule);
        }
        case 'DELETE faults':
          faults.clear();
          return send(res, 204, '', {});
        default:
          return sendJson(res, 404, { error: `no control route ${key}` });
      }
    } catch (error) {
      if (!res.headersSent) sendJson(res, 400, { error: error instanceof Error ? error.message : String(error) });
    }
  };
}

function asLogInput(value: unknown): SampleLogInput {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError('a log must be a JSON object');
  return value as SampleLogInput;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_CONTROL_BODY) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new Error('body is not valid JSON');
  }
}
