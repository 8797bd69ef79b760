/**
 * The bare baseline: graphql-yoga with one resolver that calls the upstream with
 * undici and returns its items, and nothing else (no cursors, no validation of the
 * items, no error mapping, no logging). What the gateway adds is measured against it.
 * UPSTREAM_URL and PORT from the environment.
 */
import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';
import { request } from 'undici';

const upstream = process.env.UPSTREAM_URL!;

const yoga = createYoga<{ request: Request }>({
  logging: false,
  schema: createSchema({
    typeDefs: /* GraphQL */ `
      type AuditLog { id: ID! timestamp: String! operation: String status: String customerName: String resellerName: String userName: String }
      type AuditLogPage { totalCount: Int! items: [AuditLog!]! }
      type Query { auditLogs(pageNumber: Int!, pageSize: Int!): AuditLogPage! }
    `,
    resolvers: {
      Query: {
        auditLogs: async (_root: unknown, args: { pageNumber: number; pageSize: number }, context: { request: Request }) => {
          const response = await request(`${upstream}/v1/AuditLogs?PageNumber=${args.pageNumber}&PageSize=${args.pageSize}`, {
            headers: {
              authorization: context.request.headers.get('authorization') ?? '',
              'x-tenant': context.request.headers.get('x-tenant') ?? '',
            },
          });
          const body = (await response.body.json()) as { items: unknown[]; paginationParameters: { totalCount: number } };
          return { totalCount: body.paginationParameters.totalCount, items: body.items };
        },
      },
    },
  }),
});

createServer(yoga).listen(Number(process.env.PORT ?? 4001), '127.0.0.1');
// Exit through process.exit, so `--cpu-prof` can write its profile.
process.once('SIGTERM', () => process.exit(0));
