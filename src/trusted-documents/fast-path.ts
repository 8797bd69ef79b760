import { isAbstractType, Kind, type DocumentNode, type GraphQLError, type GraphQLSchema } from 'graphql';
import { DEFAULT_COST_TABLE, estimateOperation, type CostTable, type OperationEstimate } from '../limits/budget.js';
import type { TrustedDocuments } from './documents.js';

/**
 * A manifest document as the gateway worked it out once, at start-up: parsed by the
 * gateway's own parser and validated with every rule a request's document meets
 * (the schema's, the operation limits', the trusted documents' own), without a
 * single error. A request whose text is this document's takes it as it is.
 */
export interface PreparedDocument {
  readonly document: DocumentNode;
  /** The name it labels operations with (the manifest's, else its operation's). */
  readonly name: string | undefined;
  /**
   * The upstream budget estimate of each of its operations, by operation name
   * (undefined for a request that names none), when no operation declares variables:
   * the estimate then depends on the document alone. Undefined otherwise.
   */
  readonly estimates: ReadonlyMap<string | undefined, OperationEstimate> | undefined;
  /** The cost table the estimates were made with. */
  readonly costTable: CostTable;
}

/** What preparing needs of the gateway's pipeline: yoga's `getEnveloped`. */
export type GetEnveloped = (context: Record<string, unknown>) => {
  parse(source: string): DocumentNode;
  validate(schema: GraphQLSchema, document: DocumentNode): readonly GraphQLError[];
  schema: GraphQLSchema;
};

/**
 * The prepared documents of one gateway, by their text: empty until `prepare` runs
 * (useTrustedDocuments calls it once yoga's pipeline exists, at start-up).
 */
export interface PreparedDocuments {
  get(text: string): PreparedDocument | undefined;
  readonly size: number;
  prepare(getEnveloped: GetEnveloped): void;
}

/**
 * Documents prepared by any gateway of the process, held by the document object itself
 * (each belongs to one gateway, and the plugins that look a request's document up
 * have the document, not the gateway).
 */
const prepared = new WeakMap<DocumentNode, PreparedDocument>();

/** The prepared form of a request's document, when it is a prepared manifest document. */
export function preparedOf(document: DocumentNode): PreparedDocument | undefined {
  return prepared.get(document);
}

/** Validation of a prepared document: it had no errors at start-up, and has none since (it is the same object, against the same schema). */
export const NO_ERRORS: readonly GraphQLError[] = Object.freeze([]);

/**
 * The trusted documents, to be prepared once: each manifest text is run through the
 * gateway's own parse and validation (with a context that holds no request, so nothing
 * is logged, counted or cached for it). A text that fails either — one over an
 * operation limit, say — is left out: requests for it take the generic path and are
 * refused there exactly as without the fast path.
 */
export function createPreparedDocuments(documents: TrustedDocuments): PreparedDocuments {
  const byText = new Map<string, PreparedDocument>();
  return {
    get: (text) => byText.get(text),
    get size() {
      return byText.size;
    },
    prepare(getEnveloped) {
      if (byText.size > 0) return;
      const { parse, validate, schema } = getEnveloped({});
      const isAbstract = (name: string) => isAbstractType(schema.getType(name));
      for (const [text, trusted] of documents.byText) {
        let document: DocumentNode;
        try {
          document = parse(text);
        } catch {
          continue;
        }
        if (validate(schema, document).length > 0) continue;
        const entry: PreparedDocument = { document, name: trusted.name, estimates: estimatesOf(document, isAbstract), costTable: DEFAULT_COST_TABLE };
        prepared.set(document, entry);
        byText.set(text, entry);
      }
    },
  };
}

/** The budget estimate of each operation (and of the request that names none), when no operation declares variables. */
function estimatesOf(document: DocumentNode, isAbstract: (name: string) => boolean): Map<string | undefined, OperationEstimate> | undefined {
  const names: Array<string | undefined> = [undefined];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if ((definition.variableDefinitions?.length ?? 0) > 0) return undefined;
    if (definition.name) names.push(definition.name.value);
  }
  const estimates = new Map<string | undefined, OperationEstimate>();
  for (const name of names) {
    estimates.set(name, estimateOperation({ document, operationName: name, costTable: DEFAULT_COST_TABLE, isAbstract }));
  }
  return estimates;
}
