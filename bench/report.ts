import type { LoadResult } from './load.js';
import type { MachineLoad } from './proc-stats.js';

export interface PhaseResult extends LoadResult {
  scenario: string;
  server: string;
  /** CPU (user + system) of the measured server process per completed request. */
  cpuMsPerRequest: number;
  /** The sample upstream's CPU per request, when it is not the server measured. */
  upstreamCpuMsPerRequest: number | null;
  /** VmHWM of the measured server over the phase (warm-up included). */
  peakRssMb: number;
  /** CPU other processes on the machine used during the measured phase, in cores. */
  othersCores: number;
  warmupResponses: number;
  /** Upstream calls per gateway request over the warm-up and the phase (variants only). */
  upstreamCallsPerRequest?: number;
  /** When the phase was measured in several rounds: each round (the reported one is the median by req/s). */
  rounds?: Array<{ requestsPerSecond: number; cpuMsPerRequest: number; p50Ms: number }>;
}

export interface WalkSummary {
  pages: number;
  pageSize: number;
  items: number;
  upstreamCalls: number;
  medianMs: number;
  runs: number;
}

export interface Ratio {
  name: string;
  value: number;
  unit: string;
  goal: string;
  met: boolean;
}

/** The scenarios by name, as phases and ratios refer to them. */
export const SCENARIO = {
  direct25: 'direct REST, 25 items',
  bare: 'bare yoga, 25 items',
  yogaJit: 'yoga + graphql-jit, 25 items',
  mercurius: 'mercurius + jit, 25 items',
  tailcall: 'tailcall, 25 items',
  gateway25: 'gateway, 25 items',
  gatewayTrusted25: 'gateway, 25 items, trusted document',
  direct2000: 'direct REST, 2000 items',
  gateway2000: 'gateway, 2000 items',
} as const;

/** One run of every phase on one Node.js. */
export interface RunResult {
  node: string;
  /** Peers that are absent, and why. */
  notes: string[];
  quiet: { before: MachineLoad; after: MachineLoad; maxOthersCoresDuringPhases: number };
  phases: PhaseResult[];
  walk: WalkSummary;
  ratios: Ratio[];
  variants: PhaseResult[];
}

const find = (phases: PhaseResult[], scenario: string, connections: number): PhaseResult | undefined =>
  phases.find((p) => p.scenario === scenario && p.connections === connections);

/**
 * The targets, each as measured in one run on one Node.js (ratios inside one run only):
 * the gateway's features cost nothing over yoga with compiled execution, in CPU and
 * memory; within 2× of Node's ceiling (mercurius with compiled execution), also for
 * the page named by a trusted document's id; the 2000-item
 * page within 4× of the direct call; a walk costs one upstream call per page.
 * A ratio whose peer is absent is left out.
 */
export function ratiosOf(phases: PhaseResult[], walk: WalkSummary): Ratio[] {
  const ratio = (name: string, value: number, unit: string, goal: string, met: boolean): Ratio => ({ name, value, unit, goal, met });
  const gateway = find(phases, SCENARIO.gateway25, 32)!;
  const ratios: Ratio[] = [];
  const cpuAgainst = (scenario: string, label: string, limit: number) => {
    const peer = find(phases, scenario, 32);
    if (!peer) return;
    const value = gateway.cpuMsPerRequest / peer.cpuMsPerRequest;
    ratios.push(ratio(`25 items, c=32 CPU per request: gateway / ${label}`, value, '×', `≤ ${limit.toFixed(2)}`, value <= limit));
  };
  cpuAgainst(SCENARIO.yogaJit, 'yoga + graphql-jit', 1);
  const bare = find(phases, SCENARIO.bare, 32);
  if (bare) {
    const value = gateway.peakRssMb / bare.peakRssMb;
    ratios.push(ratio('25 items, c=32 peak RSS: gateway / bare yoga', value, '×', '≤ 1.00', value <= 1));
  }
  cpuAgainst(SCENARIO.mercurius, 'mercurius + jit', 2);
  // The same page named by documentId (PERSISTED_DOCUMENTS), against the same peer.
  const trusted = find(phases, SCENARIO.gatewayTrusted25, 32);
  const mercurius = find(phases, SCENARIO.mercurius, 32);
  if (trusted && mercurius) {
    const value = trusted.cpuMsPerRequest / mercurius.cpuMsPerRequest;
    ratios.push(ratio('25 items, c=32 CPU per request: gateway by trusted document / mercurius + jit', value, '×', '≤ 2.00', value <= 2));
  }
  cpuAgainst(SCENARIO.tailcall, 'tailcall', 2);
  const direct2000 = find(phases, SCENARIO.direct2000, 1)!;
  const gateway2000 = find(phases, SCENARIO.gateway2000, 1)!;
  const time2000 = gateway2000.p50Ms / direct2000.p50Ms;
  ratios.push(
    ratio('2000 items, c=1 p50: gateway / direct', time2000, '×', '≤ 4.00', time2000 <= 4),
    ratio(`${walk.pages}-page walk of ${walk.pageSize}: upstream calls`, walk.upstreamCalls, '', `= ${walk.pages}`, walk.upstreamCalls === walk.pages),
  );
  return ratios;
}

const fixed = (value: number | null, digits: number) => (value === null || Number.isNaN(value) ? '–' : value.toFixed(digits));

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
}

/** The base a phase is compared with: every server against direct, the gateway also against each peer. */
function relative(phase: PhaseResult, phases: PhaseResult[]): string {
  const items = phase.scenario.includes('2000') ? '2000 items' : '25 items';
  const same = (scenario: string) => find(phases, scenario, phase.connections);
  const direct = same(`direct REST, ${items}`);
  if (!direct || phase === direct) return '';
  const parts = [`${fixed(phase.requestsPerSecond / direct.requestsPerSecond, 3)} of direct`];
  if (phase.scenario.startsWith(SCENARIO.gateway25)) {
    for (const [label, scenario] of [['bare', SCENARIO.bare], ['yoga+jit', SCENARIO.yogaJit], ['mercurius', SCENARIO.mercurius]] as const) {
      const base = same(scenario);
      if (base) parts.push(`${fixed(phase.requestsPerSecond / base.requestsPerSecond, 2)} of ${label}`);
    }
  }
  return parts.join(', ');
}

const ratioRow = (r: Ratio) => [r.name, `${fixed(r.value, r.unit === '' ? 0 : 3)} ${r.unit}`.trim(), r.goal, r.met ? 'met' : 'MISSED'];

export function printReport(machine: { nproc: number; cpuModel: string }, run: RunResult): void {
  const { quiet, phases, walk, ratios, variants } = run;
  console.log(`\nmachine: ${machine.nproc} × ${machine.cpuModel}, Node.js ${run.node}`);
  for (const note of run.notes) console.log(note);
  console.log(
    `quiet: load average ${quiet.before.loadAverage1m} before, ${quiet.after.loadAverage1m} after; ` +
      `other processes used at most ${quiet.maxOthersCoresDuringPhases.toFixed(2)} cores during a phase`,
  );
  const rows = [['scenario', 'c', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'CPU ms/req', 'peak RSS MB', 'throughput ratio']];
  for (const p of [...phases, ...variants]) {
    rows.push([
      p.scenario,
      String(p.connections),
      fixed(p.requestsPerSecond, 0),
      fixed(p.p50Ms, 2),
      fixed(p.p99Ms, 2),
      String(p.errors),
      fixed(p.cpuMsPerRequest, 3),
      fixed(p.peakRssMb, 0),
      relative(p, phases),
    ]);
  }
  console.log(`\n${table(rows)}`);
  console.log(`\n${walk.pages}-page walk of ${walk.pageSize}: ${fixed(walk.medianMs, 1)} ms (median of ${walk.runs}), ${walk.upstreamCalls} upstream calls`);
  console.log(`\ntargets on Node.js ${run.node}:`);
  console.log(table([['target', 'measured', 'goal', ''], ...ratios.map(ratioRow)]));
}

/** Every run's targets side by side, one column per Node.js. */
export function printSummary(runs: RunResult[]): void {
  if (runs.length < 2) return;
  const names = [...new Set(runs.flatMap((run) => run.ratios.map((r) => r.name)))];
  const cell = (run: RunResult, name: string) => {
    const r = run.ratios.find((x) => x.name === name);
    return r ? `${ratioRow(r)[1]} ${r.met ? 'met' : 'MISSED'}` : '–';
  };
  console.log('\ntargets, every Node.js:');
  console.log(
    table([
      ['target', 'goal', ...runs.map((run) => `Node.js ${run.node}`)],
      ...names.map((name) => [name, runs.flatMap((run) => run.ratios).find((r) => r.name === name)!.goal, ...runs.map((run) => cell(run, name))]),
    ]),
  );
}
