import { createServer, type ServerResponse } from 'node:http';
import { ConfigError, loadConfig, traceExportersFromEnv, type Config, type TraceExporterKind } from './config.js';
import { createLogger } from './logger.js';
import { DEFAULT_LIVE_WRITES_EVERY_MS, startSampleUpstream } from './sample-upstream/index.js';
import { createMetrics } from './metrics.js';
import { createGateway } from './gateway.js';
import { logTracingProblems } from './tracing.js';
import { createTracing } from './tracing-setup.js';
import { createUpstream } from './create-upstream.js';
import { closeAll as closeLiveTails } from './tail/index.js';

function readConfig(): Config & { traceExporters: TraceExporterKind[] } {
  try {
    return { ...loadConfig(process.env), traceExporters: traceExportersFromEnv(process.env) };
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

const config = readConfig();
const logger = createLogger(config.logLevel);

let upstreamUrl = config.upstreamUrl;
const sample = upstreamUrl === undefined ? await startSampleUpstream({ host: '127.0.0.1', port: 0, liveWritesEveryMs: DEFAULT_LIVE_WRITES_EVERY_MS }) : undefined;
if (sample) {
  upstreamUrl = sample.url;
  logger.info({ upstreamUrl }, `UPSTREAM_URL is not set: using the embedded sample upstream at ${sample.url}`);
}

const metrics = createMetrics({ processMetrics: true });
const tracing = await createTracing(config.traceExporters);
if (tracing.exporting) {
  logTracingProblems(logger);
  logger.info({ exporters: config.traceExporters }, 'exporting traces');
}
const upstream = createUpstream(config, { baseUrl: upstreamUrl!, logger, metrics, tracer: tracing.tracer });
/** Set on SIGTERM/SIGINT: /readyz answers 503 from then on. */
let shuttingDown = false;
const gateway = createGateway({
  config,
  upstream,
  logger,
  sampleUpstream: sample !== undefined,
  draining: () => shuttingDown,
  metrics,
  tracer: tracing.tracer,
});
const server = createServer(gateway);
/**
 * Responses not yet finished. During shutdown, once the last one is done, the
 * keep-alive connections left idle are closed rather than kept for their timeout.
 */
const pending = new Set<ServerResponse>();
server.on('request', (_request, response: ServerResponse) => {
  pending.add(response);
  response.once('close', () => {
    pending.delete(response);
    if (shuttingDown && pending.size === 0) setImmediate(() => server.closeIdleConnections());
  });
});

server.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  logger.info(
    { port, host: config.host },
    config.graphiql
      ? `GraphiQL ready at http://${shownHost}:${port}/graphql`
      : `GraphQL endpoint ready at http://${shownHost}:${port}/graphql`,
  );
});

/**
 * Graceful shutdown: /readyz turns 503, the listener stops taking connections (idle
 * keep-alive ones are closed), requests already received run to completion, then
 * the upstream pool closes and the process exits 0. Past SHUTDOWN_TIMEOUT_MS the
 * remaining connections are cut and the process exits 1.
 *
 * The signal must reach this process: run `node dist/main.js` directly (as the
 * Dockerfile does), not under `npm start` or `sh -c`, which do not pass SIGTERM on.
 */
async function shutdown(signal: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info({ signal }, 'shutting down: /readyz answers 503, finishing in-flight operations');
  closeLiveTails(); // live-tail streams never finish on their own: complete them so the server can close
  const deadline = setTimeout(() => {
    logger.warn('in-flight operations did not finish before SHUTDOWN_TIMEOUT_MS; exiting');
    server.closeAllConnections();
    process.exit(1);
  }, config.shutdownTimeoutMs);
  deadline.unref();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await closed;
  await upstream.close();
  await tracing.shutdown().catch((err: unknown) => logger.warn({ err }, 'could not flush the last spans'));
  await sample?.close();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
