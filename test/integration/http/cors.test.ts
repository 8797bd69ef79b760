import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { CALLER } from '../../support/harness.js';
import { useHarness } from '../../support/use-harness.js';

/** The headers an Access-Control-Allow-Headers value lists, lower-cased. */
const allowedIn = (value: unknown): string[] => String(value ?? '').toLowerCase().split(',').map((name) => name.trim()).filter(Boolean);

const PORTAL = 'https://portal.cloudcockpit.example';

async function preflight(url: string, origin: string, requestHeaders = 'authorization, content-type, x-tenant') {
  const response = await request(`${url}/graphql`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': requestHeaders,
    },
  });
  await response.body.dump();
  return response.headers;
}

describe('CORS', () => {
  const open = useHarness();
  const restricted = useHarness({ config: { corsOrigins: [PORTAL, 'https://admin.cloudcockpit.example'] } });
  const monitored = useHarness({ config: { corsAllowedHeaders: ['baggage', 'sentry-trace', 'apollographql-client-name'] } });

  it('allows any origin by default, without credentials, and exposes the correlation id', async () => {
    const headers = await preflight(open.url, 'https://somewhere.example');
    expect(headers['access-control-allow-origin']).toBe('https://somewhere.example');
    expect(headers['access-control-allow-credentials']).toBeUndefined();
    expect(String(headers['access-control-allow-headers'])).toContain('x-tenant');
    expect(String(headers['access-control-allow-headers'])).toContain('authorization');

    const response = await request(`${open.url}/graphql`, {
      method: 'POST',
      headers: { ...CALLER, origin: 'https://somewhere.example', 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ auditLogs(first: 1) { totalCount } }' }),
    });
    await response.body.dump();
    expect(response.headers['access-control-expose-headers']).toBe('x-correlation-id');
    expect(response.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers only the configured origins when CORS_ORIGINS is set', async () => {
    expect((await preflight(restricted.url, PORTAL))['access-control-allow-origin']).toBe(PORTAL);
    expect((await preflight(restricted.url, 'https://evil.example'))['access-control-allow-origin']).toBe('null');
  });

  it('lets browsers send the CORS_ALLOWED_HEADERS besides the built-in ones, and only when configured', async () => {
    const asked = 'authorization, content-type, x-tenant, baggage, sentry-trace, apollographql-client-name';
    const allowed = allowedIn((await preflight(monitored.url, 'https://somewhere.example', asked))['access-control-allow-headers']);
    for (const name of asked.split(', ')) expect(allowed).toContain(name);
    for (const name of ['accept', 'x-correlation-id', 'traceparent', 'tracestate']) expect(allowed).toContain(name);

    // Without the setting the preflight names the built-in headers alone: the browser then refuses to send the others.
    const builtIn = allowedIn((await preflight(open.url, 'https://somewhere.example', asked))['access-control-allow-headers']);
    expect(builtIn).toEqual(['authorization', 'content-type', 'accept', 'x-tenant', 'x-correlation-id', 'traceparent', 'tracestate']);
  });

  it('never forwards an allowed extra header upstream: the sample upstream records only the caller headers', async () => {
    const extra = { baggage: 'userId=alice,isProduction=false', 'sentry-trace': '0123456789abcdef0123456789abcdef-0123456789abcdef-1', 'apollographql-client-name': 'portal' };
    const before = monitored.sample.requests.length;
    const response = await monitored.graphql('{ auditLogs(first: 2) { totalCount nodes { id } } }', undefined, { ...CALLER, ...extra, origin: 'https://somewhere.example' });
    expect(response.body.errors).toBeUndefined();
    const sent = monitored.sample.requests.slice(before);
    expect(sent.length).toBeGreaterThan(0);
    for (const { headers } of sent) {
      for (const name of Object.keys(extra)) expect(headers).not.toHaveProperty(name);
      expect(JSON.stringify(headers)).not.toContain('alice');
      expect(headers.authorization).toBe(CALLER.authorization);
    }
  });

  it('reads CORS_ALLOWED_HEADERS as header names, lower-cased, each once, and refuses anything else', () => {
    expect(loadConfig({}).corsAllowedHeaders).toEqual([]);
    expect(loadConfig({ CORS_ALLOWED_HEADERS: 'Baggage, sentry-trace,baggage,' }).corsAllowedHeaders).toEqual(['baggage', 'sentry-trace']);
    for (const bad of ['*', 'x-one, x two', 'x-tenant:1', ',']) {
      expect(() => loadConfig({ CORS_ALLOWED_HEADERS: bad }), bad).toThrow(/CORS_ALLOWED_HEADERS must be comma-separated header names/);
    }
  });

  it('reads CORS_ORIGINS as * or a list of origins, and refuses anything else', () => {
    expect(loadConfig({}).corsOrigins).toEqual(['*']);
    expect(loadConfig({ CORS_ORIGINS: `${PORTAL}/, https://b.example:8443` }).corsOrigins).toEqual([
      PORTAL,
      'https://b.example:8443',
    ]);
    expect(() => loadConfig({ CORS_ORIGINS: 'portal.example' })).toThrow(/CORS_ORIGINS/);
  });
});
