import { readFile } from 'node:fs/promises';
import { printSubgraphSchema } from '@apollo/subgraph';
import { composeServices, compositionHasErrors } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.js';
import { compositionHints, type SubgraphSdl } from './support/composition-hints.js';
import { directorySdl } from './support/directory-subgraph.js';

/**
 * CI's composition check: the committed subgraph SDL composes into a supergraph,
 * alone and next to another subgraph that owns Reseller, without errors and
 * without the hints that signal a mistake.
 */

const committed = await readFile(new URL('../../subgraph.graphql', import.meta.url), 'utf8');
const ours: SubgraphSdl = { name: 'audit-logs', sdl: committed };
const directory: SubgraphSdl = { name: 'directory', sdl: directorySdl() };

const compose = (subgraphs: readonly SubgraphSdl[]) =>
  composeServices(subgraphs.map(({ name, sdl }) => ({ name, typeDefs: parse(sdl), url: `http://${name}.invalid/graphql` })));

describe('the subgraph SDL', () => {
  it('is what the schema prints (npm run codegen is up to date)', () => {
    expect(committed).toBe(`${printSubgraphSchema(schema)}\n`);
  });

  it.each([
    ['alone', [ours]],
    ['with a subgraph that owns Reseller', [ours, directory]],
  ])('composes %s without errors or mistake hints', (_name, subgraphs) => {
    const result = compose(subgraphs);
    expect(compositionHasErrors(result) ? result.errors.map((e) => e.message) : []).toEqual([]);
    expect(compositionHints(subgraphs)).toEqual([]);
  });

  it('makes AuditLog resolvable by id here, and Reseller resolvable by id in both subgraphs', () => {
    const result = compose([ours, directory]);
    if (compositionHasErrors(result)) throw new Error('composition failed');
    const typeLine = (name: string) => result.supergraphSdl.split('\n').find((line) => line.startsWith(`type ${name} `)) ?? '';
    expect(typeLine('AuditLog')).toContain('@join__type(graph: AUDIT_LOGS, key: "id")');
    expect(typeLine('AuditLog')).toContain('@join__type(graph: DIRECTORY, key: "id", resolvable: false)');
    expect(typeLine('Reseller')).toContain('@join__type(graph: AUDIT_LOGS, key: "id")');
    expect(typeLine('Reseller')).toContain('@join__type(graph: DIRECTORY, key: "id")');
    // Supergraph clients see Reseller with fields from both subgraphs.
    expect(result.publicSdl).toMatch(/type Reseller \{[^}]*auditLogs\(/);
    expect(result.publicSdl).toMatch(/type Reseller \{[^}]*name: String!/);
  });
});

describe('the mistake hints', () => {
  // The checks must be able to fail: each of these subgraphs carries one mistake.
  it.each([
    ['a nullable key type elsewhere', 'type Reseller @key(fields: "id") { id: ID name: String! }', 'INCONSISTENT_BUT_COMPATIBLE_FIELD_TYPE'],
    ['Reseller as a plain type elsewhere', 'type Reseller { id: ID! name: String! }', 'INCONSISTENT_ENTITY'],
    ['another key elsewhere', 'type Reseller @key(fields: "name") { id: ID! name: String! }', 'INCONSISTENT_KEYS'],
    ['Federation 1 style', 'extend type Reseller @key(fields: "id") { id: ID! @external name: String! }', 'FEDERATION_1_ENTITY'],
    ['an unused enum', 'type Reseller @key(fields: "id") { id: ID! name: String! } enum Tier { GOLD }', 'UNUSED_ENUM_TYPE'],
  ])('report %s', (_name, types, code) => {
    const other = {
      name: 'other',
      sdl: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@external"])\n${types}\ntype Query { resellers: [Reseller!]! }`,
    };
    expect(compositionHints([ours, other]).map((hint) => hint.code)).toContain(code);
  });

  it('report a subgraph that is not Federation v2', () => {
    const fed1 = { name: 'old', sdl: 'type Reseller @key(fields: "id") { id: ID! name: String! } type Query { resellers: [Reseller!]! }' };
    expect(compositionHints([ours, fed1]).map((hint) => hint.code)).toContain('IMPLICITLY_UPGRADED_FEDERATION_VERSION');
  });
});
