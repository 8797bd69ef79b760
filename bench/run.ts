/**
 * `npm run bench`: what the gateway adds on top of the REST API it wraps.
 *
 * Starts the sample upstream, the gateway (`node dist/src/main.js`), the bare
 * baseline (bench/bare-server.ts) and Tailcall (bench/tailcall.ts) as separate
 * processes on loopback, loads each with autocannon at concurrency 1 and 32 after
 * a warm-up, and prints requests/s, latency, errors, the server's CPU per request
 * and peak RSS, and the ratios against the targets of the performance issue.
 * Results go to bench/results/.
 *
 * Options: --quick (short phases, for trying the harness), --seconds N, --warmup N,
 * --no-build, --no-variants (skip the gateway-with-switches phases), --no-tailcall
 * (neither install nor run Tailcall).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { runLoad, type LoadResult, type Target } from './load.js';
import { cpuMs, machineLoad, othersBetween, peakRssMb, resetPeakRss, snapshot, type MachineLoad } from './proc-stats.js';
import type { ServerProcess } from './processes.js';
import { printReport, ratiosOf, type PhaseResult, type WalkSummary } from './report.js';
import { startTailcall, tailcallBinary, tailcallTarget } from './tailcall.js';
import {
  bareTarget,
  cursorOfItem,
  directTarget,
  gatewayTarget,
  idsOf,
  resetUpstreamCalls,
  ROOT,
  sendOnce,
  startBare,
  startGateway,
  startSample,
  upstreamCalls,
  walk,
} from './scenarios.js';

const { values: options } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    warmup: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    'no-variants': { type: 'boolean', default: false },
    'no-tailcall': { type: 'boolean', default: false },
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
  { name: 'old space 128 MB', nodeArgs: ['--max-old-space-size=128'] },
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
    node: process.version,
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

/** The round with the median throughput, carrying every round's req/s and CPU for the record. */
function medianRound(results: PhaseResult[]): PhaseResult {
  const sorted = [...results].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  return {
    ...sorted[Math.floor(sorted.length / 2)]!,
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
    `  ${spec.scenario.padEnd(28)} c=${String(connections).padEnd(3)} ${load.requestsPerSecond.toFixed(0).padStart(6)} req/s` +
      `  p50 ${load.p50Ms.toFixed(2)} ms  p99 ${load.p99Ms.toFixed(2)} ms  cpu ${result.cpuMsPerRequest.toFixed(3)} ms/req` +
      `  errors ${load.errors}  others ${others.othersCores.toFixed(2)} cores`,
  );
  return result;
}

async function main(): Promise<void> {
  const startedAt = new Date();
  if (!options['no-build']) build();

  const servers: ServerProcess[] = [];
  const stopAll = () => Promise.all(servers.map((s) => s.stop()));
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));

  try {
    const sample = await startSample();
    servers.push(sample);
    const gateway = await startGateway(sample.url);
    servers.push(gateway);
    const bare = await startBare(sample.url);
    servers.push(bare);
    const tailcall = await startTailcallIfThere(sample.url);
    if (tailcall) servers.push(tailcall);
    // The servers still running (a variant's gateway is stopped once measured).
    const ownPids = () => servers.map((s) => s.pid).filter((pid) => existsSync(`/proc/${pid}`));

    const loadBefore = await machineLoad(ownPids());
    console.log(describeLoad('machine before', loadBefore));

    // The same 25 items three ways: direct page 3, the bare resolver's page 3, the gateway after item 50.
    const after50 = await cursorOfItem(gateway.url, 50);
    const direct25 = directTarget(sample.url, 25, 3);
    const bare25 = bareTarget(bare.url, 25, 3);
    const gateway25 = gatewayTarget(gateway.url, 25, after50);
    const direct2000 = directTarget(sample.url, 2000, 1);
    const gateway2000 = gatewayTarget(gateway.url, 2000, null);
    const pages = await Promise.all([direct25, bare25, gateway25, direct2000, gateway2000].map(sendOnce));
    const [ids25, bareIds, gatewayIds, ids2000, gatewayIds2000] = pages.map(idsOf);
    if (ids25!.length !== 25 || bareIds!.join() !== ids25!.join() || gatewayIds!.length !== 25) {
      throw new Error('the direct call, the bare baseline and the gateway do not serve the same 25-item page');
    }
    if (ids2000!.length !== 2000 || gatewayIds2000!.length !== 2000) throw new Error('the 2000-item pages are not full');
    const tailcall25 = tailcall ? tailcallTarget(tailcall.url, 25, 3) : undefined;
    if (tailcall25) {
      if (idsOf(await sendOnce(tailcall25)).join() !== ids25!.join()) throw new Error('Tailcall does not serve the same 25 items');
      // No cache, no deduplication: every request is one upstream call, as it is for the gateway.
      for (const [name, target] of [['tailcall', tailcall25], ['gateway', gateway25]] as const) {
        const calls = await upstreamCallsFor(sample.url, target, 10);
        if (calls !== 10) throw new Error(`${name} made ${calls} upstream calls for 10 requests`);
      }
      console.log('tailcall: the same 25 items, one upstream call per request');
    }

    const specs: PhaseSpec[] = [
      { scenario: 'direct REST, 25 items', target: direct25, server: sample },
      { scenario: 'bare yoga, 25 items', target: bare25, server: bare, upstream: sample },
      { scenario: 'gateway, 25 items', target: gateway25, server: gateway, upstream: sample },
      ...(tailcall && tailcall25 ? [{ scenario: 'tailcall, 25 items', target: tailcall25, server: tailcall, upstream: sample }] : []),
      { scenario: 'direct REST, 2000 items', target: direct2000, server: sample },
      { scenario: 'gateway, 2000 items', target: gateway2000, server: gateway, upstream: sample },
    ];
    const phases: PhaseResult[] = [];
    const rounds: PhaseResult[][] = [];
    for (const connections of CONCURRENCIES) {
      console.log(`concurrency ${connections}:`);
      for (const spec of specs) {
        // The 25-item comparison at concurrency 32 is what the ratios rest on: measured in
        // interleaved rounds, each scenario's median round is reported (this VM's speed drifts).
        if (connections === 32 && spec.scenario.includes('25 items')) continue;
        phases.push(await measure(spec, connections, ownPids()));
      }
      if (connections === 32) {
        const trio = specs.filter((spec) => spec.scenario.includes('25 items'));
        for (let round = 0; round < ROUNDS; round++) {
          const results: PhaseResult[] = [];
          for (const spec of trio) results.push(await measure(spec, connections, ownPids()));
          rounds.push(results);
        }
        trio.forEach((spec, i) => phases.push(medianRound(rounds.map((round) => round[i]!))));
      }
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
    // The target is about the c=32 run of the 25-item page (all its rounds); the 2000-item page is reported beside it.
    const gatewayPeakRssMb = Math.max(
      ...rounds.flat().filter((p) => p.server === gateway.name).map((p) => p.peakRssMb),
    );

    await bare.stop();
    await gateway.stop();
    await tailcall?.stop();

    const variants: PhaseResult[] = [];
    if (!options['no-variants']) {
      for (const variant of VARIANTS) {
        console.log(`gateway, ${variant.name}:`);
        const server = await startGateway(sample.url, { env: variant.env, nodeArgs: variant.nodeArgs, name: `gateway (${variant.name})` });
        servers.push(server);
        const cursor = await cursorOfItem(server.url, 50);
        const target = gatewayTarget(server.url, 25, cursor);
        await sendOnce(target);
        await settle(ownPids());
        await resetUpstreamCalls(sample.url);
        variants.push(await measure({ scenario: `gateway, 25 items, ${variant.name}`, target, server, upstream: sample }, 32, ownPids()));
        const calls = await upstreamCalls(sample.url);
        const measured = variants.slice(-1);
        const responses = measured.reduce((sum, p) => sum + p.responses + p.warmupResponses, 0);
        for (const p of measured) p.upstreamCallsPerRequest = calls / responses;
        console.log(`    upstream calls per request: ${(calls / responses).toFixed(3)}`);
        await server.stop();
      }
    }

    const loadAfter = await machineLoad(ownPids());
    console.log(describeLoad('machine after', loadAfter));

    const ratios = ratiosOf(phases, walkSummary, gatewayPeakRssMb, tailcall !== undefined);
    const result = {
      startedAt: startedAt.toISOString(),
      machine: machine(),
      settings: { seconds: SECONDS, warmupSeconds: WARMUP, concurrencies: CONCURRENCIES, quick: options.quick },
      quiet: { before: loadBefore, after: loadAfter, maxOthersCoresDuringPhases: Math.max(...phases.map((p) => p.othersCores)) },
      phases,
      walk: walkSummary,
      gatewayPeakRssMb,
      ratios,
      variants,
    };
    printReport(result);
    mkdirSync(`${ROOT}bench/results`, { recursive: true });
    const file = `${ROOT}bench/results/${startedAt.toISOString().replace(/[:.]/g, '-')}.json`;
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\nwritten to ${file.slice(ROOT.length)}`);
  } finally {
    await stopAll();
  }
}

/** Tailcall when its binary is there or can be installed; otherwise says so and goes on without it. */
async function startTailcallIfThere(upstreamUrl: string): Promise<ServerProcess | undefined> {
  if (options['no-tailcall']) {
    console.log('tailcall: skipped (--no-tailcall); its phases and the ratios against it are left out');
    return undefined;
  }
  const found = tailcallBinary(true);
  if ('absent' in found) {
    console.log(`tailcall: ABSENT (${found.absent}); its phases and the ratios against it are skipped`);
    return undefined;
  }
  try {
    return await startTailcall(found.binary, upstreamUrl);
  } catch (error) {
    console.log(`tailcall: ABSENT (it did not start: ${(error as Error).message.split('\n').slice(0, 3).join(' ')}); its phases and the ratios against it are skipped`);
    return undefined;
  }
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
