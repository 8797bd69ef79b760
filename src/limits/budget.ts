import {
  getOperationAST,
  Kind,
  valueFromASTUntyped,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { isAbsentCursor } from '../pagination/cursor.js';
import { SETTINGS } from '../config.js';
import { MAX_PAGE_SIZE } from '../model/audit-log.js';
import { LOOKUP_PAGE_SIZE } from '../nodes/node-windows.js';
import { firstReadSize } from '../pagination/range.js';
import { DEFAULT_PAGE_SIZE } from '../pagination/slice.js';

/**
 * The upstream budget of one GraphQL operation, estimated from the document and
 * variables alone, before anything executes. Pure.
 *
 * Every field that reaches the upstream is counted where it appears, per field and
 * per alias, even when identical requests would be merged at run time: the budget
 * bounds what a caller may ask for, not what deduplication happens to save.
 * Arguments that the resolvers reject anyway (a `first` out of range, a malformed
 * list) count as nothing here, so the caller gets the resolver's precise error.
 */

/** Upstream calls and the audit-log items they ask for (the sum of their PageSizes): a cost, or a cap on one. */
export interface Budget {
  calls: number;
  items: number;
}

/**
 * The cost of one field, given its argument values (literals and variables resolved).
 * `perType`, when set, multiplies the cost of the field's sub-selections by type
 * condition: `_entities` runs its `... on Reseller { auditLogs }` once per Reseller
 * representation.
 */
/** Each cap of the budget: the setting that sets it, and what it counts, as messages name them. */
export const BUDGET_LIMITS = {
  calls: { setting: SETTINGS.budgetCalls.env, counts: 'upstream calls' },
  items: { setting: SETTINGS.budgetItems.env, counts: 'audit-log items' },
} as const;

export interface FieldCost extends Budget {
  perType?: (typeCondition: string | undefined) => number;
  /** Entries of a lookup list (`nodes(ids:)`, `_entities(representations:)`), checked against MAX_LOOKUP_ENTRIES. */
  entries?: number;
}

export type FieldCostRule = (args: Readonly<Record<string, unknown>>) => FieldCost;

/**
 * The extension point: field name → cost rule. Fields not listed cost nothing and
 * pass their parent's multiplier on. A field name is matched on any parent type
 * (`auditLogs` is both `Query.auditLogs` and `Reseller.auditLogs`).
 */
export type CostTable = Readonly<Record<string, FieldCostRule>>;

const FREE: FieldCost = { calls: 0, items: 0 };

/**
 * A connection page: one call when `first` without a cursor (one window), two otherwise
 * at most. Its first call asks for one log more than the page (that one tells whether
 * another page follows), never more than the largest page: what execution sends.
 */
export const connectionCost: FieldCostRule = (args) => {
  const first = pageSize(args.first);
  const last = pageSize(args.last);
  if (first === null || last === null) return FREE; // out of range: BAD_USER_INPUT before any call
  const items = firstReadSize(first ?? last ?? DEFAULT_PAGE_SIZE);
  const oneWindow = last === undefined && isAbsentCursor(args.after) && isAbsentCursor(args.before);
  return { calls: oneWindow ? 1 : 2, items };
};

/** A list argument as execution sees it: a single value is coerced to a list of one (GraphQL input coercion). */
export function asList(value: unknown): readonly unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** `node(id:)`: one lookup, at least one call of a node lookup's page size. */
export const nodeCost: FieldCostRule = () => ({ calls: 1, items: LOOKUP_PAGE_SIZE });

/** `nodes(ids:)`: one lookup per id (lookups that share a window share it at run time). */
export const nodesCost: FieldCostRule = (args) => {
  const count = asList(args.ids).length;
  return { calls: count, items: count * LOOKUP_PAGE_SIZE, entries: count };
};

/**
 * `_entities(representations:)`: each AuditLog representation is a node lookup; each
 * other representation (a Reseller) costs what its sub-selection costs, once per
 * representation of that type.
 */
export const entitiesCost: FieldCostRule = (args) => {
  const representations = asList(args.representations);
  const byType = new Map<string, number>();
  for (const representation of representations) {
    const typename = typeof representation === 'object' && representation !== null ? (representation as { __typename?: unknown }).__typename : undefined;
    if (typeof typename === 'string') byType.set(typename, (byType.get(typename) ?? 0) + 1);
  }
  const auditLogs = byType.get('AuditLog') ?? 0;
  return {
    calls: auditLogs,
    items: auditLogs * LOOKUP_PAGE_SIZE,
    entries: representations.length,
    perType: (typeCondition) => (typeCondition === undefined ? representations.length : (byType.get(typeCondition) ?? 0)),
  };
};

/** What reaches the upstream in this schema. */
export const DEFAULT_COST_TABLE: CostTable = {
  auditLogs: connectionCost,
  node: nodeCost,
  nodes: nodesCost,
  _entities: entitiesCost,
};

export interface EstimateInput {
  document: DocumentNode;
  operationName?: string | null;
  variables?: Readonly<Record<string, unknown>> | null;
  costTable?: CostTable;
  /**
   * Whether a type condition names an abstract type (interface or union), which a
   * representation of any concrete type may match. Default: the two this schema has,
   * `Node` and `_Entity`; the plugin asks the schema.
   */
  isAbstract?: (typeName: string) => boolean;
}

/** What the estimate found: the cost, and the longest lookup list (0 when none). */
export interface OperationEstimate {
  cost: Budget;
  largestLookup: { field: string; entries: number } | undefined;
}

const DEFAULT_ABSTRACT_TYPES: ReadonlySet<string> = new Set(['Node', '_Entity']);

/** The cost and the largest lookup list of the operation that would run. */
export function estimateOperation({
  document,
  operationName,
  variables,
  costTable = DEFAULT_COST_TABLE,
  isAbstract = (name) => DEFAULT_ABSTRACT_TYPES.has(name),
}: EstimateInput): OperationEstimate {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return { cost: { calls: 0, items: 0 }, largestLookup: undefined };

  const values: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) values[definition.variable.name.value] = valueFromASTUntyped(definition.defaultValue);
  }
  for (const [name, value] of Object.entries(variables ?? {})) if (value !== undefined) values[name] = value;

  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const walk: Walk = { fragments, values, costTable, isAbstract, spreading: new Set(), largestLookup: undefined };
  const cost = costOf(operation.selectionSet, { factor: 1 }, walk);
  return { cost, largestLookup: walk.largestLookup };
}

/** Which limit an estimate breaks, if any (calls first: it is the upstream's load). */
export function overBudget(cost: Budget, budget: Budget): { limit: 'calls' | 'items'; planned: number; max: number } | undefined {
  if (cost.calls > budget.calls) return { limit: 'calls', planned: cost.calls, max: budget.calls };
  if (cost.items > budget.items) return { limit: 'items', planned: cost.items, max: budget.items };
  return undefined;
}

interface Walk {
  fragments: Map<string, FragmentDefinitionNode>;
  values: Record<string, unknown>;
  costTable: CostTable;
  isAbstract: (typeName: string) => boolean;
  largestLookup: OperationEstimate['largestLookup'];
  /** Fragments being expanded on the current path; a cycle (invalid anyway) is not followed. */
  spreading: Set<string>;
}

/** How many times a selection set runs, and, right under `_entities`, by which type. */
interface Scope {
  factor: number;
  perType?: (typeCondition: string | undefined) => number;
}

function costOf(selectionSet: SelectionSetNode, scope: Scope, walk: Walk): Budget {
  const total = { calls: 0, items: 0 };
  const add = (cost: Budget): void => {
    total.calls += cost.calls;
    total.items += cost.items;
  };
  for (const selection of selectionSet.selections) {
    if (!isIncluded(selection.directives, walk.values)) continue;
    switch (selection.kind) {
      case Kind.FIELD:
        add(fieldCost(selection, scope, walk));
        break;
      case Kind.INLINE_FRAGMENT:
        add(costOf(selection.selectionSet, narrow(scope, selection.typeCondition?.name.value, walk), walk));
        break;
      case Kind.FRAGMENT_SPREAD: {
        const name = selection.name.value;
        const fragment = walk.fragments.get(name);
        if (!fragment || walk.spreading.has(name)) break;
        walk.spreading.add(name);
        add(costOf(fragment.selectionSet, narrow(scope, fragment.typeCondition.name.value, walk), walk));
        walk.spreading.delete(name);
        break;
      }
    }
  }
  return total;
}

function fieldCost(field: FieldNode, scope: Scope, walk: Walk): Budget {
  const name = field.name.value;
  if (name.startsWith('__')) return FREE; // __typename, introspection
  const times = scope.factor * (scope.perType ? scope.perType(undefined) : 1);
  const rule = walk.costTable[name];
  const own = rule ? rule(argumentValues(field, walk.values)) : FREE;
  if (own.entries !== undefined && times > 0 && own.entries > (walk.largestLookup?.entries ?? 0)) {
    walk.largestLookup = { field: name, entries: own.entries };
  }
  const total = { calls: own.calls * times, items: own.items * times };
  if (field.selectionSet && times > 0) {
    const nested = costOf(field.selectionSet, { factor: times, perType: own.perType }, walk);
    total.calls += nested.calls;
    total.items += nested.items;
  }
  return total;
}

/**
 * A concrete type condition right under a `perType` field picks that type's
 * multiplier. An abstract one (`... on _Entity`, `... on Node`, a union) may match
 * every representation: it keeps the scope, so the concrete conditions nested in it
 * still pick their type's multiplier.
 */
function narrow(scope: Scope, typeCondition: string | undefined, walk: Walk): Scope {
  if (!scope.perType || typeCondition === undefined || walk.isAbstract(typeCondition)) return scope;
  return { factor: scope.factor * scope.perType(typeCondition) };
}

function argumentValues(field: FieldNode, values: Record<string, unknown>): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const argument of field.arguments ?? []) {
    args[argument.name.value] = valueFromASTUntyped(argument.value, values);
  }
  return args;
}

/** `@skip(if: true)` and `@include(if: false)` leave a selection out, as execution will. */
function isIncluded(directives: readonly DirectiveNode[] | undefined, values: Record<string, unknown>): boolean {
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    const condition = directive.arguments?.find((argument) => argument.name.value === 'if');
    const value = condition ? valueFromASTUntyped(condition.value, values) : undefined;
    if (name === 'skip' && value === true) return false;
    if (name === 'include' && value === false) return false;
  }
  return true;
}

/** undefined: not given; null: given but invalid (the resolver rejects it); else the size. */
function pageSize(value: unknown): number | undefined | null {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_PAGE_SIZE ? value : null;
}
