import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/**
 * A real Redis for a test: Debian's `redis-server` (REDIS_SERVER_PATH points
 * elsewhere), on a free loopback port, keeping nothing on disk. Each test file
 * starts its own and stops it; `restart` brings it back on the same port, empty.
 */

export const REDIS_SERVER = process.env.REDIS_SERVER_PATH ?? 'redis-server';

/** Set by CI (.ci/run): a missing redis-server fails the run instead of skipping. */
export const REDIS_REQUIRED = process.env.REQUIRE_REDIS === '1';

export function redisServerAvailable(): boolean {
  return spawnSync(REDIS_SERVER, ['--version'], { stdio: 'ignore' }).status === 0;
}

export const REDIS_AVAILABLE = redisServerAvailable();

/** Whether a test file needing Redis runs: it does where redis-server is, or where CI requires it (and then fails without it). */
export const RUN_REDIS_TESTS = REDIS_AVAILABLE || REDIS_REQUIRED;

/** Prints the loud notice of a skip; call at the top of a test file that needs Redis. */
export function noticeRedisSkip(what: string): void {
  if (RUN_REDIS_TESTS) return;
  console.warn(
    [
      '',
      '!!! ============================================================================ !!!',
      `!!!  SKIPPED: ${what} needs a real Redis (\`${REDIS_SERVER}\` is not there).`,
      '!!!  Install it (Debian/Ubuntu):  apt-get update && apt-get install -y redis-server',
      '!!!  or point REDIS_SERVER_PATH at a redis-server binary. CI installs it and sets',
      '!!!  REQUIRE_REDIS=1, which turns this skip into a failure.',
      '!!! ============================================================================ !!!',
      '',
    ].join('\n'),
  );
}

export interface RedisServer {
  /** redis://127.0.0.1:<port>/0, with the password when there is one */
  url: string;
  port: number;
  /** A client of the test's own (closed by `stop`). */
  client(): Redis;
  /** Ends the server; `kill` sends SIGKILL instead of a clean shutdown. */
  stop(options?: { kill?: boolean }): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
}

export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startRedisServer(options: { port?: number; password?: string } = {}): Promise<RedisServer> {
  if (!REDIS_AVAILABLE) throw new Error(`REQUIRE_REDIS=1 but ${REDIS_SERVER} is not there (apt-get install -y redis-server)`);
  const port = options.port ?? (await freeLoopbackPort());
  const { password } = options;
  const auth = password === undefined ? [] : ['--requirepass', password];
  const clients: Redis[] = [];
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    const output: string[] = [];
    const started = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no', ...auth], { stdio: ['ignore', 'pipe', 'pipe'] });
    started.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    started.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    child = started;
    const deadline = Date.now() + 15_000;
    for (;;) {
      const probe = new Redis({ port, host: '127.0.0.1', password, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => {});
      try {
        await probe.connect();
        await probe.ping();
        probe.disconnect();
        return;
      } catch (error) {
        probe.disconnect();
        if (started.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start: ${output.join('')}`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };

  const halt = async (kill: boolean): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = once(running, 'exit');
    running.kill(kill ? 'SIGKILL' : 'SIGTERM');
    await exited;
  };

  await launch();
  return {
    url: `redis://${password === undefined ? '' : `:${encodeURIComponent(password)}@`}127.0.0.1:${port}/0`,
    port,
    client() {
      const client = new Redis({ port, host: '127.0.0.1', password, maxRetriesPerRequest: 1 });
      client.on('error', () => {});
      clients.push(client);
      return client;
    },
    async stop(options = {}) {
      for (const client of clients.splice(0)) client.disconnect();
      await halt(options.kill ?? false);
    },
    async restart() {
      await halt(false);
      await launch();
    },
  };
}
