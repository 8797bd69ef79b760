/**
 * `npm run bench:executor`: the compiled executor against the standard one, in one
 * process, request after request, so that a busy machine slows both alike. Two
 * gateways (compiled execution on and off) share one in-process sample upstream;
 * batches of requests alternate between them and each side's CPU time
 * (`process.cpuUsage`, the upstream's share included, identical on both sides) is
 * summed. The difference per request is what compiled execution saves.
 *
 * Options: --batches N (default 20), --size N (requests per batch, default 100 at
 * 25 items, a tenth of it at 2000).
 */
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { createLogger } from '../src/observability/logger.js';
import { createMetrics } from '../src/observability/metrics.js';
import { startSampleUpstream } from '../tools/sample-upstream/index.js';
import { createGateway, type Gateway } from '../src/gateway.js';
import { defaultConfig } from '../src/config.js';
import { createUpstreamClient } from '../src/upstream/client.js';
import { CALLER, GATEWAY_PAGE_QUERY } from './scenarios.js';

const { values: options } = parseArgs({
  options: { batches: { type: 'string', default: '20' }, size: { type: 'string' } },
});

const sample = await startSampleUpstream({});
const clients: Array<{ close(): Promise<void> }> = [];

function gateway(compiledExecution: boolean): Gateway {
  const metrics = createMetrics();
  const logger = createLogger('info', new Writable({ write: (_chunk, _encoding, done) => done() }));
  const config = { ...defaultConfig(), introspection: false, graphiql: false, compiledExecution, cursorSecret: ['bench-cursor-secret-0123456789'], upstreamTimeoutMs: 5_000 };
  const upstream = createUpstreamClient(config, { baseUrl: sample.url, logger, onCall: metrics.observeUpstreamCall });
  clients.push(upstream);
  return createGateway({ config, upstream, logger, metrics });
}

async function send(target: Gateway, body: string): Promise<void> {
  const response = await target.fetch('http://gateway/graphql', {
    method: 'POST',
    headers: { ...CALLER, 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body,
  });
  const text = await response.text();
  if (text.includes('"errors":')) throw new Error(text.slice(0, 300));
}

function cpuMsNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

const sides = [
  { name: 'standard executor', gateway: gateway(false), cpuMs: 0, requests: 0 },
  { name: 'compiled execution', gateway: gateway(true), cpuMs: 0, requests: 0 },
];
try {
  for (const items of [25, 2000]) {
    const body = JSON.stringify({ query: GATEWAY_PAGE_QUERY, variables: { first: items, after: null } });
    const size = Number(options.size ?? 100) / (items > 25 ? 10 : 1);
    for (const side of sides) {
      side.cpuMs = 0;
      side.requests = 0;
      for (let i = 0; i < size; i++) await send(side.gateway, body); // warm-up
    }
    for (let batch = 0; batch < Number(options.batches); batch++) {
      for (const side of batch % 2 === 0 ? sides : [...sides].reverse()) {
        const before = cpuMsNow();
        for (let i = 0; i < size; i++) await send(side.gateway, body);
        side.cpuMs += cpuMsNow() - before;
        side.requests += size;
      }
    }
    const [standard, compiled] = sides.map((side) => side.cpuMs / side.requests) as [number, number];
    console.log(
      `${items} items: standard ${standard.toFixed(3)} ms/request, compiled ${compiled.toFixed(3)} ms/request ` +
        `(gateway and in-process upstream together): ${(standard - compiled).toFixed(3)} ms less, ${(compiled / standard).toFixed(2)}×`,
    );
  }
} finally {
  await Promise.all(clients.map((client) => client.close()));
  await sample.close();
}
