import SchemaBuilder from '@pothos/core';
import DirectivesPlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import RelayPlugin from '@pothos/plugin-relay';
import { assertNodeIdCount, decodeNodeGlobalId } from '../nodes/node-id.js';
import type { SchemaContext } from './ports.js';

/** The Pothos builder: plugins and scalar shapes only, no types (they live in src/schema/). */
export const builder = new SchemaBuilder<{
  Context: SchemaContext;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    UUID: { Input: string; Output: string };
    JSON: { Input: unknown; Output: unknown };
  };
  DefaultEdgesNullability: { list: false; items: false };
  DefaultNodeNullability: false;
  Connection: { totalCount: number };
  DefaultFieldNullability: false;
}>({
  // Directives turns the federation directives into AST nodes, so the subgraph SDL prints them;
  // federation comes last, after every plugin that wraps resolvers.
  plugins: [DirectivesPlugin, RelayPlugin, FederationPlugin],
  // graphql-tools' shape for directives in extensions, which codegen's schema loader reads.
  directives: { useGraphQLToolsUnorderedDirectives: true },
  defaultFieldNullability: false,
  relay: {
    cursorType: 'String',
    edgesFieldOptions: { nullable: { list: false, items: false } },
    nodeFieldOptions: { nullable: false },
    nodesOnConnection: true,
    // A malformed or foreign id is BAD_USER_INPUT, not a masked validation error.
    decodeGlobalID: (globalID) => decodeNodeGlobalId(globalID),
    nodeQueryOptions: {
      description: 'Refetches an object by its global id (Relay); null when it no longer exists.',
    },
    nodesQueryOptions: {
      description: 'Refetches up to 100 objects by global id, batched; null for each that no longer exists.',
      resolve: (_root, { ids }, _context, _info, resolveNodes) => {
        assertNodeIdCount(ids.length);
        return resolveNodes(ids);
      },
    },
  },
});
