import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Config } from './config.js';
import { createContextFactory, type GatewayContext } from './context.js';
import { maskUnexpectedError } from './errors.js';
import { useCompiledExecution } from './plugins/use-compiled-execution.js';
import type { Logger } from './observability/logger.js';
import { createCursorCodec } from './pagination/cursor.js';
import { createDocumentCache, type DocumentCache } from './plugins/document-cache.js';
import { useBodyLimit } from './plugins/use-body-limit.js';
import { useCompression } from './plugins/use-compression.js';
import { useCorrelationId } from './plugins/use-correlation-id.js';
import { useDocumentCache } from './plugins/use-document-cache.js';
import { useInputErrorCodes } from './plugins/use-input-error-codes.js';
import { useIntrospectionSwitch } from './plugins/use-introspection-switch.js';
import { useJsonBodiesOnly } from './plugins/use-json-bodies-only.js';
import { useRequestParamChecks } from './plugins/use-request-param-checks.js';
import { useOperationLimits } from './plugins/use-operation-limits.js';
import { useReadiness } from './plugins/use-readiness.js';
import { useSingleConnectionSse } from './plugins/use-single-connection-sse.js';
import { useSubscriptionTransports } from './plugins/use-subscription-transports.js';
import { useTrustedDocuments } from './plugins/use-trusted-documents.js';
import { useUpstreamBudget } from './plugins/use-upstream-budget.js';
import { createMetrics, type GatewayMetrics } from './observability/metrics.js';
import { createOperationReporting, useOperationRecord, type OperationReporting } from './plugins/operation-record.js';
import { operationMetricsReporter, useMetrics } from './plugins/use-metrics.js';
import { operationLogReporter } from './plugins/use-operation-log.js';
import { operationTracingReporter } from './plugins/use-tracing.js';
import { propagatingTracer, type SpanStarter } from './observability/tracing.js';
import { schema } from './schema/index.js';
import { createGraphiQLRenderer, graphiqlOptions, type RecordedQueryWindow } from './graphiql/page.js';
import { createTailHub } from './tail/index.js';
import type { Time } from './model/time.js';
import { useGraphiQLAssets } from './graphiql/assets.js';
import type { TrustedDocuments } from './trusted-documents/documents.js';
import { createPreparedDocuments } from './trusted-documents/fast-path.js';
import type { UpstreamClient } from './upstream/types.js';
import type { SharedState } from './shared/index.js';

/** The settings the gateway itself reads (the upstream side is built from its own). */
export type GatewaySettings = Pick<
  Config,
  | 'introspection'
  | 'graphiql'
  | 'trustedDocumentsOnly'
  | 'trustedDocumentsFastPath'
  | 'compiledExecution'
  | 'cursorSecret'
  | 'corsOrigins'
  | 'corsAllowedHeaders'
  | 'metricsPort'
  | 'bodyLimitBytes'
  | 'maxDepth'
  | 'maxAliases'
  | 'maxTokens'
  | 'maxDirectives'
  | 'budgetCalls'
  | 'budgetItems'
  | 'tailPollMs'
  | 'tailLookbackMs'
  | 'tailGiveUpMs'
  | 'tailMaxPerCaller'
  | 'tailMax'
  | 'tailMaxQueue'
>;

export interface GatewayOptions {
  config: GatewaySettings;
  /** The upstream side as `createUpstream` builds it (traced, shared as configured). */
  upstream: UpstreamClient;
  logger: Logger;
  /** True when the gateway runs on the embedded sample upstream (GraphiQL then pre-fills its headers). */
  sampleUpstream?: boolean;
  /** Set when the gateway serves a recording: GraphiQL pre-fills the headers and opens on `window`. */
  recording?: { window?: RecordedQueryWindow };
  /** True once shutdown has begun: /readyz answers 503. */
  draining?: () => boolean;
  /** Served at /metrics; pass the same object to `createUpstream`. Default: a fresh registry. */
  metrics?: GatewayMetrics;
  /** Spans per operation (upstream calls: pass the same tracer to `createUpstream`). Default: propagate W3C trace context, record nothing. */
  tracer?: SpanStarter;
  /** The live tail's clock and timers. Default: the system's. */
  time?: Time;
  /** Parsed documents kept between requests. Default: a cache of DEFAULT_DOCUMENT_CACHE_BYTES. */
  documentCache?: DocumentCache;
  /** The manifest of PERSISTED_DOCUMENTS as `loadTrustedDocuments` read it; undefined when none is configured. */
  trustedDocuments?: TrustedDocuments;
  /** What the replicas share (`createSharedState`): which one polls each live tail, and how its batches reach the others. Default: this gateway alone. */
  shared?: Pick<SharedState, 'lease' | 'fanOut'>;
}

/** The gateway: a request handler (Node's `http` or fetch), and its own `close()`. */
export type Gateway = YogaServerInstance<Record<string, unknown>, GatewayContext> & {
  /** Completes every live-tail stream and stops its pollers; later subscriptions complete at once. */
  close(): void;
  /** The manifest the gateway serves, for transports that read their own parameters (WebSocket). */
  trustedDocuments: TrustedDocuments | undefined;
  /** The log line, metrics and span of each operation, for transports that run operations outside yoga's request handling (WebSocket, single-connection SSE). */
  operations: OperationReporting;
};

/** Where every transport of GraphQL is served. */
const GRAPHQL_ENDPOINT = '/graphql';

/** Builds the gateway; it does not listen (the caller decides: tests use port 0 or `.fetch`). */
export function createGateway({
  config,
  upstream,
  logger,
  sampleUpstream = false,
  recording,
  draining,
  metrics = createMetrics(),
  tracer = propagatingTracer(),
  time,
  documentCache = createDocumentCache(),
  trustedDocuments,
  shared,
}: GatewayOptions): Gateway {
  const cursors = createCursorCodec(config.cursorSecret);
  const budget = { calls: config.budgetCalls, items: config.budgetItems };
  const prepared = trustedDocuments && config.trustedDocumentsFastPath ? createPreparedDocuments(trustedDocuments) : undefined;
  const operations = createOperationReporting([operationLogReporter(logger), operationMetricsReporter(metrics), operationTracingReporter(tracer)]);
  const tail = createTailHub({ settings: config, upstream, cursors, cursorSecret: config.cursorSecret, logger, registry: metrics.registry, time, lease: shared?.lease, fanOut: shared?.fanOut });
  const yoga = createYoga<Record<string, unknown>, GatewayContext>({
    schema,
    context: createContextFactory({ upstream, cursors, logger, tail, budget }),
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    healthCheckEndpoint: '/healthz',
    landingPage: false,
    cors: corsOptions(config.corsOrigins, config.corsAllowedHeaders),
    // One operation per request, JSON bodies of bounded size (see useJsonBodiesOnly).
    batching: false,
    multipart: false,
    // Checked by useBodyLimit below, without yoga's per-request TransformStream.
    maxRequestBodySize: false,
    // Replaced by useDocumentCache below: yoga's keeps 1024 documents whatever their size, whoever sent them.
    parserAndValidationCache: false,
    graphiql: config.graphiql ? graphiqlOptions({ sampleUpstream, recording }) : false,
    renderGraphiQL: createGraphiQLRenderer(),
    maskedErrors: { maskError: maskUnexpectedError },
    logging: {
      debug: (...args) => logger.debug(args.map(String).join(' ')),
      info: (...args) => logger.info(args.map(String).join(' ')),
      warn: (...args) => logger.warn(args.map(String).join(' ')),
      error: (...args) => logger.error({ err: args.find((a) => a instanceof Error) }, args.filter((a) => !(a instanceof Error)).map(String).join(' ') || 'error'),
    },
    plugins: [
      useCorrelationId(),
      // The record first: the log line, the metrics and the span report it.
      useOperationRecord(operations),
      // With METRICS_PORT set, main.ts serves /metrics on that port and the public port does not.
      useMetrics(metrics, { servePath: config.metricsPort === undefined }),
      useReadiness({ upstream, draining }),
      ...(config.graphiql ? [useGraphiQLAssets()] : []),
      useJsonBodiesOnly(),
      useRequestParamChecks(),
      useIntrospectionSwitch(config.introspection),
      useOperationLimits({ limits: config, blockFieldSuggestions: !config.introspection }),
      useUpstreamBudget(budget),
      useInputErrorCodes(),
      useSubscriptionTransports(),
      // graphql-sse's reservation protocol; a stream reserved and never opened counts like an open live tail.
      useSingleConnectionSse({ endpoint: GRAPHQL_ENDPOINT, maxReservations: config.tailMax, operations }),
      // After every request parser, so it bounds whichever one is chosen.
      useBodyLimit(config.bodyLimitBytes),
      // After every plugin that adds validation rules (it keys validation results by them).
      useDocumentCache(documentCache, prepared),
      // After the document cache, so that its refusal of untrusted documents is final.
      useTrustedDocuments({ documents: trustedDocuments, settings: config, prepared }),
      ...(config.compiledExecution ? [useCompiledExecution()] : []),
      // Last: it copies the headers every other plugin has set by then.
      useCompression(),
    ],
  });
  return Object.assign(yoga, { close: () => tail.close(), trustedDocuments, operations });
}

/** Request headers a browser may always send: the caller's credentials, the body's type, correlation and trace context. */
const CORS_BUILT_IN_HEADERS: readonly string[] = ['authorization', 'content-type', 'accept', 'x-tenant', 'x-correlation-id', 'traceparent', 'tracestate'];

/**
 * Browsers may call from the configured origins. No credentials: the gateway reads no
 * cookies, callers authenticate with their own Authorization header. The correlation id
 * is exposed so a frontend can quote it in a bug report. CORS_ALLOWED_HEADERS only lets
 * a browser send more headers (its monitoring's `baggage`, say): allowing a header
 * here never forwards it upstream, which takes only the two caller headers.
 */
function corsOptions(origins: string[], extraHeaders: readonly string[]) {
  return {
    origin: origins.includes('*') ? undefined : origins,
    credentials: false,
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: [...new Set([...CORS_BUILT_IN_HEADERS, ...extraHeaders])],
    exposedHeaders: ['x-correlation-id'],
    maxAge: 600,
  };
}
