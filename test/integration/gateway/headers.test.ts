import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayTwoPagesDocument, GatewayWalkPageDocument } from '../../generated/operations.js';
import { CALLER } from '../../support/harness.js';
import { useHarness } from '../../support/use-harness.js';
import { expectNoBearerTokenLeaks } from '../../support/secrecy.js';

/**
 * What reaches the upstream from the caller's request (docs/upstream.md): the
 * credentials exactly as received, a correlation id, and nothing else.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const h = useHarness();

afterAll(async () => {
  expect(expectNoBearerTokenLeaks(h)).toBeGreaterThan(0);
});

beforeEach(() => {
  h.sample.faults.clear();
});

/** One small page with the given request headers; returns the response and the upstream requests it caused. */
async function pageWith(headers: Record<string, string>, variables: { first?: number; last?: number } = { first: 2 }) {
  const before = h.sample.requests.length;
  const response = await h.graphql(GatewayWalkPageDocument, variables, headers);
  return { response, sent: h.sample.requests.slice(before) };
}

describe('forwarded headers', () => {
  it('forwards Authorization and X-Tenant exactly as received', async () => {
    const authorization = 'bEaReR   Abc.DEF-ghi_jkl~0123';
    const tenant = 'Alpha.CloudCockpit.EXAMPLE';
    const { response, sent } = await pageWith({ authorization, 'x-tenant': tenant });
    expect(response.body.errors).toBeUndefined();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers.authorization).toBe(authorization);
    expect(sent[0]!.headers['x-tenant']).toBe(tenant);
  });

  it('accepts a lower-case scheme with two spaces', async () => {
    const { response, sent } = await pageWith({ authorization: 'bearer  x', 'x-tenant': 't' });
    expect(response.body.errors).toBeUndefined();
    expect(sent[0]!.headers.authorization).toBe('bearer  x');
  });

  it('sends the upstream exactly the allow-list, whatever else the client sent', async () => {
    const { response, sent } = await pageWith({
      ...CALLER,
      cookie: 'session=s3cr3t-cookie; theme=dark',
      'x-forwarded-for': '203.0.113.7',
      'x-forwarded-host': 'evil.example',
      'x-custom-header': 'custom-value',
      'x-api-key': 'k-123',
      'user-agent': 'curious-client/1.0',
      'accept-language': 'de-CH',
      forwarded: 'for=203.0.113.7',
      'proxy-authorization': 'Basic cHJveHk6cGFzcw==',
    });
    expect(response.body.errors).toBeUndefined();
    expect(sent).toHaveLength(1);
    const { headers } = sent[0]!;
    // W3C trace context is the gateway's own (its operation span), not something the client sent.
    const traceContext = new Set(['traceparent', 'tracestate']);
    const names = Object.keys(headers).filter((name) => !traceContext.has(name));
    expect(names.sort()).toEqual(['accept', 'authorization', 'connection', 'host', 'x-correlation-id', 'x-tenant']);
    if (headers.traceparent !== undefined) expect(headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/);
    expect(headers.accept).toBe('application/json');
    expect(headers.host).toBe(`127.0.0.1:${h.sample.port}`);
    const everything = JSON.stringify(headers);
    for (const leaked of ['s3cr3t-cookie', '203.0.113.7', 'evil.example', 'custom-value', 'k-123', 'curious-client', 'de-CH', 'cHJveHk6cGFzcw==']) {
      expect(everything).not.toContain(leaked);
    }
  });

  it.each([
    ['missing', {}],
    ['Basic credentials', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['Bearer with no token', { authorization: 'Bearer' }],
    ['Bearer with only spaces after it', { authorization: 'Bearer    ' }],
    ['another scheme', { authorization: 'Token abc' }],
    ['a bare token', { authorization: 'abc.def.ghi' }],
  ] as const)('Authorization %s is UNAUTHENTICATED with no upstream call', async (_name, authorization) => {
    const { response, sent } = await pageWith({ 'x-tenant': CALLER['x-tenant'], ...authorization });
    expect(sent).toHaveLength(0);
    expect(response.body.data).toBeNull();
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors![0]!.extensions).toMatchObject({
      code: 'UNAUTHENTICATED',
      correlationId: response.headers['x-correlation-id'],
    });
  });

  it('a missing X-Tenant is BAD_USER_INPUT with no upstream call', async () => {
    const variants: Record<string, string>[] = [{ authorization: CALLER.authorization }, { authorization: CALLER.authorization, 'x-tenant': '   ' }];
    for (const headers of variants) {
      const { response, sent } = await pageWith(headers);
      expect(sent).toHaveLength(0);
      expect(response.body.data).toBeNull();
      expect(response.body.errors![0]!.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        correlationId: response.headers['x-correlation-id'],
      });
    }
  });
});

describe('correlation id', () => {
  it('keeps a valid incoming UUID exactly, echoes it, sends it upstream and stamps it on errors', async () => {
    const incoming = 'A1B2C3D4-E5F6-4A7B-8C9D-0E1F2A3B4C5D';
    const ok = await pageWith({ ...CALLER, 'x-correlation-id': incoming });
    expect(ok.response.body.errors).toBeUndefined();
    expect(ok.response.headers['x-correlation-id']).toBe(incoming);
    expect(ok.sent.map((request) => request.headers['x-correlation-id'])).toEqual([incoming]);

    h.sample.faults.add({ action: { type: 'status', status: 500 } });
    const failed = await pageWith({ ...CALLER, 'x-correlation-id': incoming });
    expect(failed.response.headers['x-correlation-id']).toBe(incoming);
    expect(failed.sent[0]!.headers['x-correlation-id']).toBe(incoming);
    expect(failed.response.body.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', correlationId: incoming });

    h.sample.faults.clear();
    const refused = await pageWith({ authorization: 'Basic x', 'x-tenant': 't', 'x-correlation-id': incoming });
    expect(refused.response.headers['x-correlation-id']).toBe(incoming);
    expect(refused.response.body.errors![0]!.extensions).toMatchObject({ code: 'UNAUTHENTICATED', correlationId: incoming });
  });

  it.each([
    ['missing', undefined],
    ['not a UUID', 'request-42'],
    ['a UUID with junk around it', ' {a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d}'],
    ['a UUID without dashes', 'a1b2c3d4e5f64a7b8c9d0e1f2a3b4c5d'],
  ])('replaces an incoming id that is %s with a new UUID', async (_name, incoming) => {
    const headers: Record<string, string> = { ...CALLER };
    if (incoming !== undefined) headers['x-correlation-id'] = incoming;
    const { response, sent } = await pageWith(headers);
    const echoed = response.headers['x-correlation-id'];
    expect(echoed).toMatch(UUID);
    expect(echoed).not.toBe(incoming?.trim());
    expect(sent[0]!.headers['x-correlation-id']).toBe(echoed);
  });

  it('gives every request its own id', async () => {
    const a = await pageWith(CALLER);
    const b = await pageWith(CALLER);
    expect(a.response.headers['x-correlation-id']).not.toBe(b.response.headers['x-correlation-id']);
  });

  it('puts the same id on every upstream call of one operation', async () => {
    const before = h.sample.requests.length;
    const response = await h.graphql(GatewayTwoPagesDocument, {
      firstFilter: { status: 'FAILED' },
      secondFilter: { status: 'PROCESSING' },
    });
    expect(response.body.errors).toBeUndefined();
    const sent = h.sample.requests.slice(before);
    expect(sent).toHaveLength(2);
    const echoed = response.headers['x-correlation-id'];
    expect(echoed).toMatch(UUID);
    expect(sent.map((request) => request.headers['x-correlation-id'])).toEqual([echoed, echoed]);

    // `last` without `before` over many logs: two sequential calls, one id.
    const tail = await pageWith(CALLER, { last: 30 });
    expect(tail.sent).toHaveLength(2);
    const tailId = tail.response.headers['x-correlation-id'];
    expect(tail.sent.map((request) => request.headers['x-correlation-id'])).toEqual([tailId, tailId]);
  });

  it('stamps the id on every error of an operation with several failing fields', async () => {
    h.sample.faults.add({ action: { type: 'status', status: 500 } });
    const incoming = '0b7c6a0e-0000-4000-8000-00000000abcd';
    const response = await h.graphql(
      GatewayTwoPagesDocument,
      { firstFilter: { status: 'FAILED' }, secondFilter: { status: 'PROCESSING' } },
      { ...CALLER, 'x-correlation-id': incoming },
    );
    // auditLogs is non-null, so the first failing field nulls `data` and graphql-js
    // stops there; whatever errors are reported all carry the id.
    expect(response.body.data).toBeNull();
    expect(response.body.errors!.length).toBeGreaterThanOrEqual(1);
    expect(response.headers['x-correlation-id']).toBe(incoming);
    for (const error of response.body.errors!) {
      expect(error.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', correlationId: incoming });
    }
    h.sample.faults.clear();
  });
});
