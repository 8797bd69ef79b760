import { once } from 'node:events';
import { createServer } from 'node:http';
import { configWarnings, ConfigError, loadConfig, traceExportersFromEnv } from './config.js';
import { createGateway } from './gateway.js';
import { createLogger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import { METRICS_PATH, metricsRequestHandler } from './observability/metrics-endpoint.js';
import { labelledOperationNames } from './observability/operation-names.js';
import { createTracing, logTracingProblems } from './observability/tracing.js';
import { schema } from './schema/index.js';
import { createSharedState } from './shared/index.js';
import { createGracefulShutdown } from './shutdown.js';
import { loadTrustedDocuments } from './trusted-documents/load.js';
import { createUpstream } from './upstream/index.js';
import { serveWebSockets } from './websocket.js';
import { describeWindow, mainWindow, replayDirectory, startReplayServer } from '../tools/replay/index.js';
import { DEFAULT_LIVE_WRITES_EVERY_MS, startSampleUpstream } from '../tools/sample-upstream/index.js';

/** The configuration, trace exporters and trusted documents, or one line on stderr and exit 1. */
function readConfig() {
  try {
    const config = loadConfig(process.env);
    return { config, traceExporters: traceExportersFromEnv(process.env), trustedDocuments: loadTrustedDocuments(config, schema) };
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

const { config, traceExporters, trustedDocuments } = readConfig();
const logger = createLogger(config.logLevel);
for (const warning of configWarnings(process.env)) logger.warn(warning);
if (trustedDocuments) {
  const only = config.trustedDocumentsOnly ? 'only these run' : 'other documents run too';
  logger.info({ persistedDocuments: config.persistedDocuments, documents: trustedDocuments.byText.size }, `trusted documents from ${config.persistedDocuments}: ${only}`);
}

let upstreamUrl = config.upstreamUrl;
const sample = upstreamUrl === undefined ? await startSampleUpstream({ host: '127.0.0.1', port: 0, liveWritesEveryMs: DEFAULT_LIVE_WRITES_EVERY_MS }) : undefined;
if (sample) {
  upstreamUrl = sample.url;
  logger.info({ upstreamUrl }, `UPSTREAM_URL is not set: using the embedded sample upstream at ${sample.url}`);
}
const replayDir = replayDirectory(upstreamUrl);
const replay = replayDir === undefined ? undefined : await startReplayServer({ dir: replayDir });
if (replay) upstreamUrl = replay.url;
if (replay) logger.info({ replayDir, upstreamUrl }, `serving recorded upstream responses from ${replayDir}`);
// A recording answers only what it holds: say which windows, so the first query can ask for one.
const recordedWindow = replay ? mainWindow(replay.windows) : undefined;
if (replay) {
  logger.info(
    { windows: replay.windows.map(describeWindow) },
    `the recording answers queries in ${replay.windows.length} recorded windows only (others fail with UPSTREAM_ERROR, a 404 ReplayMiss upstream)${recordedWindow ? `; GraphiQL opens on auditLogs(first: ${recordedWindow.first}, filter: { startDate: "${recordedWindow.startDate}", endDate: "${recordedWindow.endDate}" })` : ''}`,
  );
}

const metrics = createMetrics({ processMetrics: true, operationNames: labelledOperationNames(config.metricsOperationNames, trustedDocuments?.names) });
const tracing = await createTracing(traceExporters);
if (tracing.exporting) {
  logTracingProblems(logger);
  logger.info({ exporters: traceExporters }, 'exporting traces');
}
// Through Redis when REDIS_URL is set (it never holds start-up up: the replica works alone until Redis answers).
const shared = createSharedState(config, { logger, registry: metrics.registry });
const upstream = createUpstream(config, { baseUrl: upstreamUrl!, logger, metrics, tracer: tracing.tracer, cooldowns: shared.cooldowns, rateLimiter: shared.rateLimiter });
/** Set on SIGTERM/SIGINT: /readyz answers 503 from then on. */
let shuttingDown = false;
const gateway = createGateway({
  config,
  upstream,
  logger,
  sampleUpstream: sample !== undefined,
  recording: replay ? { window: recordedWindow } : undefined,
  draining: () => shuttingDown,
  metrics,
  tracer: tracing.tracer,
  trustedDocuments,
  shared,
});
const server = createServer(gateway);
const webSockets = serveWebSockets(server, gateway);
// METRICS_PORT: /metrics on a listener of its own, open before the public one so a scrape finds it from the start.
const metricsServer = config.metricsPort === undefined ? undefined : createServer(metricsRequestHandler(metrics));
if (metricsServer) {
  metricsServer.listen(config.metricsPort, config.host);
  await once(metricsServer, 'listening');
  const address = metricsServer.address();
  const metricsPort = typeof address === 'object' && address ? address.port : config.metricsPort;
  logger.info({ metricsPort, host: config.host }, `metrics served on port ${metricsPort} at ${METRICS_PATH}, not on the public port`);
}
const shutdown = createGracefulShutdown({
  server,
  startDraining: () => {
    shuttingDown = true;
  },
  // Live-tail streams never finish on their own: once the delay has passed, complete them, then close the sockets.
  endStreams: async () => {
    gateway.close();
    await webSockets.close();
  },
  timings: { delayMs: config.shutdownDelayMs, timeoutMs: config.shutdownTimeoutMs },
  logger,
  resources: [
    { name: 'the upstream pool', close: () => upstream.close() },
    { name: 'the Redis connections', close: () => shared.close() },
    { name: 'the trace exporter', close: () => tracing.shutdown() },
    { name: 'the sample upstream', close: async () => sample?.close() },
    { name: 'the replay server', close: async () => replay?.close() },
    // Last: the final scrapes see the drain.
    { name: 'the metrics listener', close: () => closeListener(metricsServer) },
  ],
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

process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

/** Closes a listener and the connections it holds (a scraper's keep-alive one too). */
function closeListener(listener: ReturnType<typeof createServer> | undefined): Promise<void> {
  if (!listener) return Promise.resolve();
  return new Promise((resolve) => {
    listener.close(() => resolve());
    listener.closeAllConnections();
  });
}
