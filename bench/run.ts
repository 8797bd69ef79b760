/**
 * `npm run bench`: what the gateway adds on top of the REST API it wraps, and how it
 * compares with other servers of the same page.
 *
 * On each Node.js of bench/nodes.ts it starts, as separate processes on loopback: the
 * sample upstream, the gateway (`node dist/src/main.js`), plain yoga and yoga with
 * graphql-jit (bench/peers/yoga-server.ts), Fastify + mercurius with `jit: 1`
 * (bench/peers/mercurius-server.ts) and Tailcall (bench/tailcall.ts). It loads each
 * with autocannon at concurrency 1 and 32 after a warm-up, and prints requests/s,
 * latency, errors, the server's CPU per request and peak RSS, and the ratios against
 * the targets, each between servers on the same Node.js. A second gateway, started with
 * PERSISTED_DOCUMENTS holding the page query, serves the same page named by `documentId`
 * (the trusted-document phase, at concurrency 32). Results go to bench/results/.
 *
 * Options: --quick (short phases, for trying the harness), --seconds N, --warmup N,
 * --no-build, --no-variants (skip the gateway-with-switches phases), --no-peers
 * (neither install nor run the benchmark's own packages: plain yoga only, this
 * Node.js only), --this-node-only.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { benchPackage, installBenchPackages } from './install.js';
import { runLoad, type LoadResult, type Target } from './load.js';
import { nodeRuntimes, type NodeRuntime } from './nodes.js';
import { cpuMs, machineLoad, othersBetween, peakRssMb, resetPeakRss, snapshot, type MachineLoad } from './proc-stats.js';
import type { ServerProcess } from './processes.js';
import { printReport, printSummary, ratiosOf, SCENARIO, type PhaseResult, type RunResult, type WalkSummary } from './report.js';
import { startTailcall, tailcallBinary, tailcallTarget } from './tailcall.js';
import {
  cursorOfItem,
  directTarget,
  gatewayTarget,
  idsOf,
  peerTarget,
  resetUpstreamCalls,
  ROOT,
  sendOnce,
  startGateway,
  startMercuriusPeer,
  startSample,
  startYogaPeer,
  trustedDocumentTarget,
  upstreamCalls,
  walk,
  writePageManifest,
} from './scenarios.js';

const { values: options } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    warmup: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    'no-variants': { type: 'boolean', default: false },
    'no-peers': { type: 'boolean', default: false },
    'this-node-only': { type: 'boolean', default: false },
  },
});
const SECONDS = Number(options.seconds ?? (options.quick ? 2 : 4));
const WARMUP = Number(options.warmup ?? (options.quick ? 1 : 2));
const CONCURRENCIES = [1, 32] as const;
const WALK_PAGES = 10;
/** Rounds of the 25-item phases at concurrency 32. */
const ROUNDS = options.quick ? 1 : 3;
const WALK_REPEATS = options.quick ? 2 : 5;

/**
 * The gateway again with one switch flipped, each measured on the 25-item page: the
 * cost (or gain) of a feature, apart from the default configuration the targets are about.
 */
const VARIANTS: Array<{ name: string; env?: Record<string, string>; nodeArgs?: string[] }> = [
  { name: 'coalescing on', env: { UPSTREAM_COALESCE: 'true' } },
  { name: 'response cache 1 s', env: { UPSTREAM_CACHE_TTL_MS: '1000' } },
  // The one feature a switch turns off: the per-operation log line is at info.
  { name: 'LOG_LEVEL=warn', env: { LOG_LEVEL: 'warn' } },
  // V8's young generation against peak RSS: smaller semi-spaces hold less garbage, collect more often.
  { name: 'semi-space 8 MB', nodeArgs: ['--max-semi-space-size=8'] },
];

function build(): void {
  try {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (error) {
    if (!existsSync(`${ROOT}dist/src/main.js`)) throw error;
    console.warn('npm run build failed; measuring the dist/ that is there.');
  }
}

function machine() {
  const cpuModel = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? 'unknown';
  return {
    nproc: Number(execFileSync('nproc', { encoding: 'utf8' }).trim()),
    cpuModel,
    memoryGb: Math.round(Number(/^MemTotal:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0) / 1048576),
  };
}

interface PhaseSpec {
  scenario: string;
  target: Target;
  server: ServerProcess;
  /** The sample upstream, when it is not itself the server measured. */
  upstream?: ServerProcess;
}

/**
 * Waits until a server has stopped working off the previous phase (a load generator
 * that stops leaves requests in flight): under 5 ms of CPU in 200 ms, or 10 s passed.
 */
async function settle(pids: number[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const before = pids.map(cpuMs);
    await new Promise((resolve) => setTimeout(resolve, 200));
    if (pids.every((pid, i) => cpuMs(pid) - before[i]! < 5)) return;
  }
}

/** The round with the median throughput, carrying every round's numbers and the peak RSS over all rounds. */
function medianRound(results: PhaseResult[]): PhaseResult {
  const sorted = [...results].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  return {
    ...sorted[Math.floor(sorted.length / 2)]!,
    peakRssMb: Math.max(...results.map((r) => r.peakRssMb)),
    rounds: results.map((r) => ({ requestsPerSecond: r.requestsPerSecond, cpuMsPerRequest: r.cpuMsPerRequest, p50Ms: r.p50Ms })),
  };
}

async function measure(spec: PhaseSpec, connections: number, ownPids: number[]): Promise<PhaseResult> {
  const { server, upstream } = spec;
  await settle(ownPids);
  resetPeakRss(server.pid);
  const warmup = await runLoad(spec.target, connections, WARMUP);
  const cpuBefore = cpuMs(server.pid);
  const upstreamBefore = upstream ? cpuMs(upstream.pid) : 0;
  const othersBefore = snapshot();
  const started = performance.now();
  const load: LoadResult = await runLoad(spec.target, connections, SECONDS);
  const elapsed = performance.now() - started;
  const others = othersBetween(othersBefore, snapshot(), ownPids, elapsed);
  const cpu = cpuMs(server.pid) - cpuBefore;
  const upstreamCpu = upstream ? cpuMs(upstream.pid) - upstreamBefore : null;
  const result: PhaseResult = {
    scenario: spec.scenario,
    server: server.name,
    ...load,
    warmupResponses: warmup.responses,
    cpuMsPerRequest: cpu / Math.max(1, load.responses),
    upstreamCpuMsPerRequest: upstreamCpu === null ? null : upstreamCpu / Math.max(1, load.responses),
    peakRssMb: peakRssMb(server.pid),
    othersCores: others.othersCores,
  };
  console.log(
    `  ${spec.scenario.padEnd(36)} c=${String(connections).padEnd(3)} ${load.requestsPerSecond.toFixed(0).padStart(6)} req/s` +
      `  p50 ${load.p50Ms.toFixed(2)} ms  p99 ${load.p99Ms.toFixed(2)} ms  cpu ${result.cpuMsPerRequest.toFixed(3)} ms/req` +
      `  rss ${result.peakRssMb.toFixed(0)} MB  errors ${load.errors}  others ${others.othersCores.toFixed(2)} cores`,
  );
  return result;
}

/** Every server of one run, started on one Node.js; the peers that cannot start are left out, said why. */
async function startServers(node: NodeRuntime, servers: ServerProcess[], notes: string[]) {
  const start = async <T extends ServerProcess>(name: string, starting: () => Promise<T>): Promise<T | undefined> => {
    try {
      const server = await starting();
      servers.push(server);
      return server;
    } catch (error) {
      notes.push(`${name}: ABSENT (it did not start: ${(error as Error).message.split('\n').slice(0, 3).join(' ')})`);
      return undefined;
    }
  };
  const sample = await start('sample upstream', () => startSample(node.binary));
  const gateway = sample && (await start('gateway', () => startGateway(sample.url, { node: node.binary })));
  // The same build with the page query in its manifest, asked for by documentId.
  const trusted = sample && (await start('gateway (trusted documents)', () => startGateway(sample.url, { node: node.binary, name: 'gateway (trusted documents)', env: { PERSISTED_DOCUMENTS: writePageManifest() } })));
  if (!sample || !gateway || !trusted) throw new Error(notes.join('\n'));
  const bare = await start('bare yoga', () => startYogaPeer(sample.url, false, { node: node.binary }));
  const peers = !options['no-peers'] && installBenchPackages().ok;
  const yogaJit = peers && benchPackage('@envelop/graphql-jit') ? await start('yoga + graphql-jit', () => startYogaPeer(sample.url, true, { node: node.binary })) : undefined;
  const mercurius = peers && benchPackage('mercurius') ? await start('mercurius + jit', () => startMercuriusPeer(sample.url, { node: node.binary })) : undefined;
  let tailcall: ServerProcess | undefined;
  if (peers) {
    const found = tailcallBinary();
    if ('absent' in found) notes.push(`tailcall: ABSENT (${found.absent})`);
    else tailcall = await start('tailcall', () => startTailcall(found.binary, sample.url));
  }
  if (!peers) notes.push(options['no-peers'] ? 'peers: skipped (--no-peers)' : `peers: ABSENT (${(installBenchPackages() as { why: string }).why})`);
  return { sample, gateway, trusted, bare, yogaJit, mercurius, tailcall };
}

/** One complete run on one Node.js: every phase, the walk, the variants when asked, and the ratios. */
async function runOn(node: NodeRuntime, withVariants: boolean): Promise<RunResult> {
  console.log(`\n== Node.js ${node.version} ==`);
  const servers: ServerProcess[] = [];
  const notes: string[] = [];
  const stopAll = () => Promise.all(servers.map((s) => s.stop()));
  const onSigint = () => void stopAll().then(() => process.exit(130));
  process.once('SIGINT', onSigint);
  try {
    const { sample, gateway, trusted, bare, yogaJit, mercurius, tailcall } = await startServers(node, servers, notes);
    for (const note of notes) console.log(note);
    // The servers still running (a variant's gateway is stopped once measured).
    const ownPids = () => servers.map((s) => s.pid).filter((pid) => existsSync(`/proc/${pid}`));

    const loadBefore = await machineLoad(ownPids());
    console.log(describeLoad('machine before', loadBefore));

    // The same 25 items every way: direct page 3, each peer's page 3, the gateway after item 50.
    const after50 = await cursorOfItem(gateway.url, 50);
    const direct25 = directTarget(sample.url, 25, 3);
    const gateway25 = gatewayTarget(gateway.url, 25, after50);
    const trusted25 = trustedDocumentTarget(trusted.url, 25, await cursorOfItem(trusted.url, 50));
    const peers25: Array<{ scenario: string; server: ServerProcess; target: Target }> = [];
    for (const [scenario, server] of [
      [SCENARIO.bare, bare],
      [SCENARIO.yogaJit, yogaJit],
      [SCENARIO.mercurius, mercurius],
    ] as const) {
      if (server) peers25.push({ scenario, server, target: peerTarget(server.url, 25, 3) });
    }
    if (tailcall) peers25.push({ scenario: SCENARIO.tailcall, server: tailcall, target: tailcallTarget(tailcall.url, 25, 3) });
    const direct2000 = directTarget(sample.url, 2000, 1);
    const gateway2000 = gatewayTarget(gateway.url, 2000, null);

    const ids25 = idsOf(await sendOnce(direct25));
    // The gateway's ids are global object ids: its page is checked by size.
    if (ids25.length !== 25 || idsOf(await sendOnce(gateway25)).length !== 25) throw new Error('the gateway does not serve a 25-item page');
    if (JSON.stringify(await sendOnce(trusted25)) !== JSON.stringify(await sendOnce(gatewayTarget(trusted.url, 25, JSON.parse(trusted25.body!).variables.after)))) {
      throw new Error('the gateway does not serve the same page by documentId as by its text');
    }
    for (const peer of peers25) {
      if (idsOf(await sendOnce(peer.target)).join() !== ids25.join()) throw new Error(`${peer.server.name} does not serve the same 25 items`);
    }
    if (idsOf(await sendOnce(direct2000)).length !== 2000 || idsOf(await sendOnce(gateway2000)).length !== 2000) throw new Error('the 2000-item pages are not full');
    // No cache, no deduplication: every request is one upstream call, for every server.
    for (const [name, target] of [['gateway', gateway25], ['gateway by trusted document', trusted25], ...peers25.map((p) => [p.server.name, p.target] as const)] as const) {
      const calls = await upstreamCallsFor(sample.url, target, 10);
      if (calls !== 10) throw new Error(`${name} made ${calls} upstream calls for 10 requests`);
    }
    console.log(`the same 25 items from ${peers25.length + 1} servers, one upstream call per request`);

    const specs25: PhaseSpec[] = [
      { scenario: SCENARIO.direct25, target: direct25, server: sample },
      ...peers25.map((p) => ({ ...p, upstream: sample })),
      { scenario: SCENARIO.gateway25, target: gateway25, server: gateway, upstream: sample },
    ];
    // Measured at concurrency 32 only, in the same interleaved rounds.
    const trustedSpec: PhaseSpec = { scenario: SCENARIO.gatewayTrusted25, target: trusted25, server: trusted, upstream: sample };
    const specs2000: PhaseSpec[] = [
      { scenario: SCENARIO.direct2000, target: direct2000, server: sample },
      { scenario: SCENARIO.gateway2000, target: gateway2000, server: gateway, upstream: sample },
    ];
    const phases: PhaseResult[] = [];
    for (const connections of CONCURRENCIES) {
      console.log(`concurrency ${connections}:`);
      for (const spec of specs2000) phases.push(await measure(spec, connections, ownPids()));
      if (connections === 1) {
        for (const spec of specs25) phases.push(await measure(spec, connections, ownPids()));
        continue;
      }
      // The 25-item comparison at concurrency 32 is what the ratios rest on: measured in
      // interleaved rounds, each scenario's median round is reported (this VM's speed drifts).
      const specs32 = [...specs25, trustedSpec];
      const rounds: PhaseResult[][] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const results: PhaseResult[] = [];
        for (const spec of specs32) results.push(await measure(spec, connections, ownPids()));
        rounds.push(results);
      }
      specs32.forEach((_, i) => phases.push(medianRound(rounds.map((round) => round[i]!))));
    }

    // The walk: calls counted by the sample upstream over one walk, time over several.
    await settle(ownPids());
    await resetUpstreamCalls(sample.url);
    const first = await walk(gateway.url, WALK_PAGES);
    const calls = await upstreamCalls(sample.url);
    const times = [first.ms];
    for (let i = 1; i < WALK_REPEATS; i++) times.push((await walk(gateway.url, WALK_PAGES)).ms);
    times.sort((a, b) => a - b);
    const walkSummary: WalkSummary = {
      pages: WALK_PAGES,
      pageSize: 100,
      items: first.items,
      upstreamCalls: calls,
      medianMs: times[Math.floor(times.length / 2)]!,
      runs: times.length,
    };
    console.log(`  ${WALK_PAGES}-page walk: ${walkSummary.medianMs.toFixed(1)} ms (median of ${times.length}), ${calls} upstream calls`);

    for (const server of servers) if (server !== sample) await server.stop();

    const variants: PhaseResult[] = [];
    if (withVariants) {
      for (const variant of VARIANTS) {
        console.log(`gateway, ${variant.name}:`);
        const server = await startGateway(sample.url, { env: variant.env, nodeArgs: variant.nodeArgs, name: `gateway (${variant.name})`, node: node.binary });
        servers.push(server);
        const cursor = await cursorOfItem(server.url, 50);
        const target = gatewayTarget(server.url, 25, cursor);
        await sendOnce(target);
        await settle(ownPids());
        await resetUpstreamCalls(sample.url);
        const measured = await measure({ scenario: `${SCENARIO.gateway25}, ${variant.name}`, target, server, upstream: sample }, 32, ownPids());
        const calls = await upstreamCalls(sample.url);
        measured.upstreamCallsPerRequest = calls / (measured.responses + measured.warmupResponses);
        console.log(`    upstream calls per request: ${measured.upstreamCallsPerRequest.toFixed(3)}`);
        variants.push(measured);
        await server.stop();
      }
    }

    const loadAfter = await machineLoad(ownPids());
    console.log(describeLoad('machine after', loadAfter));
    return {
      node: node.version,
      notes,
      quiet: { before: loadBefore, after: loadAfter, maxOthersCoresDuringPhases: Math.max(...phases.map((p) => p.othersCores)) },
      phases,
      walk: walkSummary,
      ratios: ratiosOf(phases, walkSummary),
      variants,
    };
  } finally {
    process.off('SIGINT', onSigint);
    await stopAll();
  }
}

async function main(): Promise<void> {
  const startedAt = new Date();
  if (!options['no-build']) build();
  const { runtimes, notes } = nodeRuntimes(options['this-node-only'] || options['no-peers']);
  for (const note of notes) console.log(note);
  const runs: RunResult[] = [];
  // The switches are measured once, on this Node.js.
  for (const [i, node] of runtimes.entries()) runs.push(await runOn(node, i === 0 && !options['no-variants']));

  const result = {
    startedAt: startedAt.toISOString(),
    machine: machine(),
    settings: { seconds: SECONDS, warmupSeconds: WARMUP, concurrencies: CONCURRENCIES, rounds: ROUNDS, quick: options.quick },
    notes,
    runs,
  };
  for (const run of runs) printReport(result.machine, run);
  printSummary(runs);
  mkdirSync(`${ROOT}bench/results`, { recursive: true });
  const file = `${ROOT}bench/results/${startedAt.toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwritten to ${file.slice(ROOT.length)}`);
}

/** Upstream calls the sample upstream counted while `target` was sent `requests` times, one after the other. */
async function upstreamCallsFor(sampleUrl: string, target: Target, requests: number): Promise<number> {
  await resetUpstreamCalls(sampleUrl);
  for (let i = 0; i < requests; i++) await sendOnce(target);
  return upstreamCalls(sampleUrl);
}

function describeLoad(label: string, load: MachineLoad): string {
  const busy = load.busyProcesses.length > 0 ? `; busy: ${load.busyProcesses.join(' | ')}` : '';
  return `${label}: load average ${load.loadAverage1m}, other processes ${load.othersCores.toFixed(2)} cores${busy}`;
}

await main();
