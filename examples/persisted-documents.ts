import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

/** A GraphQL error as the gateway sends it. */
export interface GatewayError {
  message: string;
  extensions?: { code?: string; correlationId?: string };
}

/** A request the gateway answered with errors and no data. */
export class GatewayErrors extends Error {
  constructor(readonly errors: GatewayError[]) {
    super(errors.map((error) => `${error.extensions?.code ?? 'ERROR'}: ${error.message}`).join('; '));
    this.name = 'GatewayErrors';
  }
}

/** Runs a typed document of graphql-codegen's client preset and resolves to its data. */
export type Execute = <TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, variables: TVariables) => Promise<TResult>;

/**
 * Sends each document by its id alone: with `persistedDocuments: true` the client preset
 * puts the document's hash in `__meta__.hash` and writes `persisted-documents.json`, the
 * manifest the gateway reads from PERSISTED_DOCUMENTS; the gateway runs the text it holds
 * under that id.
 */
export function createPersistedExecutor(url: string, headers: Record<string, string>): Execute {
  return async (document, variables) => {
    const documentId = (document as { __meta__?: { hash?: string } }).__meta__?.hash;
    if (documentId === undefined) throw new Error('The document has no hash: generate it with the client preset and persistedDocuments: true.');
    const response = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ documentId, variables }),
    });
    const body = (await response.json().catch(() => ({}))) as { data?: unknown; errors?: GatewayError[] };
    if (body.errors?.length || body.data == null) {
      throw new GatewayErrors(body.errors ?? [{ message: `HTTP ${response.status} without a GraphQL result` }]);
    }
    return body.data as never;
  };
}
