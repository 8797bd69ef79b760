import type { DocumentNode, GraphQLError, GraphQLSchema, Source, ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { hasWellFormedCredentials, readCallerHeaders } from '../caller.js';
import { NO_ERRORS, preparedOf, type PreparedDocuments } from '../trusted-documents/fast-path.js';
import { createDocumentCache, type DocumentCache } from './document-cache.js';

/** A document's validation result, and what it was validated against. */
interface Validation {
  schema: GraphQLSchema;
  rules: string;
  result: readonly GraphQLError[];
}

/**
 * Parses each query text once and validates each document once, as yoga's own cache
 * does (`parserAndValidationCache: false` turns that one off), but bounded by the
 * documents' estimated heap bytes instead of their number, and filled only by
 * requests whose Authorization and X-Tenant are well-formed: a request without them
 * is parsed and answered (a federation gateway's `_service` query, GraphiQL's
 * introspection) and leaves nothing behind.
 *
 * - A hit is one lookup by the query text, whoever asks.
 * - A text that fails to parse is not kept: the error holds the whole text, and the
 *   parser gives up at the first error or past the token limit, so parsing it again
 *   costs no more than a document that parses.
 * - Validation results are held by their document (a WeakMap), so they go when the
 *   cache drops it, and with it the compiled query (useCompiledExecution keys its
 *   compilations the same way).
 *
 * - Prepared trusted documents (`prepared`, TRUSTED_DOCUMENTS_FAST_PATH) are held apart
 *   for good: a request whose text is one gets the document prepared at start-up,
 *   which validated without an error against every rule, so it is not validated again.
 *   They take no room in the cache, and no flood of other documents can push them out.
 *
 * Register it after every plugin that adds validation rules, so the rules it keys
 * results by are the complete list.
 */
export function useDocumentCache(cache: DocumentCache = createDocumentCache(), prepared?: PreparedDocuments): Plugin {
  const validations = new WeakMap<DocumentNode, Validation>();
  return {
    onParse({ context, params, setParsedDocument }) {
      const text = textOf(params.source as string | Source);
      const ready = prepared?.get(text);
      if (ready !== undefined) {
        setParsedDocument(ready.document);
        return;
      }
      const cached = cache.get(text);
      if (cached !== undefined) {
        setParsedDocument(cached);
        return;
      }
      const request = (context as { request?: Request }).request;
      if (request === undefined || !hasWellFormedCredentials(readCallerHeaders(request.headers))) return;
      return ({ result }) => {
        if (result !== null && !(result instanceof Error)) cache.set(text, result as DocumentNode);
      };
    },
    onValidate({ params: { schema, documentAST, rules }, setResult }) {
      if (schema == null) return;
      if (prepared !== undefined && preparedOf(documentAST) !== undefined) {
        setResult(NO_ERRORS);
        return;
      }
      const key = rules?.map((rule: ValidationRule) => rule.name).join(',') ?? '';
      const known = validations.get(documentAST);
      if (known !== undefined && known.schema === schema && known.rules === key) {
        setResult(known.result);
        return;
      }
      return ({ result }) => {
        validations.set(documentAST, { schema, rules: key, result: result as readonly GraphQLError[] });
      };
    },
  };
}

function textOf(source: string | Source): string {
  return typeof source === 'string' ? source : source.body;
}
