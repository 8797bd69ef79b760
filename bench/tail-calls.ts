/**
 * `npx tsx bench/tail-calls.ts`: upstream calls per minute made by the live tail.
 *
 * The real gateway (in-process, port 0) in front of the real sample upstream; for each
 * scenario it opens the subscriptions (over SSE, or spread over every transport),
 * counts the upstream requests over a
 * short measured run at TAIL_POLL_MS=1000 (the smallest allowed), and scales the count
 * to one minute, and to the default interval of 5000 ms. Bounded: four runs of
 * --seconds each (default 15), at most 100 open streams.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createLogger } from '../src/observability/logger.js';
import { createMetrics } from '../src/observability/metrics.js';
import { startSampleUpstream } from '../tools/sample-upstream/index.js';
import { loadConfig } from '../src/config.js';
import { createUpstream } from '../src/upstream/index.js';
import { createGateway } from '../src/gateway.js';
import { serveWebSockets } from '../src/websocket.js';
import { TAIL_CLIENTS } from '../test/support/tail-clients.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '15' } } });
const seconds = Number(values.seconds);
const POLL_MS = 1_000;

const sample = await startSampleUpstream({ liveWritesEveryMs: 2_000 });
const metrics = createMetrics();
const logger = createLogger('silent');
const config = { ...loadConfig({}), introspection: false, graphiql: false, cursorSecret: ['bench-cursor-secret-0123456789'], tailPollMs: POLL_MS, tailMaxPerCaller: 1_000, tailMax: 1_000 };
const upstream = createUpstream(config, { baseUrl: sample.url, logger, metrics });
const gateway = createGateway({
  config,
  upstream,
  logger,
  metrics,
});
const server = createServer(gateway);
const webSockets = serveWebSockets(server, gateway);
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;

const caller = (i: number) => ({ authorization: `Bearer bench-token-${i}`, 'x-tenant': `tenant-${i}.example` });

/** The transports a scenario spreads its subscribers over, in turn. */
const SSE_ONLY = ['sse'];
const EVERY_TRANSPORT = ['sse', 'single-sse', 'apollo-http', 'apollo-ws'];

async function measure(label: string, callers: number, perCaller: number, transports = SSE_ONLY) {
  const subs = [];
  for (let c = 0; c < callers; c++) {
    for (let s = 0; s < perCaller; s++) subs.push(TAIL_CLIENTS[transports[s % transports.length]!]!(endpoint, caller(c), { filter: { status: 'SUCCEEDED' } }));
  }
  // Let every poller make its first poll, then count.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const before = sample.requests.length;
  const started = Date.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
  const calls = sample.requests.length - before;
  const elapsedMin = (Date.now() - started) / 60_000;
  const events = subs.reduce((sum, sub) => sum + sub.events.length, 0);
  for (const sub of subs) sub.close();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const perMinute = calls / elapsedMin;
  return { label, subscriptions: subs.length, calls, perMinuteAt1s: Math.round(perMinute), perMinuteAt5s: Math.round(perMinute / 5), events };
}

const rows = [];
rows.push(await measure('1 subscriber, one caller and filter', 1, 1));
rows.push(await measure('10 subscribers, one caller and filter', 1, 10));
rows.push(await measure('100 subscribers, one caller and filter', 1, 100));
rows.push(await measure('10 callers with different tokens, 1 each', 10, 1));
rows.push(await measure('10 subscribers, one caller and filter, over SSE, single-connection SSE, multipart and WebSocket', 1, 10, EVERY_TRANSPORT));
console.table(rows);

gateway.close();
await webSockets.close();
server.closeAllConnections();
server.close();
await upstream.close();
await sample.close();
