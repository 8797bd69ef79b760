import { describe, expect, it } from 'vitest';
import { DEFAULT_CURSOR_SECRET, checkCursorSecret } from '../../src/config.js';

const SECRET = 'a-deployment-secret-0123456789';

describe('checkCursorSecret', () => {
  it.each([
    [{ NODE_ENV: 'production', UPSTREAM_URL: 'https://api.cloudcockpit.com' }, 'refuse'],
    [{ NODE_ENV: 'production', UPSTREAM_URL: 'https://api.cloudcockpit.com', CURSOR_SECRET: DEFAULT_CURSOR_SECRET }, 'refuse'],
    [{ NODE_ENV: 'production', UPSTREAM_URL: 'https://api.cloudcockpit.com', CURSOR_SECRET: SECRET }, 'ok'],
    [{ NODE_ENV: 'production' }, 'ok'],
    [{ NODE_ENV: 'production', UPSTREAM_URL: '' }, 'ok'],
    [{ NODE_ENV: 'production', UPSTREAM_URL: 'replay:recordings/sample' }, 'ok'],
    [{ UPSTREAM_URL: 'https://api.cloudcockpit.com' }, 'warn'],
    [{ NODE_ENV: 'test', UPSTREAM_URL: 'https://api.cloudcockpit.com', CURSOR_SECRET: '' }, 'warn'],
    [{}, 'ok'],
    // Any spelling of production, and any other set environment but development and test, is production.
    [{ NODE_ENV: 'Production', UPSTREAM_URL: 'https://api.cloudcockpit.com' }, 'refuse'],
    [{ NODE_ENV: 'prod', UPSTREAM_URL: 'https://api.cloudcockpit.com' }, 'refuse'],
    [{ NODE_ENV: ' PRODUCTION ', UPSTREAM_URL: 'https://api.cloudcockpit.com' }, 'refuse'],
    [{ NODE_ENV: 'staging', UPSTREAM_URL: 'https://api.cloudcockpit.com' }, 'refuse'],
    [{ NODE_ENV: 'Development', UPSTREAM_URL: 'https://api.cloudcockpit.com' }, 'warn'],
    [{ NODE_ENV: 'TEST', UPSTREAM_URL: 'https://api.cloudcockpit.com' }, 'warn'],
  ])('%j: %s', (env, kind) => {
    expect(checkCursorSecret(env).kind).toBe(kind);
  });
});
