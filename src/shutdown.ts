import type { Server, ServerResponse } from 'node:http';
import type { Logger } from './observability/logger.js';

export interface ShutdownTimings {
  /** After SIGTERM, how long new requests are still served while /readyz already answers 503. */
  delayMs: number;
  /** Once the listener is closed, how long in-flight operations may take before the process exits 1. */
  timeoutMs: number;
}

/** Something to close, in order, once the last request is done (the upstream pool, the trace exporter, …). */
export interface Closable {
  name: string;
  close: () => Promise<unknown>;
}

export interface GracefulShutdownOptions {
  server: Server;
  /** Turns /readyz to 503. */
  startDraining: () => void;
  /** Completes the streams that never end on their own (subscriptions, sockets), once the delay has passed. */
  endStreams: () => Promise<void>;
  timings: ShutdownTimings;
  logger: Logger;
  resources: Closable[];
  /** Ends the process; a parameter so the sequence can run inside a test process. */
  exit?: (code: number) => void;
}

/**
 * The delay a signal asks for: SIGTERM (an orchestrator or a rolling restart) waits
 * for load balancers to see /readyz turn 503; SIGINT (Ctrl-C in a terminal) does not.
 */
export function drainDelayFor(signal: NodeJS.Signals, delayMs: number): number {
  return signal === 'SIGTERM' ? delayMs : 0;
}

/**
 * Graceful shutdown, started by `shutdown(signal)`:
 * 1. /readyz answers 503 at once; for the delay, requests are still served (each
 *    response says `Connection: close`, so no keep-alive connection is left idle
 *    for a load balancer to reuse just as it is closed);
 * 2. open streams (subscriptions over SSE, multipart and WebSocket) complete, the
 *    listener closes and idle keep-alive connections are closed;
 * 3. requests already received run to completion, within `timeoutMs` (past it the
 *    remaining connections are cut and the process exits 1);
 * 4. the resources close in order and the process exits 0.
 *
 * The signal must reach this process: run `node dist/src/main.js` directly (as the
 * Dockerfile does), not under `npm start` or `sh -c`, which do not pass SIGTERM on.
 */
export function createGracefulShutdown(options: GracefulShutdownOptions): (signal: NodeJS.Signals) => Promise<void> {
  const { server, startDraining, endStreams, timings, logger, resources, exit = (code) => process.exit(code) } = options;
  let draining = false;
  let listenerClosed = false;
  /** Responses not yet finished: once the last one is done, idle keep-alive connections are closed at once, not after their timeout. */
  const pending = new Set<ServerResponse>();
  server.on('request', (_request, response: ServerResponse) => {
    if (draining) response.setHeader('connection', 'close');
    pending.add(response);
    response.once('close', () => {
      pending.delete(response);
      if (listenerClosed && pending.size === 0) setImmediate(() => server.closeIdleConnections());
    });
  });

  return async function shutdown(signal) {
    if (draining) return;
    draining = true;
    startDraining();
    const started = performance.now();
    const delayMs = drainDelayFor(signal, timings.delayMs);
    logger.info({ signal, delayMs }, 'shutting down: /readyz answers 503, still serving for the delay');
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));

    await endStreams().catch((err: unknown) => logger.warn({ err }, 'could not end every open stream'));
    listenerClosed = true;
    const inFlight = pending.size;
    logger.info({ inFlight, timeoutMs: timings.timeoutMs }, 'closing the listener, finishing in-flight operations');
    const closedAt = performance.now();
    const deadline = setTimeout(() => {
      logger.warn({ inFlight: pending.size }, 'in-flight operations did not finish before SHUTDOWN_TIMEOUT_MS; exiting');
      server.closeAllConnections();
      exit(1);
    }, timings.timeoutMs);
    deadline.unref();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await closed;
    const finishedAt = performance.now();
    for (const resource of resources) {
      await resource.close().catch((err: unknown) => logger.warn({ err, resource: resource.name }, `could not close ${resource.name}`));
    }
    clearTimeout(deadline);
    logger.info(
      {
        signal,
        drainMs: Math.round(closedAt - started),
        finishMs: Math.round(finishedAt - closedAt),
        totalMs: Math.round(performance.now() - started),
      },
      'stopped',
    );
    exit(0);
  };
}
