import { MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  defaultFieldResolver,
  getLocation,
  getOperationAST,
  GraphQLError,
  locatedError,
  visit,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';

/**
 * Executes queries with functions compiled once per document (graphql-jit) instead
 * of walking the document for every response: on a 25-item page the executor's
 * bookkeeping per field is most of what it costs.
 *
 * The responses stay exactly those of the standard executor:
 * - graphql-jit's errors are turned back into graphql-js errors (`locatedError`, as
 *   the standard executor makes them), so masking, error codes and the plugins that
 *   add extensions see what they always see. Its own error objects have read-only
 *   `extensions` and no `nodes`, which broke all three.
 * - An error graphql-jit raised itself (a null in a non-null field, a value a scalar
 *   refuses) carries no original error and is masked, as the standard executor's are.
 * - Variables are coerced once, by the compiled query; when they do not fit, the
 *   standard executor runs instead and answers with graphql-js's own messages.
 * - Documents it cannot compile, introspection, federation's `_entities` (a list of
 *   promises, one per key: graphql-jit leaves the entry of a failed key out instead
 *   of null) and anything but a query (mutations, subscriptions) take the standard
 *   executor.
 * - graphql-jit reads a field without a resolver inline, outside its try/catch: a
 *   getter that throws there (an edge's cursor) would escape the execution. The
 *   schema it compiles against gives such fields graphql-js's default resolver,
 *   except on types whose objects are plain data (PLAIN_DATA_TYPES).
 */
export function useCompiledExecution(queries: CompiledQueries = createCompiledQueries()): Plugin {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const entry = queries.get(args.schema, args.document, args.operationName);
      if (!entry) return;
      setExecuteFn(async (executionArgs) => {
        const result = entry.query.query(args.rootValue, args.contextValue, args.variableValues);
        // The compiled query coerces the variables first; when they do not fit it answers
        // with its errors alone, at once: the standard executor answers instead.
        if (variablesRefused(result)) return executeFn(executionArgs);
        return standardErrors(await result, entry);
      });
    },
  };
}

export interface CompiledQueries {
  /** The compiled form of a validated document's operation, or null for the standard executor. */
  get(schema: GraphQLSchema, document: DocumentNode, operationName?: string | null): Compiled | null;
}

/**
 * Compiles each document once (a cache held by the document itself: useDocumentCache
 * reuses parsed documents, and a document it drops takes its compilation with it).
 */
export function createCompiledQueries(): CompiledQueries {
  const compiled = new WeakMap<DocumentNode, Map<string, Compiled | null>>();
  const resolvable = new WeakMap<GraphQLSchema, GraphQLSchema>();
  return {
    get(schema, document, operationName) {
      let byName = compiled.get(document);
      if (!byName) compiled.set(document, (byName = new Map()));
      const key = operationName ?? '';
      let entry = byName.get(key);
      if (entry === undefined) {
        let target = resolvable.get(schema);
        if (!target) resolvable.set(schema, (target = withResolverOnEveryField(schema)));
        entry = compile(schema, target, document, operationName ?? undefined);
        byName.set(key, entry);
      }
      return entry !== null && entry.schema === schema ? entry : null;
    },
  };
}

export interface Compiled {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  query: CompiledQuery;
  /** The document's fields by "line:column", to give errors their nodes back. */
  fieldsAt: Map<string, FieldNode>;
}

/**
 * Types whose objects are plain object literals (an AuditLog is the record the
 * upstream decoder builds): reading their fields cannot throw, so graphql-jit may read
 * them inline, without a resolver call (three closures and an info object per field,
 * 14 000 fields on a 2000-item page). A type whose objects compute fields in getters
 * must not be listed.
 */
const PLAIN_DATA_TYPES = new Set(['AuditLog']);

function withResolverOnEveryField(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, _name, typeName) =>
      field.resolve || PLAIN_DATA_TYPES.has(typeName) ? field : { ...field, resolve: defaultFieldResolver },
  });
}

/** `schema` is the one documents are validated against, `target` the one compiled against. */
function compile(schema: GraphQLSchema, target: GraphQLSchema, document: DocumentNode, operationName: string | undefined): Compiled | null {
  const operation = getOperationAST(document, operationName);
  if (!operation || operation.operation !== 'query' || selectsStandardOnlyFields(document)) return null;
  let query: CompiledQuery | ExecutionResult;
  try {
    query = compileQuery(target, document, operationName);
  } catch {
    return null;
  }
  if (!isCompiledQuery(query)) return null;
  return { schema, operation, query, fieldsAt: fieldsByLocation(document) };
}

/** Fields left to the standard executor (see above). */
const STANDARD_ONLY_FIELDS = new Set(['__schema', '__type', '_entities']);

function selectsStandardOnlyFields(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (STANDARD_ONLY_FIELDS.has(node.name.value)) found = true;
    },
  });
  return found;
}

function fieldsByLocation(document: DocumentNode): Map<string, FieldNode> {
  const fields = new Map<string, FieldNode>();
  visit(document, {
    Field(node) {
      if (!node.loc) return;
      const { line, column } = getLocation(node.loc.source, node.loc.start);
      fields.set(`${line}:${column}`, node);
    },
  });
  return fields;
}

/** graphql-jit's answer to variables that do not coerce: `errors` without `data`, never a promise (an execution always has `data`). */
function variablesRefused(result: ExecutionResult | Promise<ExecutionResult>): boolean {
  return typeof (result as { then?: unknown }).then !== 'function' && !('data' in result);
}

/** The result with each error made as the standard executor makes it, `errors` first as it puts them. */
function standardErrors(result: ExecutionResult, entry: Compiled): ExecutionResult {
  if (!result.errors || result.errors.length === 0) return { data: result.data };
  return { errors: result.errors.map((error) => standardError(error, entry.fieldsAt)), data: result.data };
}

function standardError(error: GraphQLError, fieldsAt: Map<string, FieldNode>): GraphQLError {
  const nodes = (error.locations ?? []).flatMap(({ line, column }) => fieldsAt.get(`${line}:${column}`) ?? []);
  const original = error.originalError;
  // No original error: graphql-jit found the fault itself; the standard executor's equivalent is a plain Error.
  return locatedError(original instanceof Error ? original : new Error(error.message), nodes, error.path);
}
