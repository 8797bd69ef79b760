import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { printSubgraphSchema } from '@apollo/subgraph';
import SchemaBuilder from '@pothos/core';
import DirectivesPlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import type { GraphQLSchema } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { SAMPLE_RESELLERS, type SampleReseller } from '../../../tools/sample-upstream/seed.js';

/**
 * A small second subgraph for supergraph tests: a "directory" that owns
 * `Reseller { id name }` (the sample upstream's resellers) and keeps bookmarks
 * that point at audit logs by their global id, so the supergraph has a reason
 * to fetch AuditLog entities from the audit-log subgraph.
 */

export interface Bookmark {
  note: string;
  /** An AuditLog global id, as the audit-log subgraph issued it. */
  auditLogId: string;
}

export interface DirectoryState {
  resellers: readonly SampleReseller[];
  bookmarks: Bookmark[];
}

export function buildDirectorySchema(state: DirectoryState): GraphQLSchema {
  const builder = new SchemaBuilder<{ DefaultFieldNullability: false }>({
    plugins: [DirectivesPlugin, FederationPlugin],
    directives: { useGraphQLToolsUnorderedDirectives: true },
    defaultFieldNullability: false,
  });

  const Reseller = builder.objectRef<SampleReseller>('Reseller').implement({
    fields: (t) => ({
      id: t.exposeID('id'),
      name: t.exposeString('name'),
    }),
  });
  builder.asEntity(Reseller, {
    key: builder.selection<{ id: string }>('id'),
    resolveReference: ({ id }) => state.resellers.find((reseller) => reseller.id === id) ?? null,
  });

  // A reference only: the audit-log subgraph resolves AuditLog by its key.
  const AuditLog = builder.objectRef<{ id: string }>('AuditLog').implement({
    fields: (t) => ({ id: t.exposeID('id') }),
  });
  builder.asEntity(AuditLog, {
    key: builder.keyDirective(builder.selection<{ id: string }>('id'), false),
    resolveReference: (reference) => reference,
  });

  const AuditLogBookmark = builder.objectRef<Bookmark>('AuditLogBookmark').implement({
    fields: (t) => ({
      note: t.exposeString('note'),
      auditLog: t.field({ type: AuditLog, nullable: true, resolve: (bookmark) => ({ id: bookmark.auditLogId }) }),
    }),
  });

  builder.queryType({
    fields: (t) => ({
      resellers: t.field({ type: [Reseller], resolve: () => [...state.resellers] }),
      auditLogBookmarks: t.field({ type: [AuditLogBookmark], resolve: () => state.bookmarks }),
    }),
  });

  return builder.toSubGraphSchema({ linkUrl: 'https://specs.apollo.dev/federation/v2.6' });
}

export interface DirectorySubgraph {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:41234/graphql. */
  url: string;
  sdl: string;
  state: DirectoryState;
  /** Headers of every request the directory received. */
  requests: IncomingHttpHeaders[];
  close(): Promise<void>;
}

export function directorySdl(state: DirectoryState = { resellers: SAMPLE_RESELLERS, bookmarks: [] }): string {
  return printSubgraphSchema(buildDirectorySchema(state));
}

/** The directory on a loopback port (yoga + Pothos federation). */
export async function startDirectorySubgraph(): Promise<DirectorySubgraph> {
  const state: DirectoryState = { resellers: SAMPLE_RESELLERS, bookmarks: [] };
  const schema = buildDirectorySchema(state);
  const yoga = createYoga({ schema, graphqlEndpoint: '/graphql', logging: false, landingPage: false });
  const requests: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    requests.push(req.headers);
    void yoga(req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    sdl: printSubgraphSchema(schema),
    state,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
