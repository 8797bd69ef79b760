/**
 * `npm run bench:alloc`: what one request allocates, by allocation site, for the
 * garbage collector's share of the CPU profile (a fifth to a quarter of it). One
 * gateway and the sample upstream run in this process; after a warm-up, V8's sampling
 * heap profiler records every sampled allocation, collected or not, over a series of
 * requests, and the sites with the most bytes per request are listed (the in-process
 * upstream's own allocations included: `tools/sample-upstream/`, and the socket writes
 * of its bodies).
 *
 * Options: --items N (default 2000), --requests N (default 30 at 2000 items, 600 at
 * 25), --top N (default 20).
 */
import { Session } from 'node:inspector/promises';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { createLogger } from '../src/observability/logger.js';
import { createMetrics } from '../src/observability/metrics.js';
import { startSampleUpstream } from '../tools/sample-upstream/index.js';
import { createGateway } from '../src/gateway.js';
import { defaultConfig } from '../src/config.js';
import { createUpstreamClient } from '../src/upstream/client.js';
import { CALLER, GATEWAY_PAGE_QUERY } from './scenarios.js';

const { values: options } = parseArgs({
  options: { items: { type: 'string', default: '2000' }, requests: { type: 'string' }, top: { type: 'string', default: '20' } },
});
const items = Number(options.items);
const requests = Number(options.requests ?? (items > 100 ? 30 : 600));

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingNode[];
}

const sample = await startSampleUpstream({});
const metrics = createMetrics();
const logger = createLogger('info', new Writable({ write: (_chunk, _encoding, done) => done() }));
const config = { ...defaultConfig(), introspection: false, graphiql: false, cursorSecret: ['bench-cursor-secret-0123456789'], upstreamTimeoutMs: 5_000 };
const upstream = createUpstreamClient(config, { baseUrl: sample.url, logger, onCall: metrics.observeUpstreamCall });
const gateway = createGateway({ config, upstream, logger, metrics });
const body = JSON.stringify({ query: GATEWAY_PAGE_QUERY, variables: { first: items, after: null } });

async function send(): Promise<void> {
  const response = await gateway.fetch('http://gateway/graphql', {
    method: 'POST',
    headers: { ...CALLER, 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body,
  });
  const text = await response.text();
  if (text.includes('"errors":')) throw new Error(text.slice(0, 300));
}

/** `function file:line`, with paths cut to the package or to the project. */
function site({ functionName, url, lineNumber }: SamplingNode['callFrame']): string {
  const file = url.replace(/.*node_modules\//, '').replace(/^.*?\/(src|bench)\//, '$1/');
  return `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
}

try {
  for (let i = 0; i < 20; i++) await send();
  const session = new Session();
  session.connect();
  // Collected objects included: garbage is what this is about.
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 1024,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  for (let i = 0; i < requests; i++) await send();
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: SamplingNode } };
  session.disconnect();

  const bytes = new Map<string, number>();
  let total = 0;
  const walk = (node: SamplingNode, caller: string): void => {
    const here = site(node.callFrame);
    if (node.selfSize > 0) {
      const key = `${here}  ← ${caller}`;
      bytes.set(key, (bytes.get(key) ?? 0) + node.selfSize);
      total += node.selfSize;
    }
    for (const child of node.children) walk(child, here);
  };
  walk(profile.head, '');
  const kb = (value: number) => (value / requests / 1024).toFixed(1).padStart(8);
  console.log(`${items} items, ${requests} requests: ${kb(total).trim()} KB allocated per request (gateway and in-process upstream)`);
  for (const [key, value] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, Number(options.top))) console.log(`${kb(value)} KB  ${key}`);
} finally {
  await upstream.close();
  await sample.close();
}
