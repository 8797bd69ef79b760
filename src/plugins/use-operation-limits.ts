import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { GraphQLArmorRejectCallback } from '@escape.tech/graphql-armor-types';
import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';

export interface OperationLimitsOptions {
  limits: Pick<Config, 'maxDepth' | 'maxAliases' | 'maxTokens' | 'maxDirectives'>;
  /** Hide "Did you mean …?" in validation errors (when introspection is off, they would leak the schema). */
  blockFieldSuggestions: boolean;
}

/** The code every armor rejection carries: it is a validation failure of the document. */
const LIMIT_CODE = 'GRAPHQL_VALIDATION_FAILED';

function withCode(error: GraphQLError): GraphQLError {
  (error as { extensions: Record<string, unknown> }).extensions = { ...error.extensions, code: LIMIT_CODE };
  return error;
}

/**
 * Armor's validation rules throw out of `validate` by default; reported through the
 * validation context instead, they come back as ordinary validation errors (HTTP 400
 * with application/graphql-response+json) with our code.
 */
const reportWithCode: GraphQLArmorRejectCallback = (context, error) => context?.reportError(withCode(error));
/** The token limit runs in the parser, which has no context: the error is thrown, with our code on it. */
const tagWithCode: GraphQLArmorRejectCallback = (_context, error) => void withCode(error);

/**
 * Depth, alias, token and directive limits of graphql-armor, each rejection with a
 * stable `extensions.code`. Armor's cost limit stays off: the upstream budget
 * (`useUpstreamBudget`) is this gateway's cost control, in upstream calls and items.
 *
 * `__schema` fields are left out of the depth count (GraphiQL's own introspection
 * query is deep); armor matches them by field name only, so an operation or fragment
 * named `__schema` gets no such pass.
 */
export function useOperationLimits({ limits, blockFieldSuggestions }: OperationLimitsOptions): Plugin {
  const viaContext = { propagateOnRejection: false, onReject: [reportWithCode] };
  return EnvelopArmorPlugin({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: false, ...viaContext },
    maxAliases: { n: limits.maxAliases, ...viaContext },
    maxDirectives: { n: limits.maxDirectives, ...viaContext },
    maxTokens: { n: limits.maxTokens, propagateOnRejection: true, onReject: [tagWithCode] },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: blockFieldSuggestions },
  }) as Plugin;
}
