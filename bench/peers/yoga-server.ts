/**
 * Plain graphql-yoga serving the benchmark's page (peers/audit-log-page.ts) and nothing
 * else; with `PEER_JIT=true`, also `@envelop/graphql-jit` (queries compiled once per
 * document). What the gateway adds is measured against both.
 * UPSTREAM_URL and PORT from the environment.
 */
import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';
import { fetchPage, PAGE_TYPE_DEFS, type PageArgs } from './audit-log-page.js';

const upstream = process.env.UPSTREAM_URL!;

const yoga = createYoga<{ request: Request }>({
  logging: false,
  // Imported only when asked for: plain yoga runs without the benchmark's own packages.
  plugins: process.env.PEER_JIT === 'true' ? [(await import('@envelop/graphql-jit')).useGraphQlJit()] : [],
  schema: createSchema({
    typeDefs: PAGE_TYPE_DEFS,
    resolvers: {
      Query: {
        auditLogs: (_root: unknown, args: PageArgs, context: { request: Request }) =>
          fetchPage(upstream, args, {
            authorization: context.request.headers.get('authorization') ?? '',
            tenant: context.request.headers.get('x-tenant') ?? '',
          }),
      },
    },
  }),
});

createServer(yoga).listen(Number(process.env.PORT ?? 4001), '127.0.0.1');
// Exit through process.exit, so `--cpu-prof` can write its profile.
process.once('SIGTERM', () => process.exit(0));
