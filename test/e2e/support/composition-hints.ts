import {
  Kind,
  parse,
  print,
  visit,
  type ConstDirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type TypeNode,
} from 'graphql';

/**
 * @theguild/federation-composition reports composition errors but, unlike Apollo's
 * composer, no hints. These are the hints that, for subgraphs like ours, signal a
 * mistake rather than a style choice; each finding names the hint Apollo would give.
 */

export interface SubgraphSdl {
  name: string;
  sdl: string;
}

export interface Hint {
  code: string;
  message: string;
}

/** Enums published on purpose without a field that returns them. */
export const INTENTIONALLY_UNUSED_ENUMS: Record<string, string> = {
  ErrorCode: 'documents the values of extensions.code; no field returns it',
};

interface ObjectInfo {
  keys: Array<{ fields: string; resolvable: boolean }>;
  fields: Map<string, FieldDefinitionNode>;
  federation1: boolean;
}

const argument = (directive: ConstDirectiveNode, name: string) => directive.arguments?.find((a) => a.name.value === name)?.value;

function objectsOf(document: DocumentNode): Map<string, ObjectInfo> {
  const objects = new Map<string, ObjectInfo>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const info: ObjectInfo = objects.get(definition.name.value) ?? { keys: [], fields: new Map(), federation1: false };
    for (const directive of definition.directives ?? []) {
      if (directive.name.value === 'extends') info.federation1 = true;
      if (directive.name.value !== 'key') continue;
      const fields = argument(directive, 'fields');
      const resolvable = argument(directive, 'resolvable');
      info.keys.push({
        fields: fields?.kind === Kind.STRING ? fields.value.trim() : '',
        resolvable: !(resolvable?.kind === Kind.BOOLEAN && resolvable.value === false),
      });
    }
    if (definition.kind === Kind.OBJECT_TYPE_EXTENSION && info.keys.length > 0) info.federation1 = true;
    for (const field of definition.fields ?? []) info.fields.set(field.name.value, field);
    objects.set(definition.name.value, info);
  }
  return objects;
}

const typeString = (type: TypeNode): string => print(type);

/** Every named type that some field, argument or input field refers to. */
function referencedTypes(documents: readonly DocumentNode[]): Set<string> {
  const names = new Set<string>();
  for (const document of documents) {
    visit(document, {
      FieldDefinition: (node) => void names.add(namedType(node.type)),
      InputValueDefinition: (node) => void names.add(namedType(node.type)),
    });
  }
  return names;
}

const namedType = (type: TypeNode): string => (type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type));

/** The mistakes among Apollo's composition hints, for these subgraphs; [] when there are none. */
export function compositionHints(subgraphs: readonly SubgraphSdl[]): Hint[] {
  const hints: Hint[] = [];
  const documents = subgraphs.map(({ sdl }) => parse(sdl));
  const objects = documents.map(objectsOf);

  subgraphs.forEach(({ name, sdl }, i) => {
    if (!/@link\(\s*url:\s*"https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+"/.test(sdl)) {
      hints.push({ code: 'IMPLICITLY_UPGRADED_FEDERATION_VERSION', message: `${name} does not @link Federation v2` });
    }
    for (const [type, info] of objects[i]!) {
      if (info.federation1) hints.push({ code: 'FEDERATION_1_ENTITY', message: `${name}: ${type} uses @extends / extend type` });
      for (const key of info.keys) {
        for (const field of key.fields.split(/\s+/)) {
          const definition = info.fields.get(field);
          if (definition === undefined) hints.push({ code: 'KEY_FIELD_MISSING', message: `${name}: ${type} @key field ${field} is not defined` });
          else if (definition.type.kind !== Kind.NON_NULL_TYPE) {
            hints.push({ code: 'NULLABLE_KEY_FIELD', message: `${name}: ${type}.${field} is a key but nullable` });
          }
        }
      }
    }
  });

  const typeNames = new Set(objects.flatMap((map) => [...map.keys()]));
  for (const type of typeNames) {
    const holders = subgraphs.map((s, i) => ({ name: s.name, info: objects[i]!.get(type) })).filter((h) => h.info !== undefined);
    if (holders.length < 2 || ['Query', 'Mutation', 'Subscription'].includes(type)) continue;
    const entityIn = holders.filter((h) => h.info!.keys.length > 0);
    if (entityIn.length > 0 && entityIn.length < holders.length) {
      hints.push({ code: 'INCONSISTENT_ENTITY', message: `${type} is an entity in ${entityIn.map((h) => h.name)} but not everywhere` });
    }
    if (entityIn.length > 0) {
      const keySets = entityIn.map((h) => new Set(h.info!.keys.map((k) => k.fields)));
      const shared = [...keySets[0]!].filter((key) => keySets.every((set) => set.has(key)));
      if (shared.length === 0) hints.push({ code: 'INCONSISTENT_KEYS', message: `${type} has no @key shared by all its subgraphs` });
      if (!entityIn.some((h) => h.info!.keys.some((k) => k.resolvable))) {
        hints.push({ code: 'UNRESOLVABLE_ENTITY', message: `${type} has no resolvable @key in any subgraph` });
      }
    }
    const fieldNames = new Set(holders.flatMap((h) => [...h.info!.fields.keys()]));
    for (const field of fieldNames) {
      const types = new Set(holders.flatMap((h) => (h.info!.fields.has(field) ? [typeString(h.info!.fields.get(field)!.type)] : [])));
      if (types.size > 1) {
        hints.push({ code: 'INCONSISTENT_BUT_COMPATIBLE_FIELD_TYPE', message: `${type}.${field} is ${[...types].join(' / ')} across subgraphs` });
      }
    }
  }

  const used = referencedTypes(documents);
  for (const document of documents) {
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.ENUM_TYPE_DEFINITION) continue;
      const name = definition.name.value;
      if (!used.has(name) && !(name in INTENTIONALLY_UNUSED_ENUMS)) {
        hints.push({ code: 'UNUSED_ENUM_TYPE', message: `enum ${name} is used by no field or argument` });
      }
    }
  }
  return hints;
}
