import { readFileSync } from 'node:fs';
import { request } from 'undici';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_DOCUMENT_CACHE_BYTES } from '../../src/plugins/document-cache.js';
import { CALLER } from '../support/harness.js';
import { useSampleUpstream } from '../support/use-sample-upstream.js';
import { connectInspector, type Inspector } from './support/inspector.js';
import { startGatewayProcess, type GatewayProcess } from './support/gateway-process.js';

/**
 * A flood of distinct large documents against the real gateway process, run with the
 * heap the Kubernetes manifests give it. Sent without credentials they leave nothing
 * behind; sent with invented well-formed ones they fill the document cache up to its
 * bound; either way the process keeps serving.
 */

const CONFIG_MAP = new URL('../../deploy/kubernetes/configmap.yaml', import.meta.url);
/** NODE_OPTIONS exactly as the manifests set it (the old generation's size). */
const MANIFEST_NODE_OPTIONS = (parse(readFileSync(CONFIG_MAP, 'utf8')) as { data: Record<string, string> }).data.NODE_OPTIONS!;
const MIB = 1024 * 1024;

/**
 * About 6 KB and 2,000 tokens (the token limit), each text distinct. Held, one costs
 * about 0.95 MB: 400 of them would fill the old generation the manifests give.
 */
const floodDocument = (n: number) => `query Flood${n} { ${'ab '.repeat(1990)}}`;
const FLOOD = 400;
const CONCURRENCY = 8;
const INVENTED = { authorization: 'Bearer x', 'x-tenant': 'y' };

const sample = useSampleUpstream();
let gateway: GatewayProcess | undefined;
let inspector: Inspector | undefined;

afterEach(async () => {
  inspector?.close();
  await gateway?.stop('SIGKILL');
  [gateway, inspector] = [undefined, undefined];
});

/** Sends the flood documents numbered from `first`, CONCURRENCY at a time; the statuses answered, by count. */
async function flood(url: string, first: number, headers: Record<string, string>): Promise<Record<number, number>> {
  const statuses: Record<number, number> = {};
  let next = first;
  const worker = async () => {
    while (next < first + FLOOD) {
      const response = await request(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
        body: JSON.stringify({ query: floodDocument(next++) }),
      }).catch((error: unknown) => {
        const output = gateway!.output;
        throw new Error(`${String(error)}; the gateway: ${output.find((line) => line.includes('FATAL ERROR')) ?? output.slice(-3).join('\n')}`);
      });
      await response.body.dump();
      statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return statuses;
}

/** Alive, healthy, and answering an ordinary query from the upstream. */
async function expectServing(url: string): Promise<void> {
  expect(gateway!.child.exitCode).toBeNull();
  const health = await request(`${url}/healthz`);
  await health.body.dump();
  expect(health.statusCode).toBe(200);
  const page = await request(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...CALLER },
    body: JSON.stringify({ query: '{ auditLogs(first: 2) { totalCount nodes { auditLogId } } }' }),
  });
  const body = (await page.body.json()) as { data?: { auditLogs: { totalCount: number; nodes: unknown[] } } };
  expect(body.data?.auditLogs.nodes).toHaveLength(2);
}

/** Heap bytes in use after a full collection, as /metrics reports them. */
async function liveHeap(url: string): Promise<number> {
  await inspector!.collectGarbage();
  const metrics = await request(`${url}/metrics`);
  const text = await metrics.body.text();
  const value = /^nodejs_heap_size_used_bytes (\d+(?:\.\d+)?)$/m.exec(text)?.[1];
  expect(value, 'nodejs_heap_size_used_bytes on /metrics').toBeDefined();
  return Number(value);
}

describe('a flood of distinct large documents', () => {
  it('leaves nothing behind without credentials, fills the cache only to its bound with invented ones, and the process keeps serving', async () => {
    expect(MANIFEST_NODE_OPTIONS).toMatch(/--max-old-space-size=\d+/);
    gateway = await startGatewayProcess({ UPSTREAM_URL: sample.url, NODE_OPTIONS: `${MANIFEST_NODE_OPTIONS} --inspect=127.0.0.1:0` });
    inspector = await connectInspector(gateway.output);
    const oldSpaceMiB = Number(/--max-old-space-size=(\d+)/.exec(MANIFEST_NODE_OPTIONS)![1]);
    // The manifests' limit is the one in force (V8 adds the young generation to it).
    const limit = await inspector.evaluate<number>(`process.getBuiltinModule('node:v8').getHeapStatistics().heap_size_limit`);
    expect(limit).toBeGreaterThanOrEqual(oldSpaceMiB * MIB);
    expect(limit).toBeLessThan((oldSpaceMiB + 128) * MIB);

    await expectServing(gateway.url);
    const before = await liveHeap(gateway.url);

    // Each document is parsed, validated and refused (its fields do not exist).
    expect(await flood(gateway.url, 0, {})).toEqual({ 400: FLOOD });
    await expectServing(gateway.url);
    const afterAnonymous = await liveHeap(gateway.url);
    // Held in the cache, they would be some 12 MB (as many as its bound admits).
    expect(afterAnonymous - before).toBeLessThan(6 * MIB);

    expect(await flood(gateway.url, FLOOD, INVENTED)).toEqual({ 400: FLOOD });
    await expectServing(gateway.url);
    const afterInvented = await liveHeap(gateway.url);
    expect(afterInvented - before).toBeLessThan(DEFAULT_DOCUMENT_CACHE_BYTES + 16 * MIB);
    expect(afterInvented).toBeLessThan(oldSpaceMiB * MIB * 0.5);
  });
});
