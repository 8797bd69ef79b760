import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FaultAction } from '../../../tools/sample-upstream/index.js';
import { GatewayCursorsDocument, GatewayWalkPageDocument } from '../../generated/operations.js';
import { startHarness, type GraphQLResponse, type Harness } from '../../support/harness.js';
import { useHarness } from '../../support/use-harness.js';
import { expectNoBearerTokenLeaks } from '../../support/secrecy.js';

/**
 * Every error code of the error table (docs/errors.md), produced by a real fault of a real
 * upstream and seen through the gateway over HTTP.
 */

const ALLOWED_EXTENSIONS = ['code', 'correlationId', 'retryAfterSeconds', 'upstream'];

const h = useHarness();

afterAll(async () => {
  expect(expectNoBearerTokenLeaks(h)).toBeGreaterThan(0);
});

beforeEach(() => {
  h.sample.faults.clear();
});

// Leave the upstream healthy and answered, so one test's failures never add up
// with the next one's (a client may count failures in a row).
afterEach(async () => {
  h.sample.faults.clear();
  const response = await h.graphql(GatewayWalkPageDocument, { first: 1 });
  expect(response.body.errors).toBeUndefined();
});

type Response = GraphQLResponse<unknown>;

/**
 * One page whose upstream calls all meet `action` (every attempt, should the
 * client try again); the fault is cleared afterwards.
 */
async function pageFacing(action: FaultAction, harness: Harness = h, headers?: Record<string, string>): Promise<Response> {
  harness.sample.faults.add({ action });
  const before = harness.sample.requests.length;
  try {
    const response = (await harness.graphql(GatewayWalkPageDocument, { first: 5 }, headers)) as Response;
    expect(harness.sample.requests.length - before).toBeGreaterThanOrEqual(1);
    return response;
  } finally {
    harness.sample.faults.clear();
  }
}

/** The page's one error, checked for what every error must carry. */
function onlyError(response: Response): { message: string; extensions: Record<string, any> } {
  expect(response.body.data).toBeNull();
  expect(response.body.errors).toHaveLength(1);
  const error = response.body.errors![0]!;
  expect(error.path).toEqual(['auditLogs']);
  expect(error.extensions!.correlationId).toBe(response.headers['x-correlation-id']);
  for (const key of Object.keys(error.extensions!)) expect(ALLOWED_EXTENSIONS).toContain(key);
  // Nothing of the upstream's address leaks into the message.
  expect(error.message).not.toContain('127.0.0.1');
  expect(error.message).not.toContain('/v1/AuditLogs');
  return error as { message: string; extensions: Record<string, any> };
}

describe('upstream status codes', () => {
  it('400 is BAD_USER_INPUT and keeps the upstream errors list', async () => {
    const errors = [
      { field: 'Reseller', message: 'The Reseller filter is too long.' },
      { field: 'PageSize', message: 'PageSize must be between 1 and 2000.' },
    ];
    const body = { statusCode: 400, type: 'ValidationError', description: 'One or more validation errors occurred.', correlationId: null, errors };
    const error = onlyError(await pageFacing({ type: 'status', status: 400, body }));
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.upstream).toEqual({
      status: 400,
      type: 'ValidationError',
      description: 'One or more validation errors occurred.',
      errors,
    });
  });

  it.each([
    [401, 'UNAUTHENTICATED'],
    [403, 'FORBIDDEN'],
  ])('bodiless %i is %s with upstream exactly { status }', async (status, code) => {
    const error = onlyError(await pageFacing({ type: 'status', status }));
    expect(error.extensions.code).toBe(code);
    expect(error.extensions.upstream).toStrictEqual({ status });
  });

  /** A 429 with Retry-After holds its caller's next calls: each such test uses a caller of its own. */
  const cooled = (name: string) => ({ authorization: `Bearer cooled-${name}`, 'x-tenant': 'cooled.cloudcockpit.example' });

  it('429 with Retry-After in seconds is RATE_LIMITED with retryAfterSeconds', async () => {
    const error = onlyError(await pageFacing({ type: 'status', status: 429, headers: { 'retry-after': '7' } }, h, cooled('seconds')));
    expect(error.extensions.code).toBe('RATE_LIMITED');
    expect(error.extensions.retryAfterSeconds).toBe(7);
    expect(error.extensions.upstream).toMatchObject({ status: 429, type: 'TooManyRequests' });
  });

  it('429 with Retry-After as an HTTP-date is RATE_LIMITED with an integer retryAfterSeconds', async () => {
    const retryAt = new Date(Date.now() + 30_000);
    const error = onlyError(await pageFacing({ type: 'status', status: 429, headers: { 'retry-after': retryAt.toUTCString() } }, h, cooled('date')));
    expect(error.extensions.code).toBe('RATE_LIMITED');
    expect(Number.isInteger(error.extensions.retryAfterSeconds)).toBe(true);
    // Whole seconds on the wire, and some time passes before the gateway reads it.
    expect(error.extensions.retryAfterSeconds).toBeGreaterThanOrEqual(20);
    expect(error.extensions.retryAfterSeconds).toBeLessThanOrEqual(31);
  });

  it('429 without Retry-After is RATE_LIMITED without retryAfterSeconds', async () => {
    const error = onlyError(await pageFacing({ type: 'status', status: 429 }));
    expect(error.extensions.code).toBe('RATE_LIMITED');
    expect(error.extensions).not.toHaveProperty('retryAfterSeconds');
  });

  it.each([500, 502, 503, 504])('%i is UPSTREAM_ERROR with only the status and type in upstream', async (status) => {
    const error = onlyError(await pageFacing({ type: 'status', status }));
    expect(error.extensions.code).toBe('UPSTREAM_ERROR');
    expect(error.extensions.upstream).toStrictEqual({ status, type: expect.any(String) });
  });

  it.each([404, 418, 302])('an unexpected %i is UPSTREAM_ERROR', async (status) => {
    const error = onlyError(await pageFacing({ type: 'status', status, body: '' }));
    expect(error.extensions.code).toBe('UPSTREAM_ERROR');
    expect(error.extensions.upstream).toStrictEqual({ status });
  });
});

describe('broken upstream bodies', () => {
  it.each(['not-json', 'wrong-shape', 'truncated', 'item-missing-id'] as const)(
    'a %s 200 body is UPSTREAM_BAD_RESPONSE',
    async (variant) => {
      const error = onlyError(await pageFacing({ type: 'malformed', variant }));
      expect(error.extensions.code).toBe('UPSTREAM_BAD_RESPONSE');
      expect(error.extensions.upstream).toStrictEqual({ status: 200 });
      // The body itself is never echoed.
      expect(error.message).not.toMatch(/html|Bad Gateway|unavailable|many/);
    },
  );
});

describe('transport failures', () => {
  it('a dropped connection is UPSTREAM_UNAVAILABLE', async () => {
    const error = onlyError(await pageFacing({ type: 'drop' }));
    expect(error.extensions.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.extensions).not.toHaveProperty('upstream');
  });

  it('an upstream on a closed port is UPSTREAM_UNAVAILABLE', async () => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));

    const closed = await startHarness({ upstreamUrl: `http://127.0.0.1:${port}` });
    try {
      const error = onlyError((await closed.graphql(GatewayWalkPageDocument, { first: 5 })) as Response);
      expect(error.extensions.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(error.message).not.toContain(String(port));
    } finally {
      expect(expectNoBearerTokenLeaks(closed)).toBeGreaterThan(0);
      await closed.close();
    }
  });

  describe('with a 500 ms upstream timeout', () => {
    const fast = useHarness({ config: { upstreamTimeoutMs: 500 } });

    afterAll(async () => {
      expect(expectNoBearerTokenLeaks(fast)).toBeGreaterThan(0);
    });

    it('a hanging upstream is UPSTREAM_TIMEOUT, after the deadline and not much later', async () => {
      const started = performance.now();
      const error = onlyError(await pageFacing({ type: 'hang' }, fast));
      const elapsed = performance.now() - started;
      expect(error.extensions.code).toBe('UPSTREAM_TIMEOUT');
      expect(elapsed).toBeGreaterThanOrEqual(450);
      expect(elapsed).toBeLessThan(10_000);
    });

    it('an upstream slower than the deadline is UPSTREAM_TIMEOUT', async () => {
      const error = onlyError(await pageFacing({ type: 'delay', ms: 1_500 }, fast));
      expect(error.extensions.code).toBe('UPSTREAM_TIMEOUT');
    });

    it('an upstream within the deadline answers (the control case)', async () => {
      const response = await pageFacing({ type: 'delay', ms: 50 }, fast);
      expect(response.body.errors).toBeUndefined();
    });
  });
});

describe('unexpected failures', () => {
  let odd: Server;

  beforeAll(async () => {
    // An upstream whose totalCount is past the int32 it documents.
    const item = { id: 'a-1', timestamp: '2026-11-20T10:15:30.123Z', status: 'Succeded' };
    odd = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ items: [item], paginationParameters: { totalCount: 3_000_000_000 } }));
    });
    odd.listen(0, '127.0.0.1');
    await once(odd, 'listening');
  });

  afterAll(async () => {
    odd.closeAllConnections();
    await new Promise((resolve) => odd.close(resolve));
  });

  const oddHarness = useHarness(() => ({ upstreamUrl: `http://127.0.0.1:${(odd.address() as AddressInfo).port}` }));
  // A defect inside the gateway: the real client answers, then the page handling throws a plain Error.
  const crashing = useHarness({
    wrapUpstream: (client) => ({
      ...client,
      async listAuditLogs(request) {
        await client.listAuditLogs(request);
        throw new TypeError('page handling broke at /srv/gateway/src/secret-internals.ts:42');
      },
    }),
  });

  afterAll(() => {
    expect(expectNoBearerTokenLeaks(oddHarness)).toBeGreaterThan(0);
    expect(expectNoBearerTokenLeaks(crashing)).toBeGreaterThan(0);
  });

  it('a totalCount past the documented int32 is UPSTREAM_BAD_RESPONSE', async () => {
    const response = (await oddHarness.graphql(GatewayWalkPageDocument, { first: 1 })) as Response;
    expect(response.body.errors).toHaveLength(1);
    const error = response.body.errors![0]!;
    expect(error.extensions!.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(error.extensions!.correlationId).toBe(response.headers['x-correlation-id']);
    expect(JSON.stringify(response.body)).not.toContain('3000000000');
  });

  it('a plain Error inside the gateway is INTERNAL_SERVER_ERROR with no message details and no stack', async () => {
    const response = (await crashing.graphql(GatewayWalkPageDocument, { first: 1 })) as Response;
    expect(response.body.data).toBeNull();
    expect(response.body.errors).toHaveLength(1);
    const error = response.body.errors![0]!;
    expect(error.path).toEqual(['auditLogs']);
    expect(error.message).toBe('Unexpected error.');
    expect(error.extensions).toStrictEqual({ code: 'INTERNAL_SERVER_ERROR', correlationId: response.headers['x-correlation-id'] });
    const text = JSON.stringify(response.body);
    expect(text).not.toMatch(/TypeError|secret-internals|page handling|stack|\.ts:|node_modules/);
    // The details stay in the log, under the same correlation id.
    const operationLine = crashing.logs.find((line) => line.includes(String(response.headers['x-correlation-id'])) && line.includes('graphql operation'));
    expect(operationLine).toContain('secret-internals');
    expect(operationLine).toContain('INTERNAL_SERVER_ERROR');
  });
});
