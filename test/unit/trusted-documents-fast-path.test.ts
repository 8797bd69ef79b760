import { createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.js';
import { DEFAULT_COST_TABLE, estimateOperation } from '../../src/limits/budget.js';
import { createDocumentCache } from '../../src/plugins/document-cache.js';
import { useDocumentCache } from '../../src/plugins/use-document-cache.js';
import { useOperationLimits } from '../../src/plugins/use-operation-limits.js';
import { useTrustedDocuments } from '../../src/plugins/use-trusted-documents.js';
import { schema } from '../../src/schema/index.js';
import { indexTrustedDocuments } from '../../src/trusted-documents/documents.js';
import { createPreparedDocuments, preparedOf } from '../../src/trusted-documents/fast-path.js';

const FIXED = 'query Fixed { a: auditLogs(first: 10) { totalCount } b: auditLogs(first: 20) { totalCount } }';
const WITH_VARIABLES = 'query Page($first: Int!) { auditLogs(first: $first) { totalCount } }';
const TWO = 'query One { auditLogs(first: 1) { totalCount } } query Two { auditLogs(first: 2) { totalCount } }';
const THREE_ALIASES = 'query ThreeAliases { a: auditLogs(first: 1) { totalCount } b: auditLogs(first: 1) { totalCount } c: auditLogs(first: 1) { totalCount } }';
const TOO_LONG = `query TooLong { auditLogs(first: 1) { nodes { ${'id '.repeat(100)}} } }`;

/** The plugins that parse and validate, as the gateway orders them, with small limits; the documents prepared when yoga starts. */
function prepare(texts: string[]) {
  const documents = indexTrustedDocuments(texts.map((text, i) => ({ id: String(i), name: /^\w+ (\w+)/.exec(text)?.[1], text })));
  const prepared = createPreparedDocuments(documents);
  const settings = { ...defaultConfig(), maxAliases: 2, maxTokens: 80, trustedDocumentsOnly: true };
  createYoga({
    schema,
    parserAndValidationCache: false,
    plugins: [
      useOperationLimits({ limits: settings, blockFieldSuggestions: false }),
      useDocumentCache(createDocumentCache(), prepared),
      useTrustedDocuments({ documents, settings, prepared }),
    ],
  });
  return prepared;
}

describe('the fast path of trusted documents', () => {
  it('prepares, when yoga starts, every manifest document that passes the operation limits, and leaves out the others', () => {
    const prepared = prepare([FIXED, WITH_VARIABLES, TWO, THREE_ALIASES, TOO_LONG]);
    expect(prepared.size).toBe(3);
    for (const text of [FIXED, WITH_VARIABLES, TWO]) {
      const entry = prepared.get(text)!;
      expect(preparedOf(entry.document)).toBe(entry);
      // Parsed with locations, as a request's document is: errors point into the text.
      expect(entry.document.loc?.source.body).toBe(text);
    }
    expect(prepared.get(THREE_ALIASES)).toBeUndefined();
    expect(prepared.get(TOO_LONG)).toBeUndefined();
    expect(prepared.get(`${FIXED} `)).toBeUndefined();
  });

  it('estimates the upstream budget once for a document without variables, by operation name, as a request would', () => {
    const prepared = prepare([FIXED, WITH_VARIABLES, TWO]);
    const fixed = prepared.get(FIXED)!;
    expect(fixed.costTable).toBe(DEFAULT_COST_TABLE);
    const estimate = (text: string, operationName?: string) => estimateOperation({ document: prepared.get(text)!.document, operationName, costTable: DEFAULT_COST_TABLE });
    expect(fixed.estimates?.get(undefined)).toEqual(estimate(FIXED));
    expect(fixed.estimates?.get('Fixed')).toEqual(estimate(FIXED, 'Fixed'));
    expect(fixed.estimates?.get(undefined)?.cost.calls).toBe(2);
    // A name the document does not have (or an empty one) is left to the estimate per request.
    expect(fixed.estimates?.has('')).toBe(false);
    expect(fixed.estimates?.has('Other')).toBe(false);
    const two = prepared.get(TWO)!;
    expect(two.estimates?.get('Two')).toEqual(estimate(TWO, 'Two'));
    expect(two.estimates?.get(undefined)).toEqual(estimate(TWO));
    // With variables the estimate depends on them: none is made.
    expect(prepared.get(WITH_VARIABLES)!.estimates).toBeUndefined();
  });
});
