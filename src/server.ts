import { createYoga, useReadinessCheck, type YogaServerInstance } from 'graphql-yoga';
import type { Config } from './config.js';
import { createContextFactory, type GatewayContext } from './context.js';
import { maskUnexpectedError } from './errors.js';
import type { Logger } from './logger.js';
import { createCursorCodec } from './pagination/cursor.js';
import { useCorrelationId } from './plugins/use-correlation-id.js';
import { schema } from './schema/index.js';
import { graphiqlOptions } from './graphiql.js';
import type { UpstreamClient } from './upstream/types.js';

export interface GatewayOptions {
  config: Pick<Config, 'introspection' | 'graphiql' | 'cursorSecret'>;
  upstream: UpstreamClient;
  logger: Logger;
  /** True when the gateway runs on the embedded sample upstream (GraphiQL then pre-fills its headers). */
  sampleUpstream?: boolean;
}

export type Gateway = YogaServerInstance<Record<string, unknown>, GatewayContext>;

/** Builds the gateway; it does not listen (the caller decides: tests use port 0 or `.fetch`). */
export function createGateway({ config, upstream, logger, sampleUpstream = false }: GatewayOptions): Gateway {
  const cursors = createCursorCodec(config.cursorSecret);
  return createYoga<Record<string, unknown>, GatewayContext>({
    schema,
    context: createContextFactory({ upstream, cursors, logger }),
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/healthz',
    landingPage: false,
    graphiql: config.graphiql ? graphiqlOptions({ sampleUpstream }) : false,
    maskedErrors: { maskError: maskUnexpectedError },
    logging: {
      debug: (...args) => logger.debug(args.map(String).join(' ')),
      info: (...args) => logger.info(args.map(String).join(' ')),
      warn: (...args) => logger.warn(args.map(String).join(' ')),
      error: (...args) => logger.error({ err: args.find((a) => a instanceof Error) }, args.filter((a) => !(a instanceof Error)).map(String).join(' ') || 'error'),
    },
    plugins: [
      useCorrelationId(),
      useReadinessCheck({ endpoint: '/readyz', check: () => upstream.probe() }),
    ],
  });
}
