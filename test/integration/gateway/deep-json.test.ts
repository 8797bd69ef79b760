import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, TOO_DEEP } from '../../../src/model/json-depth.js';
import { UPSTREAM_ITEM } from '../../support/upstream-item.js';
import { useHarness } from '../../support/use-harness.js';

/**
 * Upstream JSON nested deeper than a response can be written (a raw item, a 400's
 * errors) is cut at a fixed depth; the rest of the data is kept instead of the whole
 * response turning into one masked error.
 */

/** Far deeper than JSON.stringify can write, and small enough to be read as an error body (64 KiB at most). */
const DEPTH = 10_000;
/** `{"a":[{"a":[ … ]}]}`, `levels` deep, as text: the upstream's body is written by hand, not by JSON.stringify. */
const nestedText = (levels: number) => '[{"a":'.repeat(levels / 2) + 'null' + '}]'.repeat(levels / 2);

let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    res.setHeader('content-type', 'application/json');
    if (path.startsWith('/bad-request')) {
      res.statusCode = 400;
      res.end(`{"statusCode":400,"type":"ValidationError","description":"Deep errors.","errors":[{"field":"PageSize","detail":${nestedText(DEPTH)}}]}`);
      return;
    }
    const plain = (id: string, timestamp: string) => JSON.stringify({ ...UPSTREAM_ITEM, id, timestamp });
    const items = [plain('newest', '2026-11-20T10:15:32.000Z'), `{"id":"deep","timestamp":"2026-11-20T10:15:31.000Z","extra":${nestedText(DEPTH)}}`, plain('oldest', '2026-11-20T10:15:30.000Z')];
    res.end(`{"items":[${items.join(',')}],"paginationParameters":{"totalPages":1,"totalCount":3,"hasPreviousPage":false,"hasNextPage":false}}`);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const pages = useHarness(() => ({ upstreamUrl: `${base}/page` }));
const rejections = useHarness(() => ({ upstreamUrl: `${base}/bad-request` }));

/** How deep a parsed JSON value nests along its last members, and the innermost value there. */
function depthOf(value: unknown): { depth: number; innermost: unknown } {
  let depth = 0;
  let node = value;
  while (typeof node === 'object' && node !== null) {
    depth += 1;
    node = Array.isArray(node) ? node.at(-1) : Object.values(node).at(-1);
  }
  return { depth, innermost: node };
}

describe('deeply nested upstream JSON', () => {
  it('keeps the page and every item, with a raw value cut at the depth a response can carry', async () => {
    const { body, status } = await pages.graphql<{ auditLogs: { nodes: Array<{ auditLogId: string; raw: Record<string, unknown> }> } }, unknown>(
      '{ auditLogs(first: 3) { nodes { auditLogId raw } } }',
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const nodes = body.data!.auditLogs.nodes;
    expect(nodes.map((node) => node.auditLogId)).toEqual(['newest', 'deep', 'oldest']);
    expect(nodes[0]!.raw).toEqual({ ...UPSTREAM_ITEM, id: 'newest', timestamp: '2026-11-20T10:15:32.000Z' });
    const deep = depthOf(nodes[1]!.raw);
    // The item itself is the first level of `raw`.
    expect(deep.depth).toBe(MAX_JSON_DEPTH);
    expect(deep.innermost).toBe(TOO_DEEP);
  });

  it("keeps a 400's error with its code and details, cut at that depth", async () => {
    const { body } = await rejections.graphql<unknown, unknown>('{ auditLogs(first: 3) { totalCount } }');
    expect(body.errors).toHaveLength(1);
    const extensions = body.errors![0]!.extensions!;
    expect(extensions.code).toBe('BAD_USER_INPUT');
    expect(extensions.upstream).toMatchObject({ status: 400, type: 'ValidationError', description: 'Deep errors.' });
    const deep = depthOf(extensions.upstream.errors);
    expect(deep.depth).toBe(MAX_JSON_DEPTH);
    expect(deep.innermost).toBe(TOO_DEEP);
  });
});
