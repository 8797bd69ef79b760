/**
 * `npx tsx bench/compression.ts`: what response compression saves and costs on the
 * 2000-item page, against the gateway as a process of its own (`src/main.ts`) in
 * front of an in-process sample upstream.
 *
 * 1. The bytes on the wire with no Accept-Encoding, with gzip and with br, of the
 *    benchmark's 25-item and 2000-item pages (seven fields) and of a 2000-item page of
 *    every field but `raw`; each compressed body is decompressed and compared with
 *    the plain one.
 * 2. The gateway process's CPU per request (user + system from /proc, its thread
 *    pool included) for each Accept-Encoding, on the larger 2000-item page and on
 *    the benchmark's 25-item page, in batches that take turns so a busy machine
 *    slows all three alike.
 * 3. Brotli qualities and gzip levels on the larger body: size, and CPU ms for one
 *    compression (synchronous, the median of several), to choose the levels.
 *
 * Options: --batches N (default 10), --size N (2000-item requests per batch, default
 * 20; ten times as many 25-item ones).
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from 'node:zlib';
import { request } from 'undici';
import { startSampleUpstream } from '../tools/sample-upstream/index.js';
import { cpuMs } from './proc-stats.js';
import { freePort, startNodeServer } from './processes.js';
import { CALLER, GATEWAY_PAGE_QUERY } from './scenarios.js';

const { values: options } = parseArgs({
  options: { batches: { type: 'string', default: '10' }, size: { type: 'string', default: '20' } },
});

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const ENCODINGS = ['identity', 'gzip', 'br'] as const;
type Encoding = (typeof ENCODINGS)[number];

const sample = await startSampleUpstream({ now: new Date('2026-11-20T12:00:00Z') });
const gateway = await startNodeServer({
  name: 'gateway',
  args: ['--import', 'tsx', MAIN],
  env: { NODE_ENV: 'production', UPSTREAM_URL: sample.url, CURSOR_SECRET: 'bench-cursor-secret-0123456789', INTROSPECTION: 'false', GRAPHIQL: 'false' },
  port: await freePort(),
  readyPath: '/healthz',
});
const EVERY_FIELD = 'id auditLogId timestamp operation status resellerId resellerName customerId customerName userName correlationId details';
const SMALL_PAGE = JSON.stringify({ query: GATEWAY_PAGE_QUERY, variables: { first: 25, after: null } });
const PAGES = [
  { name: "25-item page, the benchmark's seven fields", body: SMALL_PAGE },
  { name: "2000-item page, the benchmark's seven fields", body: JSON.stringify({ query: GATEWAY_PAGE_QUERY, variables: { first: 2000, after: null } }) },
  { name: '2000-item page, every field but raw', body: JSON.stringify({ query: `{ auditLogs(first: 2000) { totalCount nodes { ${EVERY_FIELD} } } }` }) },
];
let body = PAGES[0]!.body;

async function page(encoding: Encoding): Promise<{ bytes: Buffer; contentEncoding: string | undefined }> {
  const response = await request(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { ...CALLER, 'content-type': 'application/json', accept: 'application/graphql-response+json', ...(encoding === 'identity' ? {} : { 'accept-encoding': encoding }) },
    body,
  });
  const bytes = Buffer.from(await response.body.arrayBuffer());
  if (response.statusCode !== 200) throw new Error(`status ${response.statusCode}`);
  return { bytes, contentEncoding: response.headers['content-encoding'] as string | undefined };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function cpuOnce(run: () => unknown, times = 5): number {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const before = process.cpuUsage();
    run();
    const used = process.cpuUsage(before);
    samples.push((used.user + used.system) / 1000);
  }
  return median(samples);
}

try {
  // 1. Bytes on the wire.
  let plain: { bytes: Buffer } = { bytes: Buffer.alloc(0) };
  for (const { name, body: pageBody } of PAGES) {
    body = pageBody;
    const got = await page('identity');
    if (got.contentEncoding !== undefined) throw new Error('a request without Accept-Encoding was compressed');
    const text = got.bytes.toString('utf8');
    if (text.includes('"errors":')) throw new Error(text.slice(0, 300));
    console.log(`${name}: identity ${got.bytes.length} B`);
    for (const encoding of ['gzip', 'br'] as const) {
      const compressed = await page(encoding);
      if (compressed.contentEncoding !== encoding) throw new Error(`asked for ${encoding}, got ${compressed.contentEncoding}`);
      const decoded = encoding === 'br' ? brotliDecompressSync(compressed.bytes) : gunzipSync(compressed.bytes);
      if (!decoded.equals(got.bytes)) throw new Error(`the ${encoding} body does not decompress to the plain one`);
      console.log(`  ${encoding}: ${compressed.bytes.length} B (${((100 * compressed.bytes.length) / got.bytes.length).toFixed(1)} %)`);
    }
    plain = got;
  }

  // 2. The gateway's CPU per request, by Accept-Encoding: the larger 2000-item page, then the benchmark's 25-item one.
  const larger = body;
  const pages = [
    { name: '2000-item request (every field but raw)', body: larger, size: Number(options.size) },
    { name: '25-item request (seven fields)', body: SMALL_PAGE, size: Number(options.size) * 10 },
  ];
  for (const { name, body: pageBody, size } of pages) {
    body = pageBody;
    const cpu = new Map<Encoding, { ms: number; requests: number }>(ENCODINGS.map((encoding) => [encoding, { ms: 0, requests: 0 }]));
    for (const encoding of ENCODINGS) for (let i = 0; i < size / 2; i++) await page(encoding); // warm-up
    for (let batch = 0; batch < Number(options.batches); batch++) {
      const order = batch % 2 === 0 ? ENCODINGS : [...ENCODINGS].reverse();
      for (const encoding of order) {
        const before = cpuMs(gateway.pid);
        for (let i = 0; i < size; i++) await page(encoding);
        const side = cpu.get(encoding)!;
        side.ms += cpuMs(gateway.pid) - before;
        side.requests += size;
      }
    }
    const perRequest = (encoding: Encoding) => cpu.get(encoding)!.ms / cpu.get(encoding)!.requests;
    console.log(`gateway CPU per ${name}, ${Number(options.batches) * size} requests each:`);
    for (const encoding of ENCODINGS) {
      const extra = perRequest(encoding) - perRequest('identity');
      console.log(`  ${encoding}: ${perRequest(encoding).toFixed(2)} ms${encoding === 'identity' ? '' : ` (${extra >= 0 ? '+' : ''}${extra.toFixed(2)} ms)`}`);
    }
  }

  // 3. Levels, on the same body, in this process (last: the gateway's idle keep-alive connections may close meanwhile).
  console.log('levels (size, CPU ms for one compression, median of 5):');
  for (const quality of [1, 3, 4, 5, 6, 9, 11]) {
    let size = 0;
    const ms = cpuOnce(() => {
      size = brotliCompressSync(plain.bytes, {
        params: { [constants.BROTLI_PARAM_QUALITY]: quality, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_SIZE_HINT]: plain.bytes.length },
      }).length;
    }, quality >= 9 ? 3 : 5);
    console.log(`  br quality ${quality}: ${size} B, ${ms.toFixed(1)} ms`);
  }
  for (const level of [1, 6, 9]) {
    let size = 0;
    const ms = cpuOnce(() => {
      size = gzipSync(plain.bytes, { level }).length;
    });
    console.log(`  gzip level ${level}: ${size} B, ${ms.toFixed(1)} ms`);
  }

} finally {
  await gateway.stop();
  await sample.close();
}
