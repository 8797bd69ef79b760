import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { request } from 'undici';

const MAIN = fileURLToPath(new URL('../../../tools/sample-upstream/main.ts', import.meta.url));
const children: ChildProcess[] = [];

function run(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

describe('standalone sample upstream', () => {
  it('prints its URL, serves, and exits cleanly on SIGTERM', async () => {
    const child = run({ PORT: '0', HOST: '127.0.0.1' });
    const lines = createInterface({ input: child.stdout! });
    const [line] = (await once(lines, 'line')) as [string];
    const announced = JSON.parse(line) as { sampleUpstream: string; url: string };
    expect(announced).toEqual({ sampleUpstream: 'listening', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });

    const page = await request(`${announced.url}/v1/AuditLogs?PageSize=3`, {
      headers: { authorization: 'Bearer t', 'x-tenant': 'contoso.example' },
    });
    expect(page.statusCode).toBe(200);
    expect(((await page.body.json()) as { items: unknown[] }).items).toHaveLength(3);

    const stats = await request(`${announced.url}/__sample/stats`);
    expect(await stats.body.json()).toMatchObject({ requests: 1 });

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
  });

  it('refuses a PORT that is not a port, with one line naming it', async () => {
    const child = run({ PORT: 'eighty' });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([expect.stringContaining('PORT')]);
  });
});
