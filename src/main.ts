import { createServer } from 'node:http';
import { ConfigError, loadConfig, traceExportersFromEnv, type Config, type TraceExporterKind } from './config.js';
import { createLogger } from './observability/logger.js';
import { checkCursorSecret } from './cursor-secret-check.js';
import { DEFAULT_LIVE_WRITES_EVERY_MS, startSampleUpstream } from '../tools/sample-upstream/index.js';
import { replayDirectory, startReplayServer } from '../tools/replay/index.js';
import { createMetrics } from './observability/metrics.js';
import { labelledOperationNames } from './observability/operation-names.js';
import { createGateway } from './gateway.js';
import { createGracefulShutdown } from './shutdown.js';
import { logTracingProblems } from './observability/tracing.js';
import { createTracing } from './observability/tracing-setup.js';
import { createUpstream } from './upstream/index.js';
import { closeAll as closeLiveTails } from './tail/index.js';

function readConfig(): Config & { traceExporters: TraceExporterKind[]; cursorSecretWarning?: string } {
  try {
    const secret = checkCursorSecret(process.env);
    if (secret.kind === 'refuse') throw new ConfigError([secret.problem]);
    const warning = secret.kind === 'warn' ? { cursorSecretWarning: secret.message } : {};
    return { ...loadConfig(process.env), traceExporters: traceExportersFromEnv(process.env), ...warning };
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
if (config.cursorSecretWarning !== undefined) logger.warn(config.cursorSecretWarning);

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

const metrics = createMetrics({ processMetrics: true, operationNames: labelledOperationNames(config.metricsOperationNames) });
const tracing = await createTracing(config.traceExporters);
if (tracing.exporting) {
  logTracingProblems(logger);
  logger.info({ exporters: config.traceExporters }, 'exporting traces');
}
const upstream = createUpstream(config, {
  baseUrl: upstreamUrl!,
  logger,
  metrics,
  tracer: tracing.tracer,
  clientOptions: { dialect: config.upstreamDialect },
});
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
const shutdown = createGracefulShutdown({
  server,
  startDraining: () => {
    shuttingDown = true;
    // Live-tail streams never finish on their own: complete them so the listener can close.
    closeLiveTails();
  },
  timings: { delayMs: config.shutdownDelayMs, timeoutMs: config.shutdownTimeoutMs },
  logger,
  resources: [
    { name: 'the upstream pool', close: () => upstream.close() },
    { name: 'the trace exporter', close: () => tracing.shutdown() },
    { name: 'the sample upstream', close: async () => sample?.close() },
    { name: 'the replay server', close: async () => replay?.close() },
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
