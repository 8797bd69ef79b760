import { GraphQLError, isAbstractType, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { MAX_LOOKUP_ENTRIES } from '../nodes/node-id.js';
import { BUDGET_LIMITS, DEFAULT_COST_TABLE, estimateOperation, overBudget, type Budget, type CostTable, type OperationEstimate } from '../limits/budget.js';
import { preparedOf } from '../trusted-documents/fast-path.js';

/**
 * Stops an operation over the upstream budget before it executes, so it makes no
 * upstream call at all: BAD_USER_INPUT naming the limit, the planned amount and the
 * maximum (also in `extensions.budget`). Also refuses a `nodes(ids:)` or
 * `_entities(representations:)` of more than MAX_LOOKUP_ENTRIES entries. What the
 * estimate cannot see, the operation's budget counter stops at the call site
 * (operation-budget.ts). A prepared trusted document without variables brings its
 * estimate from start-up (see createPreparedDocuments).
 */
export function useUpstreamBudget(budget: Budget, costTable: CostTable = DEFAULT_COST_TABLE): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const { cost, largestLookup } =
        preparedEstimate(args.document, args.operationName, costTable) ??
        estimateOperation({
          document: args.document,
          operationName: args.operationName,
          variables: args.variableValues,
          costTable,
          isAbstract: abstractTypesOf(args.schema),
        });
      if (largestLookup && largestLookup.entries > MAX_LOOKUP_ENTRIES) {
        const message = `${largestLookup.field} takes at most ${MAX_LOOKUP_ENTRIES} entries, got ${largestLookup.entries}.`;
        setResultAndStopExecution({ errors: [new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { spec: true, status: 400 } } })] });
        return;
      }
      const over = overBudget(cost, budget);
      if (!over) return;
      const message =
        `The operation asks for ${over.planned} ${BUDGET_LIMITS[over.limit].counts}; one operation may ask for at most ${over.max} ` +
        `(${BUDGET_LIMITS[over.limit].setting}). Ask for fewer or smaller pages, or split the operation.`;
      setResultAndStopExecution({
        errors: [
          new GraphQLError(message, {
            extensions: {
              code: 'BAD_USER_INPUT',
              budget: { limit: BUDGET_LIMITS[over.limit].setting, planned: over.planned, max: over.max },
              // Rejected before execution: 400 for application/graphql-response+json, 200 for application/json.
              http: { spec: true, status: 400 },
            },
          }),
        ],
      });
    },
  };
}

/** The estimate made at start-up for a prepared document's operation, if there is one for this name and cost table. */
function preparedEstimate(document: DocumentNode, operationName: string | null | undefined, costTable: CostTable): OperationEstimate | undefined {
  const prepared = preparedOf(document);
  if (prepared === undefined || prepared.costTable !== costTable) return undefined;
  return prepared.estimates?.get(operationName ?? undefined);
}

/** The schema's answer to "is this type condition abstract?", remembered per schema. */
const abstractTypeReaders = new WeakMap<GraphQLSchema, (name: string) => boolean>();
function abstractTypesOf(schema: GraphQLSchema): (name: string) => boolean {
  let read = abstractTypeReaders.get(schema);
  if (read === undefined) {
    read = (name) => isAbstractType(schema.getType(name));
    abstractTypeReaders.set(schema, read);
  }
  return read;
}
