/**
 * `npm run bench:micro`: the speed of two pure hot spots, in-process, without servers.
 *
 * - the sample upstream answering a 25-item page out of 5000 logs (`store.queryJson`),
 *   which bounds how fast the benchmark's upstream can be at all;
 * - decoding a 2000-item upstream page (`decodeAuditLogPage`), the gateway's share of
 *   the largest page before execution.
 *
 * Each is warmed up, then timed over many rounds; the median of five runs is
 * compared with its goal. These were test assertions once; as timings they depend on
 * the machine, so they live here and the tests keep only what the code must do.
 */
import { parseAuditLogQuery } from '../tools/sample-upstream/params.js';
import { generateSeedLogs } from '../tools/sample-upstream/seed.js';
import { createSampleStore } from '../tools/sample-upstream/store.js';
import type { SampleQuery } from '../tools/sample-upstream/types.js';
import { decodeAuditLogPage } from '../src/upstream/decode.js';
import { UPSTREAM_ITEM } from '../test/support/upstream-item.js';

const NOW = new Date('2026-11-20T10:15:30.123Z');

interface Case {
  name: string;
  goalMs: number;
  rounds: number;
  run: () => unknown;
}

function sampleQuery(input: Record<string, string>): SampleQuery {
  const result = parseAuditLogQuery(input, NOW.getTime());
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.query;
}

function storeCase(): Case {
  const store = createSampleStore({ logs: generateSeedLogs({ now: NOW }) });
  const queries = [sampleQuery({}), sampleQuery({ Status: 'Failed' }), sampleQuery({ Reseller: 'contoso', PageNumber: '3' })];
  let i = 0;
  return { name: 'sample store: 25-item page of 5000 logs', goalMs: 0.5, rounds: 1000, run: () => store.queryJson(queries[i++ % queries.length]!) };
}

function decodeCase(): Case {
  const items = Array.from({ length: 2000 }, (_, i) => ({
    ...UPSTREAM_ITEM,
    id: `9b2f6a0e-6a43-4c1e-9d1a-${String(i).padStart(12, '0')}`,
    timestamp: new Date(NOW.getTime() - i * 60_000).toISOString(),
  }));
  const body = { items, paginationParameters: { totalPages: 50, totalCount: 100_000, hasPreviousPage: false, hasNextPage: true }, continuationToken: null };
  // 2.1 ms before timestamps were read by a character scanner, 0.5 ms after (bench/README.md).
  return { name: 'decode a 2000-item upstream page', goalMs: 2, rounds: 50, run: () => decodeAuditLogPage(body) };
}

/** Milliseconds per call: the median of five timed runs after a warm-up. */
function measure({ rounds, run }: Case): number {
  for (let i = 0; i < rounds; i++) run();
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const started = performance.now();
    for (let i = 0; i < rounds; i++) run();
    runs.push((performance.now() - started) / rounds);
  }
  return runs.sort((a, b) => a - b)[2]!;
}

const rows = [storeCase(), decodeCase()].map((c) => {
  const ms = measure(c);
  return { case: c.name, 'ms per call': Number(ms.toFixed(4)), goal: `≤ ${c.goalMs} ms`, '': ms <= c.goalMs ? 'met' : 'missed' };
});
console.table(rows);
