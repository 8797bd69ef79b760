import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/errors.js';
import type { UpstreamLogger } from '../../../src/upstream/client.js';
import type { ListAuditLogsRequest, UpstreamClient } from '../../../src/upstream/types.js';
import { closedPort, ERROR_400, ITEM, rejectionOf, useFakeUpstream, useUpstreamClients } from './fake-upstream.js';

const TOKEN = 'Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.sig';

const request = (overrides: Partial<ListAuditLogsRequest> = {}): ListAuditLogsRequest => ({
  query: { startDate: '2026-10-20T10:15:30.123Z', endDate: '2026-11-20T10:15:30.123Z' },
  window: { pageNumber: 1, pageSize: 25 },
  headers: {
    authorization: TOKEN,
    tenant: 'portal.contoso.example',
    correlationId: '3f0e4c52-8d3c-4a8f-9a57-1b2f3c4d5e6f',
  },
  ...overrides,
});

function recordingLogger() {
  const lines: { level: 'warn' | 'debug'; obj: object; msg?: string }[] = [];
  const logger: UpstreamLogger = {
    warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
    debug: (obj, msg) => lines.push({ level: 'debug', obj, msg }),
  };
  return { logger, lines };
}

const rejection = async (promise: Promise<unknown>): Promise<GatewayError> => (await rejectionOf(promise)).err;

const upstream = useFakeUpstream();
const createClient = useUpstreamClients();

function client(path: string, options: { timeoutMs?: number; logger?: UpstreamLogger } = {}): UpstreamClient {
  return createClient({ upstreamTimeoutMs: options.timeoutMs ?? 5000 }, { baseUrl: `${upstream.url}${path}`, logger: options.logger });
}

describe('upstream client against a real HTTP server', () => {
  it('sends exactly the allow-listed headers, values as received', async () => {
    const c = client('/echo');
    const authorization = 'bEaReR  Mixed.Case.Token';
    await c.listAuditLogs(request({ headers: { authorization, tenant: 'Portal.Example', correlationId: 'c0ffee00-0000-4000-8000-000000000000' } }));
    const received = upstream.requests.at(-1)!;
    expect(received.method).toBe('GET');
    // host and connection are HTTP/1.1 transport headers undici adds itself.
    expect(received.headers.map(([name]) => name).sort()).toEqual(
      ['accept', 'authorization', 'connection', 'host', 'x-correlation-id', 'x-tenant'].sort(),
    );
    const headers = Object.fromEntries(received.headers);
    expect(headers).toMatchObject({
      authorization,
      'x-tenant': 'Portal.Example',
      'x-correlation-id': 'c0ffee00-0000-4000-8000-000000000000',
      accept: 'application/json',
      connection: 'keep-alive',
    });
  });

  it('sends the query string under the base path prefix', async () => {
    const c = client('/echo/api/');
    await c.listAuditLogs(
      request({
        query: {
          startDate: '2026-10-20T10:15:30.123Z',
          endDate: '2026-11-20T10:15:30.123Z',
          operations: 'CreateOrder|CreateCustomer',
          status: 'Succeded',
          reseller: 'Contoso & Sons',
          customer: 'Zürich',
          resellerId: '1c9e6a0e-0000-4000-8000-000000000001',
        },
        window: { pageNumber: 3, pageSize: 2000 },
      }),
    );
    const url = new URL(upstream.requests.at(-1)!.url, 'http://x');
    expect(url.pathname).toBe('/echo/api/v1/AuditLogs');
    expect([...url.searchParams]).toEqual([
      ['PageNumber', '3'],
      ['PageSize', '2000'],
      ['StartDate', '2026-10-20T10:15:30.123Z'],
      ['EndDate', '2026-11-20T10:15:30.123Z'],
      ['Operations', 'CreateOrder|CreateCustomer'],
      ['Status', 'Succeded'],
      ['Reseller', 'Contoso & Sons'],
      ['Customer', 'Zürich'],
      ['resellerId', '1c9e6a0e-0000-4000-8000-000000000001'],
    ]);
  });

  it('decodes a 200 page', async () => {
    const page = await client('/echo').listAuditLogs(request());
    expect(page.totalCount).toBe(42);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      auditLogId: ITEM.id,
      timestamp: new Date(ITEM.timestamp),
      status: 'SUCCEEDED',
      operation: 'CreateOrder',
    });
    expect(page.items[0]!.raw).toEqual(ITEM);
  });

  it('decodes a PascalCase page with a numeric id and an offset-less timestamp', async () => {
    const page = await client('/pascal').listAuditLogs(request());
    expect(page).toMatchObject({ totalCount: 1, items: [{ auditLogId: '7', status: 'FAILED', operation: 'DeleteUser' }] });
    expect(page.items[0]!.timestamp.toISOString()).toBe('2026-11-20T10:15:30.000Z');
  });

  it('decodes a 2000-item page', async () => {
    const page = await client('/big-page').listAuditLogs(request({ window: { pageNumber: 1, pageSize: 2000 } }));
    expect(page.items).toHaveLength(2000);
    expect(page.items[1999]!.auditLogId).toBe('id-1999');
  });

  it('maps 400 to BAD_USER_INPUT, keeping the upstream errors', async () => {
    const err = await rejection(client('/status/400').listAuditLogs(request()));
    expect(err.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      upstream: { status: 400, type: ERROR_400.type, description: ERROR_400.description, errors: ERROR_400.errors },
    });
  });

  it.each([
    [401, 'UNAUTHENTICATED'],
    [403, 'FORBIDDEN'],
  ])('maps a bodiless %i to %s with { status } only', async (status, code) => {
    const err = await rejection(client(`/status/${status}`).listAuditLogs(request()));
    expect(err.extensions).toEqual({ code, upstream: { status } });
  });

  it('maps 429 to RATE_LIMITED with retryAfterSeconds', async () => {
    const err = await rejection(client('/status/429').listAuditLogs(request()));
    expect(err.extensions).toEqual({
      code: 'RATE_LIMITED',
      retryAfterSeconds: 17,
      upstream: { status: 429, type: 'TooManyRequests', description: 'Slow down.' },
    });
  });

  it.each([500, 502, 503, 418, 404])('maps %i to UPSTREAM_ERROR', async (status) => {
    const err = await rejection(client(`/status/${status}`).listAuditLogs(request()));
    expect(err.code).toBe('UPSTREAM_ERROR');
    expect((err.extensions.upstream as { status: number }).status).toBe(status);
  });

  it('reads at most a bounded error body and still maps the status', async () => {
    const err = await rejection(client('/big-error').listAuditLogs(request()));
    expect(err.extensions).toEqual({ code: 'UPSTREAM_ERROR', upstream: { status: 500 } });
  });

  it('maps a non-JSON 200 to UPSTREAM_BAD_RESPONSE', async () => {
    const err = await rejection(client('/not-json').listAuditLogs(request()));
    expect(err.extensions).toEqual({ code: 'UPSTREAM_BAD_RESPONSE', upstream: { status: 200 } });
    expect(err.message).not.toContain('Maintenance');
  });

  it('maps a 200 of the wrong shape to UPSTREAM_BAD_RESPONSE naming the item and field', async () => {
    const err = await rejection(client('/bad-shape').listAuditLogs(request()));
    expect(err.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(err.message).toMatch(/item 0.*timestamp/);
  });

  it('keeps error messages free of the token, the upstream URL and the body', async () => {
    for (const path of ['/status/400', '/status/401', '/status/500', '/not-json', '/bad-shape']) {
      const err = await rejection(client(path).listAuditLogs(request()));
      expect(err.message).not.toContain(TOKEN);
      expect(err.message).not.toContain('eyJ');
      expect(err.message).not.toContain('127.0.0.1');
      expect(JSON.stringify(err.extensions)).not.toContain('eyJ');
    }
  });

  it('decodes unknown statuses as null and warns once per call', async () => {
    const { logger, lines } = recordingLogger();
    const page = await client('/unknown-status', { logger }).listAuditLogs(request());
    expect(page.items.map((i) => i.status)).toEqual([null, null, null, 'SUCCEEDED']);
    const warnings = lines.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.obj).toMatchObject({ count: 3, values: ['"Cancelled"', 'number'] });
  });

  it('logs one debug line per attempt, without the authorization value', async () => {
    const { logger, lines } = recordingLogger();
    const c = client('/echo', { logger });
    await c.listAuditLogs(request({ window: { pageNumber: 4, pageSize: 10 } }));
    await rejection(client('/status/500', { logger }).listAuditLogs(request()));
    const debug = lines.filter((l) => l.level === 'debug');
    expect(debug).toHaveLength(2);
    expect(debug[0]!.obj).toMatchObject({
      correlationId: request().headers.correlationId,
      status: 200,
      pageNumber: 4,
      pageSize: 10,
      attempt: 1,
    });
    expect(typeof (debug[0]!.obj as { durationMs: unknown }).durationMs).toBe('number');
    expect(debug[1]!.obj).toMatchObject({ status: 500, error: 'UPSTREAM_ERROR', attempt: 1 });
    expect(JSON.stringify(lines)).not.toContain('eyJ');
  });

  it('reuses one keep-alive connection for sequential calls', async () => {
    const c = client('/echo');
    await c.listAuditLogs(request());
    const first = upstream.requests.at(-1)!.socketId;
    await c.listAuditLogs(request());
    await c.listAuditLogs(request());
    const ids = upstream.requests.slice(-3).map((r) => r.socketId);
    expect(ids).toEqual([first, first, first]);
  });

  it('returns the connection to the pool after an error status', async () => {
    const c = client('/status/400');
    await rejection(c.listAuditLogs(request()));
    await rejection(c.listAuditLogs(request()));
    const [a, b] = upstream.requests.slice(-2).map((r) => r.socketId);
    expect(a).toBe(b);
  });

  it('probes true on a 401 to a request without credentials', async () => {
    const c = client('/status/401');
    await expect(c.probe()).resolves.toBe(true);
    const received = upstream.requests.at(-1)!;
    expect(new URL(received.url, 'http://x').pathname).toBe('/status/401/v1/AuditLogs');
    expect(received.headers.map(([name]) => name)).not.toContain('authorization');
    expect(received.headers.map(([name]) => name)).not.toContain('x-tenant');
  });

  it('probes true on any HTTP status', async () => {
    await expect(client('/status/503').probe()).resolves.toBe(true);
  });

  it('probes false on a closed port', async () => {
    const port = await closedPort();
    const c = createClient({ upstreamTimeoutMs: 5000 }, { baseUrl: `http://127.0.0.1:${port}` });
    await expect(c.probe()).resolves.toBe(false);
  });
});
