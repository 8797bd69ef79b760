/**
 * Fastify + mercurius serving the benchmark's page (peers/audit-log-page.ts) with
 * compiled execution from the first request on (`jit: 1`): Node's ceiling for one
 * resolver behind GraphQL. UPSTREAM_URL and PORT from the environment.
 */
import Fastify from 'fastify';
import mercurius from 'mercurius';
import { fetchPage, PAGE_TYPE_DEFS, type PageArgs } from './audit-log-page.js';

const upstream = process.env.UPSTREAM_URL!;
const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? '';

const app = Fastify({ logger: false });
app.register(mercurius, {
  schema: PAGE_TYPE_DEFS,
  jit: 1,
  resolvers: {
    Query: {
      auditLogs: (_root: unknown, args: PageArgs, context: { reply: { request: { headers: Record<string, string | string[] | undefined> } } }) => {
        const { headers } = context.reply.request;
        return fetchPage(upstream, args, { authorization: header(headers.authorization), tenant: header(headers['x-tenant']) });
      },
    },
  },
});
app.get('/health', async () => ({ ok: true }));

await app.listen({ port: Number(process.env.PORT ?? 4001), host: '127.0.0.1' });
// Exit through process.exit, so `--cpu-prof` can write its profile.
process.once('SIGTERM', () => process.exit(0));
