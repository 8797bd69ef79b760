import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { request } from 'undici';
import { defaultConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics, type GatewayMetrics } from '../../src/observability/metrics.js';
import { labelledOperationNames } from '../../src/observability/operation-names.js';
import { startSampleUpstream, type SampleUpstream, type SampleUpstreamOptions } from '../../tools/sample-upstream/index.js';
import { createGateway } from '../../src/gateway.js';
import { schema } from '../../src/schema/index.js';
import { loadTrustedDocuments } from '../../src/trusted-documents/load.js';
import { serveWebSockets } from '../../src/websocket.js';
import { createUpstream } from '../../src/upstream/index.js';
import type { SpanStarter } from '../../src/observability/tracing.js';
import type { Time } from '../../src/model/time.js';
import type { DocumentCache } from '../../src/plugins/document-cache.js';
import type { UpstreamClient } from '../../src/upstream/types.js';

/** A breaker window no test fills: with it the breakers never open, whatever a test makes the upstream answer. */
export const NEVER_DECIDES = 10_000;

export const CALLER = {
  authorization: 'Bearer test-token-alpha',
  'x-tenant': 'alpha.cloudcockpit.example',
} as const;

export interface GraphQLResponse<TData> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { data?: TData | null; errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, any> }> };
}

/** One GraphQL request made through `graphql()`, as sent and as answered. */
export interface RecordedExchange {
  requestHeaders: Record<string, string>;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The response body exactly as received. */
  body: string;
}

export interface Harness {
  url: string;
  sample: SampleUpstream;
  upstream: UpstreamClient;
  /** The gateway's metrics (also served at /metrics), fed by the upstream side as in main.ts. */
  metrics: GatewayMetrics;
  /** Every log line the gateway wrote, as text. */
  logs: string[];
  /** Every request made with `graphql()` and its response, oldest first. */
  exchanges: RecordedExchange[];
  graphql<TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables> | string,
    variables?: TVariables,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<TData>>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Settings over the defaults, by their names in the configuration (no floor applies: tests may poll faster than production). */
  config?: Partial<Config>;
  /** Point the gateway at another upstream instead of the sample one. */
  upstreamUrl?: string;
  sampleNow?: Date;
  /** Spans per operation and upstream call; default: propagate trace context only, as with no exporter. */
  tracer?: SpanStarter;
  /** More options of the sample upstream (seed, fault seed, …). */
  sampleOptions?: SampleUpstreamOptions;
  /** The upstream breakers' and cache's clock (epoch ms); default the system's. */
  clock?: () => number;
  /** The live tail's clock and timers; default the system's. */
  time?: Time;
  /** Wraps the real upstream client, e.g. to make it fail in a way no upstream response can. */
  wrapUpstream?: (client: UpstreamClient) => UpstreamClient;
  /** The gateway's parsed-document cache (default: the one createGateway makes). */
  documentCache?: DocumentCache;
}

/** The real gateway on a loopback port in front of the real sample upstream. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const logs: string[] = [];
  const exchanges: RecordedExchange[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const logger = createLogger('debug', sink);
  const config: Config = {
    ...defaultConfig(),
    upstreamTimeoutMs: 2_000,
    cursorSecret: ['test-cursor-secret-0123456789'],
    ...options.config,
  };
  // As main.ts does at start-up: a bad manifest throws its ConfigError here.
  const trustedDocuments = loadTrustedDocuments(config, schema);
  const sample = await startSampleUpstream({ now: options.sampleNow, ...options.sampleOptions });
  const metrics = createMetrics({ operationNames: labelledOperationNames(config.metricsOperationNames, trustedDocuments?.names) });
  const built = createUpstream(config, {
    baseUrl: options.upstreamUrl ?? sample.url,
    logger,
    metrics,
    tracer: options.tracer,
    clock: options.clock,
  });
  const upstream = options.wrapUpstream ? options.wrapUpstream(built) : built;
  const gateway = createGateway({
    config,
    upstream,
    logger,
    sampleUpstream: true,
    metrics,
    tracer: options.tracer,
    time: options.time,
    documentCache: options.documentCache,
    trustedDocuments,
  });
  const server: Server = createServer(gateway);
  const webSockets = serveWebSockets(server, gateway);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    sample,
    upstream,
    metrics,
    logs,
    exchanges,
    async graphql(document, variables, headers = CALLER) {
      const query = typeof document === 'string' ? document : print(document);
      const response = await request(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.body.text();
      exchanges.push({ requestHeaders: { ...headers }, status: response.statusCode, headers: response.headers, body: text });
      const body = JSON.parse(text) as GraphQLResponse<never>['body'];
      return { status: response.statusCode, headers: response.headers, body } as never;
    },
    async close() {
      gateway.close();
      await webSockets.close();
      server.closeAllConnections();
      server.close();
      await upstream.close();
      await sample.close();
    },
  };
}
