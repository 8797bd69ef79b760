import type { DocumentNode, Source } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';
import { findRequestedDocument, type TrustedDocuments } from '../trusted-documents/documents.js';
import { preparedOf, type GetEnveloped, type PreparedDocuments } from '../trusted-documents/fast-path.js';
import { isIntrospectionOnly } from '../trusted-documents/introspection.js';
import { persistedQueryNotFound, persistedQueryOnly } from '../trusted-documents/refusals.js';
import { operationRecordOf } from './operation-record.js';

/** As a request error of GraphQL over HTTP: 400 to `application/graphql-response+json`, 200 to `application/json`. */
const REQUEST_ERROR = { http: { spec: true, status: 400 } };

/**
 * Trusted documents (persisted operations), in two steps:
 *
 * - Parameters (HTTP requests): a request that names a document by id (`documentId` in
 *   the body or the query string, or Apollo's `extensions.persistedQuery`) runs the
 *   manifest's text, whether or not it sent a `query` too; an id the manifest does not
 *   have is refused with PERSISTED_QUERY_NOT_FOUND before anything is parsed.
 * - Documents (every transport, also those that read their own parameters): a parsed
 *   document whose text is a manifest document's is trusted and labelled with its
 *   manifest name. With `trustedDocumentsOnly`, validation refuses any other with
 *   PERSISTED_QUERY_ONLY, unless it only reads the schema (introspection, which the
 *   INTROSPECTION setting decides as before).
 *
 * yoga's persisted-operations plugin does the first step only, and it never looks the id
 * up when a `query` comes with it; GraphQL over WebSocket and graphql-sse's
 * single-connection mode do not pass through either step's parameters, so the document
 * step is what holds for them.
 *
 * With `prepared` (TRUSTED_DOCUMENTS_FAST_PATH), the manifest's documents are parsed
 * and validated once, through the gateway's own pipeline, when yoga starts; the
 * document cache then hands each request its prepared document and validation
 * (see createPreparedDocuments).
 *
 * Register it after useDocumentCache: its refusal must be the last word on validation.
 */
export function useTrustedDocuments({
  documents,
  settings,
  prepared,
}: {
  documents: TrustedDocuments | undefined;
  settings: Pick<Config, 'trustedDocumentsOnly'>;
  prepared?: PreparedDocuments;
}): Plugin {
  if (documents === undefined) return {};
  /** Documents parsed from a manifest text (the document cache hands the same object to every request of that text). */
  const trusted = new WeakSet<DocumentNode>();
  return {
    onYogaInit({ yoga }) {
      prepared?.prepare(yoga.getEnveloped as unknown as GetEnveloped);
    },
    onParams({ request, params, setParams }) {
      const { documentId, ...rest } = params as typeof params & { documentId?: unknown };
      const requested = findRequestedDocument(documents, { documentId: documentId ?? documentIdInUrl(request.url), extensions: params.extensions });
      if (requested.kind === 'unknown') throw persistedQueryNotFound(REQUEST_ERROR);
      if (requested.kind === 'found') {
        const record = operationRecordOf(request);
        if (record) record.manifestName = requested.document.name;
        setParams({ ...rest, query: requested.document.text });
      } else if (documentId !== undefined) {
        // Not a GraphQL-over-HTTP parameter: yoga would refuse the request for it.
        setParams(rest);
      }
    },
    onParse({ params, context }) {
      const text = textOf(params.source);
      const ready = prepared?.get(text);
      if (ready !== undefined) {
        // The document cache hands out the prepared document: label the operation now.
        const request = (context as { request?: Request }).request;
        const record = request && operationRecordOf(request);
        if (record && record.manifestName === undefined) record.manifestName = ready.name;
        return;
      }
      const document = documents.byText.get(text);
      if (document === undefined) return;
      return ({ result }) => {
        if (result === null || result instanceof Error) return;
        trusted.add(result as DocumentNode);
        const request = (context as { request?: Request }).request;
        const record = request && operationRecordOf(request);
        if (record && record.manifestName === undefined) record.manifestName = document.name;
      };
    },
    onValidate({ params: { documentAST }, setResult }) {
      if (!settings.trustedDocumentsOnly || trusted.has(documentAST) || preparedOf(documentAST) || isIntrospectionOnly(documentAST)) return;
      setResult([persistedQueryOnly()]);
    },
  };
}

/** `documentId` in the query string (a GET, such as an EventSource's); only looked for when the URL mentions it. */
function documentIdInUrl(url: string): string | undefined {
  if (!url.includes('documentId=')) return undefined;
  return new URL(url, 'http://gateway').searchParams.get('documentId') ?? undefined;
}

function textOf(source: string | Source): string {
  return typeof source === 'string' ? source : source.body;
}
