import type { DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import { estimateDocumentBytes } from './document-size.js';

/** Parsed documents by query text, the least recently used dropped past a size in bytes. */
export interface DocumentCache {
  /** The document parsed from `text`, if held; it becomes the most recently used. */
  get(text: string): DocumentNode | undefined;
  set(text: string, document: DocumentNode): void;
  /** Whether `text` is held, without touching its place in the order. */
  has(text: string): boolean;
  /** Documents held. */
  readonly size: number;
  /** Their estimated heap bytes (see document-size.ts), at most `maxBytes`. */
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
