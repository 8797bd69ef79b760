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

const find = (phases: PhaseResult[], scenario: string, connections: number): PhaseResult => {
  const phase = phases.find((p) => p.scenario === scenario && p.connections === connections);
  if (!phase) throw new Error(`no phase ${scenario} at concurrency ${connections}`);
  return phase;
};

/** The targets, each as measured in this run. */
export function ratiosOf(phases: PhaseResult[], walk: WalkSummary, gatewayPeakRssMb: number): Ratio[] {
  const direct25 = (c: number) => find(phases, 'direct REST, 25 items', c);
  const bare25 = (c: number) => find(phases, 'bare yoga, 25 items', c);
  const gateway25 = (c: number) => find(phases, 'gateway, 25 items', c);
  const direct2000 = find(phases, 'direct REST, 2000 items', 1);
  const gateway2000 = find(phases, 'gateway, 2000 items', 1);
  const ratio = (name: string, value: number, unit: string, goal: string, met: boolean): Ratio => ({ name, value, unit, goal, met });
  const vsDirect = gateway25(32).requestsPerSecond / direct25(32).requestsPerSecond;
  const vsBare = gateway25(32).requestsPerSecond / bare25(32).requestsPerSecond;
  const cpu = gateway25(32).cpuMsPerRequest;
  const addedP50 = gateway25(1).p50Ms - direct25(1).p50Ms;
  const time2000 = gateway2000.p50Ms / direct2000.p50Ms;
  return [
    ratio('25 items, c=32 throughput: gateway / direct', vsDirect, '×', '≥ 0.20', vsDirect >= 0.2),
    ratio('25 items, c=32 throughput: gateway / bare', vsBare, '×', '≥ 1.00', vsBare >= 1),
    ratio('25 items, c=32 gateway CPU per request', cpu, 'ms', '≤ 0.40', cpu <= 0.4),
    ratio('25 items, c=1 added p50 over direct', addedP50, 'ms', '≤ 0.60', addedP50 <= 0.6),
    ratio('2000 items, c=1 p50: gateway / direct', time2000, '×', '≤ 4.00', time2000 <= 4),
    ratio('gateway peak RSS under load', gatewayPeakRssMb, 'MB', '≤ 150', gatewayPeakRssMb <= 150),
    ratio('20-page walk of 100: upstream calls', walk.upstreamCalls, '', '= 20', walk.upstreamCalls === 20),
  ];
}

interface Report {
  machine: { nproc: number; cpuModel: string; node: string };
  quiet: { before: MachineLoad; after: MachineLoad; maxOthersCoresDuringPhases: number };
  phases: PhaseResult[];
  walk: WalkSummary;
  ratios: Ratio[];
  variants: PhaseResult[];
}

const fixed = (value: number | null, digits: number) => (value === null || Number.isNaN(value) ? '–' : value.toFixed(digits));

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
}

/** The base a phase is compared with: gateway and bare against direct, gateway also against bare. */
function relative(phase: PhaseResult, phases: PhaseResult[]): string {
  const items = phase.scenario.includes('2000') ? '2000 items' : '25 items';
  const direct = phases.find((p) => p.scenario === `direct REST, ${items}` && p.connections === phase.connections);
  const bare = phases.find((p) => p.scenario === 'bare yoga, 25 items' && p.connections === phase.connections);
  if (!direct || phase === direct) return '';
  const parts = [`${fixed(phase.requestsPerSecond / direct.requestsPerSecond, 3)} of direct`];
  if (bare && phase !== bare && items === '25 items') parts.push(`${fixed(phase.requestsPerSecond / bare.requestsPerSecond, 2)} of bare`);
  return parts.join(', ');
}

export function printReport(report: Report): void {
  const { machine, quiet, phases, walk, ratios, variants } = report;
  console.log(`\nmachine: ${machine.nproc} × ${machine.cpuModel}, Node ${machine.node}`);
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
  console.log(`\n20-page walk of ${walk.pageSize}: ${fixed(walk.medianMs, 1)} ms (median of ${walk.runs}), ${walk.upstreamCalls} upstream calls`);
  console.log('\ntargets:');
  console.log(
    table([
      ['target', 'measured', 'goal', ''],
      ...ratios.map((r) => [r.name, `${fixed(r.value, r.unit === '' ? 0 : r.unit === 'MB' ? 0 : 3)} ${r.unit}`.trim(), r.goal, r.met ? 'met' : 'MISSED']),
    ]),
  );
}
