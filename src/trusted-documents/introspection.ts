import { Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/**
 * Whether every operation of the document asks only for introspection (`__schema`,
 * `__type`, and `__typename` beside them), so it reads the schema and nothing else.
 * Such a document is left to the INTROSPECTION setting when only trusted documents
 * run (GraphiQL and codegen read the schema this way). Pure.
 */
export function isIntrospectionOnly(document: DocumentNode): boolean {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  let operations = 0;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    operations += 1;
    const fields = rootFieldNames(definition.selectionSet, fragments, new Set());
    if (fields === undefined || ![...fields].some((name) => INTROSPECTION_FIELDS.has(name))) return false;
    if (![...fields].every((name) => INTROSPECTION_FIELDS.has(name) || name === '__typename')) return false;
  }
  return operations > 0;
}

/** The field names a root selection set selects, through fragments; undefined when a fragment is missing. */
function rootFieldNames(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, visited: Set<string>): Set<string> | undefined {
  const names = new Set<string>();
  for (const selection of selectionSet.selections) {
    let nested: SelectionSetNode;
    if (selection.kind === Kind.FIELD) {
      names.add(selection.name.value);
      continue;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      nested = selection.selectionSet;
    } else {
      if (visited.has(selection.name.value)) continue; // its fields are counted already
      const fragment = fragments.get(selection.name.value);
      if (fragment === undefined) return undefined;
      visited.add(fragment.name.value);
      nested = fragment.selectionSet;
    }
    const inner = rootFieldNames(nested, fragments, visited);
    if (inner === undefined) return undefined;
    for (const name of inner) names.add(name);
  }
  return names;
}
