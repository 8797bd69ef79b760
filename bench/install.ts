/**
 * The benchmark's own packages (bench/package.json: the peer servers, Tailcall's
 * binary, Node.js 24), installed on demand with `npm ci --prefix bench`. The gateway
 * never depends on them; where the install fails (no registry, another platform) the
 * phases that need them are reported absent and every other phase still runs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { ROOT } from './scenarios.js';

const dependencies = (): string[] => Object.keys(JSON.parse(readFileSync(`${ROOT}bench/package.json`, 'utf8')).dependencies ?? {});

let outcome: { ok: true } | { ok: false; why: string } | undefined;

/** Installs bench/package.json's packages once per run, unless they are there; says why not when it fails. */
export function installBenchPackages(): { ok: true } | { ok: false; why: string } {
  if (outcome) return outcome;
  if (dependencies().every(benchPackage)) return (outcome = { ok: true });
  try {
    execFileSync('npm', ['ci', '--prefix', `${ROOT}bench`, '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 300_000,
    });
    outcome = { ok: true };
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim().split('\n').slice(-2).join(' ');
    outcome = { ok: false, why: `npm ci --prefix bench failed${stderr ? `: ${stderr}` : ''}` };
  }
  return outcome;
}

/** Whether a package of bench/package.json is installed. */
export function benchPackage(name: string): boolean {
  return existsSync(`${ROOT}bench/node_modules/${name}/package.json`);
}
