import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/** Clock ticks per second of utime/stime in /proc/<pid>/stat (usually 100). */
export const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU time (user + system) the process has used so far, in ms. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 (utime) and 15 (stime), i.e. the 12th and 13th after the name.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** Peak resident set size (VmHWM) in MB since the process started or since `resetPeakRss`. */
export function peakRssMb(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** Resets VmHWM to the current RSS (Linux `clear_refs` 5), so the next reading is the peak of one phase. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

export type ProcessSnapshot = Map<number, { cpu: number; command: string }>;

/** CPU ms of every process now, by pid, with its name. */
export function snapshot(): ProcessSnapshot {
  const out: ProcessSnapshot = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      // The process name only: a command line can carry paths, arguments and secrets.
      const command = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      out.set(pid, { cpu: cpuMs(pid), command });
    } catch {
      // The process ended meanwhile.
    }
  }
  return out;
}

export interface MachineLoad {
  /** The 1-minute load average. */
  loadAverage1m: number;
  /** CPU used by processes other than ours over the sample, in cores (2 = both cores of a 2-core machine busy). */
  othersCores: number;
  /** Other processes (pid, share of a core, name) that used at least 5% of a core over the sample, busiest first. */
  busyProcesses: string[];
}

/**
 * How busy the machine is apart from our own processes, sampled over `ms`:
 * the benchmark's numbers are only as good as the quiet around them.
 */
export async function machineLoad(ownPids: readonly number[], ms = 1000): Promise<MachineLoad> {
  const before = snapshot();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return othersBetween(before, snapshot(), ownPids, ms);
}

/** What processes other than ours used between two snapshots `ms` apart. */
export function othersBetween(before: ProcessSnapshot, after: ProcessSnapshot, ownPids: readonly number[], ms: number): MachineLoad {
  const own = new Set([...ownPids, process.pid]);
  const busy: Array<{ share: number; line: string }> = [];
  let othersMs = 0;
  for (const [pid, now] of after) {
    if (own.has(pid)) continue;
    // A process that started meanwhile used all its CPU time inside the interval.
    const used = now.cpu - (before.get(pid)?.cpu ?? 0);
    othersMs += used;
    const share = used / ms;
    if (share >= 0.05) busy.push({ share, line: `${pid} ${(share * 100).toFixed(0)}% ${now.command}` });
  }
  busy.sort((a, b) => b.share - a.share);
  const loadAverage1m = Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  return { loadAverage1m, othersCores: othersMs / ms, busyProcesses: busy.map((b) => b.line) };
}
