import type { DocumentNode, Token } from 'graphql';
import { LRUCache } from 'lru-cache';

/** Parsed documents by query text, the least recently used dropped past a size in bytes. */
export interface DocumentCache {
  /** The document parsed from `text`, if held; it becomes the most recently used. */
  get(text: string): DocumentNode | undefined;
  set(text: string, document: DocumentNode): void;
  /** Whether `text` is held, without touching its place in the order. */
  has(text: string): boolean;
  /** Documents held. */
  readonly size: number;
  /** Their estimated heap bytes (see estimateDocumentBytes, below), at most `maxBytes`. */
  readonly bytes: number;
  readonly maxBytes: number;
}

/**
 * 64 MiB of estimated heap, a sixth of the 384 MB the Kubernetes manifests give the
 * old generation (the idle gateway holds about 45 MB). A page query of a dozen
 * fields is estimated at about 160 KB, so some 400 distinct operations fit; a flood
 * of distinct documents only replaces the least recently used.
 */
export const DEFAULT_DOCUMENT_CACHE_BYTES = 64 * 1024 * 1024;

export function createDocumentCache(maxBytes: number = DEFAULT_DOCUMENT_CACHE_BYTES): DocumentCache {
  const documents = new LRUCache<string, DocumentNode>({
    maxSize: maxBytes,
    sizeCalculation: (document, text) => estimateDocumentBytes(text, document),
  });
  return {
    get: (text) => documents.get(text),
    set: (text, document) => void documents.set(text, document),
    has: (text) => documents.has(text),
    get size() {
      return documents.size;
    },
    get bytes() {
      return documents.calculatedSize;
    },
    maxBytes,
  };
}

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
