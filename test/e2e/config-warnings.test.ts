import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startSampleUpstream, type SampleUpstream } from '../../tools/sample-upstream/index.js';
import { startGatewayProcess, type GatewayProcess } from './support/gateway-process.js';

/**
 * The real process warns once at start-up about each variable that looks like a
 * misspelled setting, naming the setting, and about nothing unrelated; the
 * misspelled variable is ignored and the gateway serves as usual.
 */

const VALUE = 'value-that-must-not-be-logged';
let sample: SampleUpstream;
let gateway: GatewayProcess;

beforeAll(async () => {
  sample = await startSampleUpstream();
  gateway = await startGatewayProcess({
    UPSTREAM_URL: sample.url,
    CURSOR_SECRET: 'config-warnings-secret-0123456789',
    LOG_LEVL: VALUE,
    UPSTREAM_TIMEOUT: VALUE,
    OTEL_SERVICE_NAME: 'config-warnings',
    KUBERNETES_SERVICE_HOST: '10.0.0.1',
    UPSTREAM_PORT: 'tcp://10.0.0.7:80',
  });
});

afterAll(async () => {
  await gateway?.stop('SIGKILL');
  await sample?.close();
});

const warnings = () =>
  gateway.output.flatMap((line) => {
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string };
      return entry.level === 40 && typeof entry.msg === 'string' ? [entry.msg] : [];
    } catch {
      return [];
    }
  });

describe('misspelled variables at start-up', () => {
  it('logs one warning for each, naming the closest setting, once, and never its value', async () => {
    // A few requests later the warnings are still the ones of start-up.
    for (let i = 0; i < 3; i++) {
      const response = await request(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer config-warnings', 'x-tenant': 'config-warnings.example' },
        body: JSON.stringify({ query: '{ auditLogs(first: 1) { totalCount } }' }),
      });
      expect(response.statusCode).toBe(200);
      await response.body.dump();
    }
    const about = (name: string) => warnings().filter((message) => message.startsWith(`${name} `));
    expect(about('LOG_LEVL')).toEqual(['LOG_LEVL is not a setting of the gateway and is ignored; did you mean LOG_LEVEL?']);
    expect(about('UPSTREAM_TIMEOUT')).toEqual(['UPSTREAM_TIMEOUT is not a setting of the gateway and is ignored; did you mean UPSTREAM_TIMEOUT_MS?']);
    expect(gateway.output.join('\n')).not.toContain(VALUE);
  });

  it('names nothing unrelated: other software\'s variables, a Kubernetes service link, PATH or HOME', () => {
    const named = warnings().map((message) => message.split(' ')[0]);
    for (const name of ['OTEL_SERVICE_NAME', 'KUBERNETES_SERVICE_HOST', 'UPSTREAM_PORT', 'PATH', 'HOME', 'NODE_OPTIONS']) expect(named).not.toContain(name);
    expect(named).toContain('LOG_LEVL');
  });
});
