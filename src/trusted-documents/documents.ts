import { createHash } from 'node:crypto';

/** One trusted document: its id in the manifest, the name it labels operations with, its text. */
export interface TrustedDocument {
  id: string;
  /** The manifest's name, else the name of the document's operation; undefined for an anonymous one. */
  name: string | undefined;
  text: string;
}

/**
 * The manifest as the gateway looks documents up in it: each request costs one Map
 * lookup, by id or by text, whatever the manifest's size.
 */
export interface TrustedDocuments {
  /** By the manifest's id, and by the SHA-256 (hex) of the text, which is how Apollo's clients name a document. */
  byId: ReadonlyMap<string, TrustedDocument>;
  /** By the exact text: a document sent in full is trusted when it is, character for character, a manifest document. */
  byText: ReadonlyMap<string, TrustedDocument>;
  /** The names the documents label operations with, each once. */
  names: string[];
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The lookups of a list of documents; the first document of a text or id wins. */
export function indexTrustedDocuments(documents: readonly TrustedDocument[]): TrustedDocuments {
  const byId = new Map<string, TrustedDocument>();
  const byText = new Map<string, TrustedDocument>();
  for (const document of documents) {
    if (!byId.has(document.id)) byId.set(document.id, document);
    if (!byText.has(document.text)) byText.set(document.text, document);
  }
  // After every manifest id, so a hash never hides an id.
  for (const document of documents) {
    const hash = sha256Hex(document.text);
    if (!byId.has(hash)) byId.set(hash, document);
  }
  const names = [...new Set(documents.map((document) => document.name).filter((name): name is string => name !== undefined))];
  return { byId, byText, names };
}

/** The request parameters that can name a persisted document. */
export interface DocumentRequestParams {
  documentId?: unknown;
  extensions?: unknown;
}

/**
 * The id a request names its document by: `documentId` (graphql-codegen's client
 * preset), else Apollo's `extensions.persistedQuery.sha256Hash` with `version: 1`.
 * Undefined when it names none (an empty `documentId` names none). Pure.
 */
export function requestedDocumentId(params: DocumentRequestParams): unknown {
  const { documentId } = params;
  if (documentId !== undefined && documentId !== null && documentId !== '') return documentId;
  const persistedQuery = isObject(params.extensions) ? params.extensions.persistedQuery : undefined;
  if (isObject(persistedQuery) && persistedQuery.version === 1 && typeof persistedQuery.sha256Hash === 'string') return persistedQuery.sha256Hash;
  return undefined;
}

/** What a request's id names: nothing asked, a trusted document, or an id the manifest does not have. */
export type RequestedDocument = { kind: 'none' } | { kind: 'found'; document: TrustedDocument } | { kind: 'unknown' };

/** One Map lookup. An id that is not a string is unknown like any other. Pure. */
export function findRequestedDocument(documents: TrustedDocuments, params: DocumentRequestParams): RequestedDocument {
  const id = requestedDocumentId(params);
  if (id === undefined) return { kind: 'none' };
  const document = typeof id === 'string' ? documents.byId.get(id) : undefined;
  return document === undefined ? { kind: 'unknown' } : { kind: 'found', document };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
