import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/harness.js';

/**
 * An upstream whose items name their fields otherwise than the mapping expects: the
 * gateway serves them (the fields read as null) and says so loudly, once, and counts it.
 */

let upstream: Server;
let h: Harness;

/** Items with the required keys but their own names for the rest. */
const ITEMS = [0, 1, 2].map((i) => ({
  id: `item-${i}`,
  timestamp: `2026-11-20T10:15:3${i}.000Z`,
  operationName: 'CreateOrder',
  state: 'Succeded',
  reseller: { id: '1c9e4d2a-7b3f-4e8a-9c1d-2f5b6a7e8d90', name: 'Contoso Reseller' },
  details: null,
  userName: 'alice@contoso.example',
  correlationId: null,
  customerId: null,
  customerName: null,
}));

beforeAll(async () => {
  upstream = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ items: ITEMS, paginationParameters: { totalCount: ITEMS.length, totalPages: 1 } }));
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  h = await startHarness({ upstreamUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` });
});

afterAll(async () => {
  await h.close();
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
});

interface LogLine {
  level: number;
  msg: string;
  missingKeys?: string[];
  presentKeys?: string[];
}

const warnings = () =>
  h.logs
    .flatMap((chunk) => chunk.split('\n').filter(Boolean))
    .map((line) => JSON.parse(line) as LogLine)
    .filter((line) => line.missingKeys !== undefined);

describe('items lacking mapped keys', () => {
  it('are served, and one warning names the missing keys and the keys that were there', async () => {
    for (let i = 0; i < 3; i++) {
      const response = await h.graphql<{ auditLogs: { nodes: Array<Record<string, unknown>> } }, unknown>(
        `{ auditLogs(first: 3, filter: { reseller: "r${i}" }) { nodes { auditLogId operation status resellerId userName } } }`,
      );
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data?.auditLogs.nodes).toHaveLength(3);
      expect(response.body.data?.auditLogs.nodes[0]).toMatchObject({ operation: null, status: null, resellerId: null, userName: 'alice@contoso.example' });
    }
    const logged = warnings();
    expect(logged).toHaveLength(1);
    expect(logged[0]!.level).toBe(40);
    expect(logged[0]!.missingKeys).toEqual(['operation', 'status', 'resellerId', 'resellerName']);
    expect(logged[0]!.presentKeys).toEqual(Object.keys(ITEMS[0]!));
    expect(logged[0]!.msg).toContain('operation, status, resellerId, resellerName');
    expect(logged[0]!.msg).toContain('operationName');
  });

  it('are counted per key in /metrics', async () => {
    const text = await (await request(`${h.url}/metrics`)).body.text();
    const count = (key: string) => Number(/ (\d+)$/.exec(text.split('\n').find((line) => line.startsWith(`gateway_upstream_item_keys_missing_total{key="${key}"}`)) ?? '')?.[1]);
    // 3 operations read 3 items each.
    expect(count('operation')).toBe(9);
    expect(count('resellerName')).toBe(9);
    expect(text).not.toContain('gateway_upstream_item_keys_missing_total{key="userName"}');
  });
});

describe('items of the documented shape', () => {
  it('raise no warning and no count (the sample upstream)', async () => {
    const sample = await startHarness();
    try {
      const response = await sample.graphql<{ auditLogs: { nodes: unknown[] } }, unknown>('{ auditLogs(first: 2000) { nodes { auditLogId } } }');
      expect(response.body.data?.auditLogs.nodes.length).toBeGreaterThan(100);
      expect(sample.logs.join('')).not.toContain('missingKeys');
      const text = await (await request(`${sample.url}/metrics`)).body.text();
      expect(text).toContain('# TYPE gateway_upstream_item_keys_missing_total counter');
      expect(text).not.toContain('gateway_upstream_item_keys_missing_total{');
    } finally {
      await sample.close();
    }
  });
});
