import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../../src/main.ts', import.meta.url));

export interface GatewayProcess {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  child: ChildProcess;
  /** Every line the process wrote to stdout or stderr so far. */
  output: string[];
  /** Resolves with the exit code (or the signal name) once the process has ended. */
  exited: Promise<number | string>;
  /** Sends the signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/**
 * The real gateway entry point (`src/main.ts`) in its own process, run by `node`
 * directly (with tsx as a loader, so no wrapper process stands between it and a
 * signal), listening on a free loopback port. LOG_LEVEL stays `info` at least:
 * the "ready" line tells the port.
 */
export async function startGatewayProcess(env: Record<string, string>, { listenTimeoutMs = 30_000 } = {}): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  const listening = new Promise<string>((resolve, reject) => {
    const onLine = (line: string): void => {
      output.push(line);
      const port = portOf(line);
      if (port !== undefined) resolve(`http://127.0.0.1:${port}`);
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    void exited.then((code) => reject(new Error(`the gateway exited (${code}) before listening:\n${output.join('\n')}`)));
    setTimeout(() => reject(new Error(`the gateway did not listen within ${listenTimeoutMs} ms:\n${output.join('\n')}`)), listenTimeoutMs).unref();
  });
  const url = await listening;
  return {
    url,
    child,
    output,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** The port of the "ready" log line, if this is it. */
function portOf(line: string): number | undefined {
  try {
    const entry = JSON.parse(line) as { port?: unknown; msg?: unknown };
    return typeof entry.port === 'number' && typeof entry.msg === 'string' && entry.msg.includes('ready at') ? entry.port : undefined;
  } catch {
    return undefined;
  }
}
