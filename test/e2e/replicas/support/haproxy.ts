import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';

/** Debian's `haproxy`; HAPROXY_PATH points elsewhere. */
export const HAPROXY = process.env.HAPROXY_PATH ?? 'haproxy';

export function haproxyAvailable(): boolean {
  return spawnSync(HAPROXY, ['-v'], { stdio: 'ignore' }).status === 0;
}

/** A loopback port free right now (the listener is closed again before it is used). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface HaproxyOptions {
  /** Backend servers by name, each a loopback port. */
  servers: Record<string, number>;
  /** Health check of `GET /readyz`: interval, failures to mark a server down, successes to mark it up again. */
  check: { interMs: number; fall: number; rise: number };
}

/** One backend server's line of HAProxy's CSV statistics. */
export interface ServerStats {
  name: string;
  /** UP, DOWN, `UP 1/2` (going down), `DOWN 1/2` (going up), … */
  status: string;
  /** Requests (sessions) sent to it. */
  sessions: number;
  /** Its 5xx answers, connection errors and response errors as HAProxy counted them. */
  http5xx: number;
  connectionErrors: number;
  responseErrors: number;
}

export interface Haproxy {
  /** The frontend, e.g. http://127.0.0.1:41234 */
  url: string;
  servers(): Promise<ServerStats[]>;
  /** Its configuration, as written. */
  config: string;
  stop(): Promise<void>;
}

/**
 * Round-robin over the servers, health-checking `/readyz`, with retries and
 * redispatch off: a request sent to a replica that cannot take it fails, so only
 * the gateway's own shutdown behaviour decides whether requests are lost. Each
 * response names the replica that served it in `X-Served-By`.
 */
export function haproxyConfig(frontendPort: number, statsPort: number, options: HaproxyOptions): string {
  const { interMs, fall, rise } = options.check;
  return [
    'global',
    '  maxconn 512',
    'defaults',
    '  mode http',
    '  timeout connect 5s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout check 2s',
    // WebSocket subscriptions: an upgraded connection is a tunnel, idle between events.
    '  timeout tunnel 10m',
    '  retries 0',
    '  no option redispatch',
    'frontend gateway',
    `  bind 127.0.0.1:${frontendPort}`,
    '  default_backend replicas',
    'backend replicas',
    '  balance roundrobin',
    '  option httpchk GET /readyz',
    '  http-check expect status 200',
    '  http-response set-header X-Served-By %s',
    `  default-server inter ${interMs} fall ${fall} rise ${rise}`,
    ...Object.entries(options.servers).map(([name, port]) => `  server ${name} 127.0.0.1:${port} check`),
    'frontend stats',
    `  bind 127.0.0.1:${statsPort}`,
    '  stats enable',
    '  stats uri /stats',
    '',
  ].join('\n');
}

export async function startHaproxy(options: HaproxyOptions): Promise<Haproxy> {
  const [frontendPort, statsPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'haproxy-'));
  const file = join(dir, 'haproxy.cfg');
  const config = haproxyConfig(frontendPort, statsPort, options);
  writeFileSync(file, config);
  const check = spawnSync(HAPROXY, ['-c', '-f', file], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`haproxy rejected its configuration:\n${check.stdout}${check.stderr}`);
  // -db: stay in the foreground, so the test owns the process.
  const child: ChildProcess = spawn(HAPROXY, ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  const errors: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => errors.push(chunk.toString('utf8')));
  const exited = once(child, 'exit');
  const statsUrl = `http://127.0.0.1:${statsPort}/stats;csv`;

  async function servers(): Promise<ServerStats[]> {
    const response = await request(statsUrl);
    const [header, ...rows] = (await response.body.text()).trim().split('\n');
    const columns = header!.replace(/^# /, '').split(',');
    const at = (row: string[], column: string) => row[columns.indexOf(column)] ?? '';
    return rows
      .map((line) => line.split(','))
      .filter((row) => at(row, 'pxname') === 'replicas' && at(row, 'svname') !== 'BACKEND' && at(row, 'svname') !== 'FRONTEND')
      .map((row) => ({
        name: at(row, 'svname'),
        status: at(row, 'status'),
        sessions: Number(at(row, 'stot')),
        http5xx: Number(at(row, 'hrsp_5xx')),
        connectionErrors: Number(at(row, 'econ')),
        responseErrors: Number(at(row, 'eresp')),
      }));
  }

  // Listening once the stats page answers.
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await servers();
      break;
    } catch (error) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`haproxy did not start: ${errors.join('')}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  return {
    url: `http://127.0.0.1:${frontendPort}`,
    servers,
    config,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
