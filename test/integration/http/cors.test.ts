import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { CALLER } from '../../support/harness.js';
import { useHarness } from '../../support/use-harness.js';

const PORTAL = 'https://portal.cloudcockpit.example';

async function preflight(url: string, origin: string) {
  const response = await request(`${url}/graphql`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type, x-tenant',
    },
  });
  await response.body.dump();
  return response.headers;
}

describe('CORS', () => {
  const open = useHarness();
  const restricted = useHarness({ config: { corsOrigins: [PORTAL, 'https://admin.cloudcockpit.example'] } });

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

  it('reads CORS_ORIGINS as * or a list of origins, and refuses anything else', () => {
    expect(loadConfig({}).corsOrigins).toEqual(['*']);
    expect(loadConfig({ CORS_ORIGINS: `${PORTAL}/, https://b.example:8443` }).corsOrigins).toEqual([
      PORTAL,
      'https://b.example:8443',
    ]);
    expect(() => loadConfig({ CORS_ORIGINS: 'portal.example' })).toThrow(/CORS_ORIGINS/);
  });
});
