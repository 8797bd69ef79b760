import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CURSOR_SECRET, checkCursorSecret, configWarnings, loadConfig } from '../../src/config.js';

const SECRET = 'a-deployment-secret-0123456789';
const OLD = 'the-previous-secret-9876543210';

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
    // A list: the built-in key anywhere in it would verify forged cursors.
    [{ NODE_ENV: 'production', UPSTREAM_URL: 'https://api.cloudcockpit.com', CURSOR_SECRET: `${SECRET},${OLD}` }, 'ok'],
    [{ NODE_ENV: 'production', UPSTREAM_URL: 'https://api.cloudcockpit.com', CURSOR_SECRET: `${SECRET}, ${DEFAULT_CURSOR_SECRET}` }, 'refuse'],
    [{ NODE_ENV: 'production', UPSTREAM_URL: 'https://api.cloudcockpit.com', CURSOR_SECRET: `${DEFAULT_CURSOR_SECRET},${SECRET}` }, 'refuse'],
    [{ NODE_ENV: 'production', UPSTREAM_URL: 'https://api.cloudcockpit.com', CURSOR_SECRET: ' , ' }, 'refuse'],
    [{ NODE_ENV: 'development', UPSTREAM_URL: 'https://api.cloudcockpit.com', CURSOR_SECRET: `${SECRET},${DEFAULT_CURSOR_SECRET}` }, 'warn'],
  ])('%j: %s', (env, kind) => {
    expect(checkCursorSecret(env).kind).toBe(kind);
  });
});

describe('CURSOR_SECRET', () => {
  const problems = (env: Record<string, string>): string[] => {
    try {
      loadConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it('is one secret or a comma-separated list, the signing one first, spaces around each ignored', () => {
    expect(loadConfig({}).cursorSecret).toEqual([DEFAULT_CURSOR_SECRET]);
    expect(loadConfig({ CURSOR_SECRET: SECRET }).cursorSecret).toEqual([SECRET]);
    expect(loadConfig({ CURSOR_SECRET: ` ${SECRET} , ${OLD} ` }).cursorSecret).toEqual([SECRET, OLD]);
    expect(loadConfig({ CURSOR_SECRET: `${SECRET},,${OLD},` }).cursorSecret).toEqual([SECRET, OLD]);
  });

  it('refuses a secret under 16 characters anywhere in the list, without quoting any of them', () => {
    const short = 'fifteen-chars-x';
    expect(short).toHaveLength(15);
    expect(problems({ CURSOR_SECRET: 'sixteen-chars-xx' })).toEqual([]);
    for (const value of [short, `${SECRET},${short}`, `${short},${SECRET}`, ',']) {
      const found = problems({ CURSOR_SECRET: value });
      expect(found, value).toHaveLength(1);
      expect(found[0]).toMatch(/^CURSOR_SECRET must be a secret of at least 16 characters, or several separated by commas/);
      expect(found[0]).not.toContain(short);
      expect(found[0]).not.toContain(SECRET);
    }
    expect(problems({ CURSOR_SECRET: `${SECRET},${short}` })[0]).toContain('(got parts of 30, 15 characters)');
  });

  it('warns once, naming the built-in key, when a list outside production still holds it', () => {
    const warnings = configWarnings({ UPSTREAM_URL: 'https://api.cloudcockpit.com', CURSOR_SECRET: `${SECRET},${DEFAULT_CURSOR_SECRET}` });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/lists the built-in key/);
    expect(warnings[0]).not.toContain(SECRET);
  });
});
