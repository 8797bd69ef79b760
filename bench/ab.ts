/**
 * `npm run bench:ab`: two or more builds or settings of the gateway side by side in
 * one run, for what one change buys. Each variant is a gateway process in front of
 * the same sample upstream; the 25-item page at concurrency 32 and the 2000-item
 * page at concurrency 1 are measured in interleaved rounds (this VM's speed drifts)
 * and the median round of each is printed: CPU per request, p50, peak RSS.
 *
 *   npm run bench:ab -- --variant 'before|/tmp/before/dist' --variant 'after|dist' \
 *     --variant 'semi 32|dist|NODE_OPTIONS=--max-semi-space-size=32'
 *
 * A variant is `label|dist directory|NAME=VALUE --node-flag ...` (the last part
 * optional: environment variables, and flags for node itself).
 * Options: --rounds N (default 3), --seconds N (default 4), --no-2000, --trusted (every
 * variant runs with PERSISTED_DOCUMENTS holding the page query, and the 25-item page is
 * asked for by documentId; e.g. `--trusted --no-2000` with one variant
 * `TRUSTED_DOCUMENTS_FAST_PATH=false`).
 */
import { parseArgs } from 'node:util';
import { runLoad, type Target } from './load.js';
import { cpuMs, peakRssMb, resetPeakRss } from './proc-stats.js';
import type { ServerProcess } from './processes.js';
import { cursorOfItem, gatewayTarget, ROOT, sendOnce, startGateway, startSample, trustedDocumentTarget, writePageManifest } from './scenarios.js';

const { values: options } = parseArgs({
  options: {
    variant: { type: 'string', multiple: true, default: [] },
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '4' },
    'no-2000': { type: 'boolean', default: false },
    trusted: { type: 'boolean', default: false },
  },
});

interface Variant {
  label: string;
  dist: string;
  env: Record<string, string>;
  nodeArgs: string[];
}

function variantOf(spec: string): Variant {
  const [label, dist, env = ''] = spec.split('|');
  if (!label || !dist) throw new Error(`a variant is "label|dist|NAME=VALUE ...", got "${spec}"`);
  const words = env.split(' ').filter(Boolean);
  const pairs = words.filter((word) => !word.startsWith('--')).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]);
  const nodeArgs = words.filter((word) => word.startsWith('--'));
  return { label, dist: dist.startsWith('/') ? dist : `${ROOT}${dist}`, env: Object.fromEntries(pairs), nodeArgs };
}

interface Measured {
  cpuMsPerRequest: number;
  p50Ms: number;
  peakRssMb: number;
  requestsPerSecond: number;
}

async function measure(server: ServerProcess, target: Target, connections: number, seconds: number): Promise<Measured> {
  resetPeakRss(server.pid);
  await runLoad(target, connections, 1);
  const before = cpuMs(server.pid);
  const load = await runLoad(target, connections, seconds);
  return {
    cpuMsPerRequest: (cpuMs(server.pid) - before) / Math.max(1, load.responses),
    p50Ms: load.p50Ms,
    peakRssMb: peakRssMb(server.pid),
    requestsPerSecond: load.requestsPerSecond,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const variants = options.variant.map(variantOf);
  if (variants.length < 2) throw new Error('give at least two --variant');
  const rounds = Number(options.rounds);
  const seconds = Number(options.seconds);
  const sample = await startSample();
  const manifest: Record<string, string> = options.trusted ? { PERSISTED_DOCUMENTS: writePageManifest() } : {};
  const servers: ServerProcess[] = [];
  try {
    const targets: Array<{ page: Target; big: Target }> = [];
    for (const variant of variants) {
      const server = await startGateway(sample.url, { dist: variant.dist, env: { ...manifest, ...variant.env }, nodeArgs: variant.nodeArgs, name: variant.label });
      servers.push(server);
      const after = await cursorOfItem(server.url, 50);
      const page = options.trusted ? trustedDocumentTarget(server.url, 25, after) : gatewayTarget(server.url, 25, after);
      const big = gatewayTarget(server.url, 2000, null);
      await sendOnce(page);
      await sendOnce(big);
      targets.push({ page, big });
    }
    const results = variants.map(() => ({ page: [] as Measured[], big: [] as Measured[] }));
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < variants.length; i++) {
        results[i]!.page.push(await measure(servers[i]!, targets[i]!.page, 32, seconds));
        if (!options['no-2000']) results[i]!.big.push(await measure(servers[i]!, targets[i]!.big, 1, seconds));
      }
      console.log(`round ${round + 1} of ${rounds} done`);
    }
    console.log(`\nmedian of ${rounds} interleaved rounds (ratios against the first variant)`);
    const base = results[0]!;
    const cpu = (m: Measured[]) => median(m.map((x) => x.cpuMsPerRequest));
    const p50 = (m: Measured[]) => median(m.map((x) => x.p50Ms));
    const rss = (m: Measured[]) => Math.max(...m.map((x) => x.peakRssMb));
    for (let i = 0; i < variants.length; i++) {
      const r = results[i]!;
      const line = [
        variants[i]!.label.padEnd(24),
        `25 items c=32: cpu ${cpu(r.page).toFixed(3)} ms/req (${(cpu(r.page) / cpu(base.page)).toFixed(2)}×)`,
        `peak RSS ${rss(r.page).toFixed(0)} MB`,
      ];
      if (!options['no-2000']) {
        line.push(`2000 items c=1: p50 ${p50(r.big).toFixed(2)} ms (${(p50(r.big) / p50(base.big)).toFixed(2)}×), cpu ${cpu(r.big).toFixed(2)} ms/req`);
      }
      console.log(line.join('  '));
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await sample.stop();
  }
}

await main();
