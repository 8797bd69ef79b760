import { createServer, type ServerResponse } from 'node:http';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './logger.js';
import { startSampleUpstream } from './sample-upstream/index.js';
import { replayDirectory, startReplayServer } from './replay/index.js';
import { createMetrics } from './metrics.js';
import { createGateway } from './server.js';
import { createTracing, logTracingProblems, traceExportersFromEnv, type TraceExporterKind } from './tracing.js';
import { createUpstreamClient } from './upstream/client.js';
import { shareUpstreamCalls } from './upstream/shared-calls.js';

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
const sample = upstreamUrl === undefined ? await startSampleUpstream({ host: '127.0.0.1', port: 0 }) : undefined;
if (sample) {
  upstreamUrl = sample.url;
  logger.info({ upstreamUrl }, `UPSTREAM_URL is not set: using the embedded sample upstream at ${sample.url}`);
}
const replayDir = replayDirectory(upstreamUrl);
const replay = replayDir === undefined ? undefined : await startReplayServer({ dir: replayDir });
if (replay) upstreamUrl = replay.url;
if (replay) logger.info({ replayDir, upstreamUrl }, `serving recorded upstream responses from ${replayDir}`);

const metrics = createMetrics({ processMetrics: true });
const tracing = await createTracing(config.traceExporters);
if (tracing.exporting) {
  logTracingProblems(logger);
  logger.info({ exporters: config.traceExporters }, 'exporting traces');
}
const upstream = createUpstreamClient({
  baseUrl: upstreamUrl!,
  timeoutMs: config.upstreamTimeoutMs,
  maxConcurrency: config.upstreamMaxConcurrency,
  maxQueueMs: config.upstreamMaxQueueMs,
  maxResponseBytes: config.upstreamMaxResponseBytes,
  retry: { retries: config.upstreamRetries },
  breaker: { failureThreshold: config.breakerFailureThreshold, cooldownMs: config.breakerCooldownMs },
  logger,
  onCall: metrics.observeUpstreamCall,
  dialect: config.upstreamDialect,
});
// Off unless configured: sharing calls across operations trades freshness and memory for upstream load.
const sharedUpstream = shareUpstreamCalls(upstream, {
  coalesce: config.upstreamCoalesce,
  cacheTtlMs: config.upstreamCacheTtlMs,
  cacheMaxItems: config.upstreamCacheMaxItems,
});
/** Set on SIGTERM/SIGINT: /readyz answers 503 from then on. */
let shuttingDown = false;
const gateway = createGateway({
  config,
  upstream: sharedUpstream,
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
  await replay?.close();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
