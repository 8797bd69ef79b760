/**
 * `npm run bench:profile`: a CPU profile of the gateway serving the 25-item page
 * at concurrency 32 (`node --cpu-prof dist/src/main.js`), summarised as the functions
 * with the most self time and the packages they belong to. The .cpuprofile is kept
 * under bench/results/ (open it in Chrome DevTools or speedscope).
 *
 * Options: --seconds N (default 10), --items N (default 25), --no-build,
 * --dist DIR (another build of the gateway, e.g. of an older commit, to compare),
 * --peer bare|yoga-jit|mercurius (profile that peer instead, for what the framework
 * itself costs), --node PATH (another node binary), and any number of
 * --env NAME=VALUE for the gateway.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runLoad } from './load.js';
import { ROOT, cursorOfItem, gatewayTarget, peerTarget, sendOnce, startGateway, startMercuriusPeer, startSample, startYogaPeer } from './scenarios.js';

const { values: options } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    items: { type: 'string', default: '25' },
    'no-build': { type: 'boolean', default: false },
    env: { type: 'string', multiple: true, default: [] },
    top: { type: 'string', default: '15' },
    dist: { type: 'string' },
    peer: { type: 'string' },
    node: { type: 'string' },
  },
});

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a function lives, short: `node_modules/graphql/execution/execute.js:123` or `src/...`. */
function location(url: string, line: number): string {
  const path = url.replace(/^file:\/\//, '');
  const short = path.includes('/node_modules/')
    ? path.slice(path.lastIndexOf('/node_modules/') + '/node_modules/'.length)
    : path.startsWith(ROOT)
      ? path.slice(ROOT.length)
      : path || '(native)';
  return `${short}:${line + 1}`;
}

function packageOf(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const at = path.lastIndexOf('/node_modules/');
  if (at === -1) return path.startsWith(ROOT) ? 'gateway (dist/)' : path.startsWith('node:') ? 'node core' : path === '' ? '(native / vm)' : path;
  const rest = path.slice(at + '/node_modules/'.length).split('/');
  return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
}

/** Self time per function and per package, in ms and as a share of all samples. */
export function summarise(profile: CpuProfile, top: number): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const total = [...selfMs.values()].reduce((a, b) => a + b, 0);
  const isIdle = (id: number) => byId.get(id)!.callFrame.functionName === '(idle)';
  const idle = [...selfMs].filter(([id]) => isIdle(id)).reduce((a, [, ms]) => a + ms, 0);

  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    if (isIdle(id)) continue;
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const key = `${functionName || '(anonymous)'}  ${location(url, lineNumber)}`;
    functions.set(key, (functions.get(key) ?? 0) + ms);
    const pkg = /^\(/.test(functionName) ? functionName : packageOf(url);
    packages.set(pkg, (packages.get(pkg) ?? 0) + ms);
  }
  const busy = total - idle;
  const rows = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([key, ms]) => `  ${((ms / busy) * 100).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(6)} ms  ${key}`)
      .join('\n');
  return (
    `profiled ${total.toFixed(0)} ms, of which busy ${busy.toFixed(0)} ms (shares below are of busy time)\n` +
    `top functions by self time:\n${rows(functions, top)}\n` +
    `by package:\n${rows(packages, 12)}`
  );
}

async function main(): Promise<void> {
  if (!options['no-build']) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const dir = `${ROOT}bench/results/profile-tmp`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const env = Object.fromEntries(options.env.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));

  const { peer, node } = options;
  if (peer !== undefined && !['bare', 'yoga-jit', 'mercurius'].includes(peer)) throw new Error(`--peer ${peer}: expected bare, yoga-jit or mercurius`);
  const sample = await startSample(node);
  try {
    const nodeArgs = ['--cpu-prof', '--cpu-prof-dir', dir];
    const gateway =
      peer === 'mercurius'
        ? await startMercuriusPeer(sample.url, { node, nodeArgs })
        : peer
          ? await startYogaPeer(sample.url, peer === 'yoga-jit', { node, nodeArgs })
          : await startGateway(sample.url, { env, nodeArgs, dist: options.dist, node });
    try {
      const items = Number(options.items);
      const after = items <= 25 && !peer ? await cursorOfItem(gateway.url, 50) : null;
      const target = peer ? peerTarget(gateway.url, items, items <= 25 ? 3 : 1) : gatewayTarget(gateway.url, items, after);
      await sendOnce(target);
      const load = await runLoad(target, 32, Number(options.seconds));
      console.log(`${items} items, c=32: ${load.requestsPerSecond.toFixed(0)} req/s, p50 ${load.p50Ms.toFixed(2)} ms, errors ${load.errors}`);
    } finally {
      await gateway.stop();
    }
  } finally {
    await sample.stop();
  }

  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error('the gateway wrote no profile (did it exit through its SIGTERM handler?)');
  const kept = `${ROOT}bench/results/${peer ?? 'gateway'}-${options.items}-items-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`;
  renameSync(`${dir}/${file}`, kept);
  rmSync(dir, { recursive: true, force: true });
  console.log(summarise(JSON.parse(readFileSync(kept, 'utf8')) as CpuProfile, Number(options.top)));
  console.log(`profile: ${kept.slice(ROOT.length)}`);
}

await main();
