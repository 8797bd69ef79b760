import { describe, expect, it } from 'vitest';
import type { UpstreamPage } from '../../src/model/audit-log.js';
import type { PageWindow } from '../../src/model/window.js';
import { createCursorCodec, type CursorCodec } from '../../src/pagination/cursor.js';
import { readConnectionPage, type PageReader } from '../../src/pagination/read.js';
import { decodeAuditLogPage } from '../../src/upstream/decode.js';

/**
 * A cursor is signed (an HMAC) only when a client reads it: a page whose cursors nobody
 * selects signs none, `endCursor` alone signs one, and each edge's cursor is signed once
 * however often it is read.
 */

const NOW = new Date('2026-11-20T12:00:01Z');
const ITEMS = Array.from({ length: 30 }, (_, i) => ({
  id: `log-${i}`,
  timestamp: new Date(Date.parse('2026-11-20T12:00:00Z') - i * 1000).toISOString(),
  operation: 'UpdateBillingProfile',
  status: 'Failed',
}));

/** The upstream's answer to a window, from the list above (newest first, as it pages). */
function answer(window: PageWindow): UpstreamPage {
  const from = (window.pageNumber - 1) * window.pageSize;
  return decodeAuditLogPage({ items: ITEMS.slice(from, from + window.pageSize), totalCount: ITEMS.length });
}

function countingReader(): { reader: PageReader; signed: () => number } {
  const codec = createCursorCodec(['test secret']);
  let signed = 0;
  const cursors: CursorCodec = {
    encode: (payload) => {
      signed++;
      return codec.encode(payload);
    },
    decode: codec.decode,
  };
  const reader: PageReader = { requireCaller: () => {}, now: NOW, cursors, load: async (_query, window) => answer(window) };
  return { reader, signed: () => signed };
}

describe('cursors are signed only when read', () => {
  it('signs none for a page whose cursors are not read', async () => {
    const { reader, signed } = countingReader();
    const page = await readConnectionPage(reader, null, { first: 5 });
    expect(page.edges.map((edge) => edge.node.auditLogId)).toEqual(['log-0', 'log-1', 'log-2', 'log-3', 'log-4']);
    expect(page.totalCount).toBe(30);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(signed()).toBe(0);
  });

  it('signs one for endCursor alone, and each edge cursor once however often it is read', async () => {
    const { reader, signed } = countingReader();
    const page = await readConnectionPage(reader, null, { first: 5 });
    const end = page.pageInfo.endCursor;
    expect(signed()).toBe(1);
    expect(page.pageInfo.endCursor).toBe(end);
    expect(page.edges[4]!.cursor).toBe(end);
    expect(signed()).toBe(1);
    const first = page.edges[0]!.cursor;
    expect(page.pageInfo.startCursor).toBe(first);
    expect(signed()).toBe(2);

    // The cursors are the ones a walk continues from.
    const next = await readConnectionPage(reader, null, { first: 5, after: end });
    expect(next.edges.map((edge) => edge.node.auditLogId)).toEqual(['log-5', 'log-6', 'log-7', 'log-8', 'log-9']);
  });
});
