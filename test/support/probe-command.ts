import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run probe -- <args>` in its own process, with only PATH and `env` in its environment. */
export function runProbeCommand(args: string[], env: Record<string, string>): Promise<CommandResult> {
  return promisify(execFile)(process.execPath, ['--import', 'tsx', 'tools/probe/main.ts', ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: 60_000,
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}
