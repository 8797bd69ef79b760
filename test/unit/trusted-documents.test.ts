import { createHash } from 'node:crypto';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { findRequestedDocument, indexTrustedDocuments, requestedDocumentId } from '../../src/trusted-documents/documents.js';
import { isIntrospectionOnly } from '../../src/trusted-documents/introspection.js';
import { ManifestError, readManifest } from '../../src/trusted-documents/manifest.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const A = 'query A { auditLogs(first: 1) { totalCount } }';
const B = 'query B { node(id: "x") { id } }';

describe('manifests: the two formats', () => {
  it("reads graphql-codegen's client preset: id to text, no names", () => {
    expect(readManifest({ 'sha256:a': A, 'sha256:b': B })).toEqual([
      { id: 'sha256:a', name: undefined, text: A },
      { id: 'sha256:b', name: undefined, text: B },
    ]);
  });

  it("reads Apollo's persisted query manifest, with its names", () => {
    const manifest = {
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: [{ id: sha256(A), name: 'TheA', type: 'query', body: A }],
    };
    expect(readManifest(manifest)).toEqual([{ id: sha256(A), name: 'TheA', text: A }]);
  });

  it.each([
    ['a list', [A], /not a JSON object/],
    ['an empty object', {}, /no documents/],
    ['an object of other values', { x: 1 }, /neither/],
    ['another format', { format: 'something-else', version: 1, operations: [] }, /format "something-else"/],
    ['another Apollo version', { format: 'apollo-persisted-query-manifest', version: 2, operations: [] }, /version 2/],
    ['an Apollo operation without a body', { format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: 'x', name: 'X' }] }, /"x".*without a "body"/],
    [
      'one id for two documents',
      { format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: 'x', body: A }, { id: 'x', body: B }] },
      /"x" to two different documents/,
    ],
  ])('refuses %s, saying what is wrong', (_name, json, message) => {
    expect(() => readManifest(json)).toThrow(ManifestError);
    expect(() => readManifest(json)).toThrow(message);
  });
});

describe('looking documents up', () => {
  const documents = indexTrustedDocuments([
    { id: 'sha256:client-preset-id', name: 'A', text: A },
    { id: 'opaque-b', name: 'B', text: B },
  ]);

  it('finds a document by its manifest id, by the SHA-256 of its text, and by its exact text only', () => {
    expect(documents.byId.get('sha256:client-preset-id')?.name).toBe('A');
    expect(documents.byId.get(sha256(A))?.name).toBe('A');
    expect(documents.byId.get(sha256(B))?.name).toBe('B');
    expect(documents.byText.get(A)?.name).toBe('A');
    expect(documents.byText.get(`${A} `)).toBeUndefined();
    expect(documents.names).toEqual(['A', 'B']);
  });

  it('reads the id from documentId, else from extensions.persistedQuery of version 1', () => {
    expect(requestedDocumentId({ documentId: 'd', extensions: { persistedQuery: { version: 1, sha256Hash: 'h' } } })).toBe('d');
    expect(requestedDocumentId({ extensions: { persistedQuery: { version: 1, sha256Hash: 'h' } } })).toBe('h');
    expect(requestedDocumentId({ extensions: { persistedQuery: { version: 2, sha256Hash: 'h' } } })).toBeUndefined();
    expect(requestedDocumentId({ documentId: '', extensions: {} })).toBeUndefined();
    expect(requestedDocumentId({ documentId: null })).toBeUndefined();
    expect(requestedDocumentId({})).toBeUndefined();
  });

  it('tells a found document from an unknown id and from no id', () => {
    expect(findRequestedDocument(documents, { documentId: 'opaque-b' })).toEqual({ kind: 'found', document: { id: 'opaque-b', name: 'B', text: B } });
    expect(findRequestedDocument(documents, { documentId: 'nope' })).toEqual({ kind: 'unknown' });
    expect(findRequestedDocument(documents, { documentId: 7 })).toEqual({ kind: 'unknown' });
    expect(findRequestedDocument(documents, {})).toEqual({ kind: 'none' });
  });
});

describe('introspection-only documents', () => {
  it.each([
    ['{ __schema { types { name } } }', true],
    ['query IntrospectionQuery { __schema { ...S } } fragment S on __Schema { queryType { name } }', true],
    ['{ __type(name: "AuditLog") { name } __typename }', true],
    ['{ ... on Query { __schema { queryType { name } } } }', true],
    ['{ ...Root } fragment Root on Query { __schema { queryType { name } } }', true],
    ['{ __typename }', false],
    ['{ __schema { queryType { name } } auditLogs(first: 1) { totalCount } }', false],
    ['{ ...Root } fragment Root on Query { auditLogs(first: 1) { totalCount } }', false],
    ['query A { __schema { queryType { name } } } query B { auditLogs(first: 1) { totalCount } }', false],
    ['subscription { auditLogAdded { cursor } }', false],
    ['fragment F on Query { __typename }', false],
    ['{ ...Missing }', false],
  ])('%s: %s', (text, expected) => {
    expect(isIntrospectionOnly(parse(text))).toBe(expected);
  });
});
