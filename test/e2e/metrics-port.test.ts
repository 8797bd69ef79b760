import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startSampleUpstream, type SampleUpstream } from '../../tools/sample-upstream/index.js';
import { startGatewayProcess, type GatewayProcess } from './support/gateway-process.js';

/**
 * METRICS_PORT, on the real process: /metrics is served on that port alone, by its
 * own listener on HOST, and the public port answers it 404; unset, /metrics stays on
 * the public port.
 */

const CALLER = { authorization: 'Bearer metrics-port', 'x-tenant': 'metrics-port.example' };

let sample: SampleUpstream;
let separate: GatewayProcess;
let shared: GatewayProcess;

beforeAll(async () => {
  sample = await startSampleUpstream();
  const env = { UPSTREAM_URL: sample.url, CURSOR_SECRET: 'metrics-port-secret-0123456789' };
  [separate, shared] = await Promise.all([startGatewayProcess({ ...env, METRICS_PORT: '0' }), startGatewayProcess(env)]);
});

afterAll(async () => {
  await Promise.all([separate, shared].map((gateway) => gateway?.stop('SIGKILL')));
  await sample?.close();
});

/** The metrics listener's URL, from the line the process logs once it listens. */
function metricsUrl(gateway: GatewayProcess): string {
  for (const line of gateway.output) {
    try {
      const entry = JSON.parse(line) as { metricsPort?: unknown; host?: unknown };
      if (typeof entry.metricsPort === 'number') {
        expect(entry.host).toBe('127.0.0.1');
        return `http://127.0.0.1:${entry.metricsPort}`;
      }
    } catch {
      // not a log line
    }
  }
  throw new Error(`no metrics listener was logged:\n${gateway.output.join('\n')}`);
}

async function get(url: string, method: 'GET' | 'POST' = 'GET') {
  const response = await request(url, { method });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

async function operation(gateway: GatewayProcess): Promise<void> {
  const response = await request(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...CALLER },
    body: JSON.stringify({ query: 'query MetricsPortProbe { auditLogs(first: 1) { totalCount } }' }),
  });
  expect(response.statusCode).toBe(200);
  await response.body.dump();
}

const operationsCounted = (text: string): number =>
  text
    .split('\n')
    .filter((line) => line.startsWith('gateway_operation_duration_seconds_count{'))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);

describe('METRICS_PORT', () => {
  it('serves /metrics on its own port, counting the public port\'s operations, with the process metrics', async () => {
    const url = `${metricsUrl(separate)}/metrics`;
    expect(url).not.toBe(`${separate.url}/metrics`);
    const before = operationsCounted((await get(url)).text);
    await operation(separate);
    await operation(separate);
    const scrape = await get(url);
    expect(scrape.status).toBe(200);
    expect(String(scrape.headers['content-type'])).toMatch(/^text\/plain/);
    expect(operationsCounted(scrape.text)).toBe(before + 2);
    expect(scrape.text).toMatch(/^process_cpu_seconds_total /m);
  });

  it('no longer serves /metrics on the public port, and serves nothing else on the metrics port', async () => {
    const onPublic = await get(`${separate.url}/metrics`);
    expect(onPublic.status).toBe(404);
    expect(onPublic.text).not.toContain('gateway_operation_duration_seconds');
    const base = metricsUrl(separate);
    expect((await get(`${base}/graphql`)).status).toBe(404);
    expect((await get(`${base}/healthz`)).status).toBe(404);
    expect((await get(`${base}/metrics`, 'POST')).status).toBe(405);
  });

  it('unset, /metrics stays on the public port and no other listener is opened', async () => {
    const scrape = await get(`${shared.url}/metrics`);
    expect(scrape.status).toBe(200);
    expect(scrape.text).toContain('gateway_operation_duration_seconds');
    expect(shared.output.some((line) => line.includes('"metricsPort"'))).toBe(false);
  });
});
