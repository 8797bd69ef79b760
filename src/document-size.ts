import type { DocumentNode, Token } from 'graphql';

/**
 * What one cached document costs the heap, estimated from its text and its tokens.
 * graphql-js keeps every token of a parsed document (a linked list its locations
 * point into), and beside each token the node it made, that node's location and
 * its empty argument and directive arrays; a cached document also keeps its
 * validation result and its compiled query.
 *
 * Measured (heap retained after a full collection, per cached document):
 *
 * | document | characters | tokens | bytes | per token |
 * | --- | --- | --- | --- | --- |
 * | one field repeated (`{ a a a … }`) | 4 003 | 2 001 | 970 000 | 485 |
 * | nested lists (`[[[…]]]`) | 2 028 | 1 995 | 600 000 | 301 |
 * | 480 variable definitions | 5 219 | 1 937 | 877 000 | 453 |
 * | 1 990 fields of 45-character names | 91 553 | 1 996 | 1 950 000 | 977 |
 * | a page query of 13 fields | 278 | 59 | 37 000 | 629 |
 * | one field | 46 | 17 | 12 000 | 705 |
 * | 16 aliases of a page, fragments of every field | 850 | 243 | 370 000 to 520 000 | 1 520 to 2 150 |
 * | one field and a 90 000-character comment | 90 044 | 14 | 101 000 | |
 *
 * A text costs its characters once or twice (one or two bytes each); the rest grows
 * with the tokens. The most per token is a compiled query that spreads fragments
 * under every alias (its generated code is most of it, and varies from one run to
 * the next); the operation limits (15 aliases, depth 10) bound that fan-out. The
 * constants cover every row with room to spare, so the cache's real size stays under
 * its bound; for ordinary documents it is a third to a fifth of the estimate.
 */
const BYTES_PER_TOKEN = 2_560;
const BYTES_PER_CHARACTER = 2;
/** The cache entry, the compiled query's fixed part and the validation result. */
const BYTES_PER_ENTRY = 8_192;

/** Estimated heap bytes of `document` parsed from `text`, with its validation result and compiled query. */
export function estimateDocumentBytes(text: string, document: DocumentNode): number {
  // A document parsed without locations keeps no tokens; a token per character bounds its nodes.
  const tokens = document.loc === undefined ? text.length : tokenCount(document.loc.startToken);
  return BYTES_PER_ENTRY + BYTES_PER_CHARACTER * text.length + BYTES_PER_TOKEN * tokens;
}

/** Tokens from `first` to the end of the document, comments included. */
function tokenCount(first: Token): number {
  let count = 0;
  for (let token: Token | null = first; token !== null; token = token.next) count++;
  return count;
}
