import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';

/** A server under test, running as its own process. */
export interface ServerProcess {
  name: string;
  pid: number;
  url: string;
  /** The last lines it wrote to stderr, for when it dies. */
  stderrTail(): string;
  stop(): Promise<void>;
}

/** A free loopback port (released before it is used: fine on a benchmark machine). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface StartOptions {
  name: string;
  /** The program to run; default this Node.js. */
  command?: string;
  args: string[];
  env: Record<string, string>;
  port: number;
  /** Path that answers 2xx once the server is ready. */
  readyPath: string;
  /** A JSON body to POST to `readyPath` instead of a GET (for servers with no health route). */
  readyBody?: string;
}

/**
 * Starts `node <args>` (or `command <args>`) with the given environment and waits
 * until `readyPath` answers. Its stdout is read and dropped (the gateway's log lines cost what they
 * cost in production, but must not fill a pipe and stall it).
 */
export async function startNodeServer({ name, command = process.execPath, args, env, port, readyPath, readyBody }: StartOptions): Promise<ServerProcess> {
  const child: ChildProcess = spawn(command, args, {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  child.stdout!.resume();
  child.stderr!.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  });
  let exited = false;
  // A program that cannot be started (missing, wrong libc) may report only an 'error'.
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (error) => {
      tail += `${error.message}\n`;
      resolve();
    });
  }).then(() => {
    exited = true;
  });

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`${name} exited during start-up:\n${tail}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not become ready within 30 s:\n${tail}`);
    }
    try {
      const response = await request(`${url}${readyPath}`, {
        headersTimeout: 1000,
        bodyTimeout: 1000,
        ...(readyBody === undefined ? {} : { method: 'POST', body: readyBody, headers: { 'content-type': 'application/json' } }),
      });
      await response.body.dump();
      if (response.statusCode < 300) break;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }

  return {
    name,
    pid: child.pid!,
    url,
    stderrTail: () => tail,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(killer);
    },
  };
}
