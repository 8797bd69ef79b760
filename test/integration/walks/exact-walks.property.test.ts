import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareNewestFirst } from '../../../tools/sample-upstream/seed.js';
import type { AuditLogFilter } from '../../generated/operations.js';
import { useHarness } from '../../support/use-harness.js';
import { walkPage, type WalkPage } from '../../support/walk.js';

/**
 * "A walk is exact under change" (docs/pagination.md), as a property: random data sets
 * (ties, sub-millisecond stamps), random walks (page sizes 1..2000, forward, backward,
 * first/last switching mid-walk so the walk eats the range from both ends) and random
 * changes between pages (inserts at any timestamp, also after the walk's pinned end,
 * deletes, status flips), through the real gateway and the real sample upstream.
 *
 * Checked for every walk: each log that matched from the first page to the last appears
 * exactly once; nothing appears twice; only logs that matched at some point appear, and
 * none stamped after the first page; the order is newest first; every page reports the
 * first page's total; forward/backward pageInfo is exact as of the page's read; a page
 * costs at most 2 upstream calls, a forward page 1 unless the logs already delivered at
 * its boundary make its read larger than the upstream's page limit.
 *
 * WALK_PROPERTY_RUNS sets the number of walks (default 200), WALK_PROPERTY_LOGS the
 * largest data set (default 40); e.g. for a long local run:
 * `WALK_PROPERTY_RUNS=5000 WALK_PROPERTY_LOGS=300 npx vitest run test/integration/walks/exact-walks.property.test.ts`.
 */

const RUNS = Number(process.env.WALK_PROPERTY_RUNS ?? 200);
/** Largest data set of a walk (WALK_PROPERTY_LOGS, default 40) and how many distinct timestamps it uses (a quarter as many, at least 12). */
const MAX_LOGS = Number(process.env.WALK_PROPERTY_LOGS ?? 40);
const SLOTS = Math.max(12, Math.ceil(MAX_LOGS / 4));
const FUTURE = -1;

const h = useHarness({ sampleOptions: { count: 0 } });
/** Timestamps of the data sets: a few milliseconds an hour ago, each split into sub-millisecond ticks. */
let baseMs: number;

beforeAll(() => {
  baseMs = Date.now() - 3_600_000;
});

type Status = 'Processing' | 'Succeded' | 'Failed';

interface ModelLog {
  id: string;
  slot: number;
  status: Status;
}

/** Slot → timestamp text: 3 ms of 4 ticks each; tick 0 is written with 3 digits, the others with 7. */
function timestampOf(slot: number): string {
  if (slot === FUTURE) return new Date(Date.now() + 3_600_000).toISOString();
  const iso = new Date(baseMs + Math.floor(slot / 4)).toISOString();
  const ticks = (slot % 4) * 2500;
  return ticks === 0 ? iso : iso.replace('Z', `${String(ticks).padStart(4, '0')}Z`);
}

const statuses = fc.constantFrom<Status>('Processing', 'Succeded', 'Failed');
const slots = fc.integer({ min: 0, max: SLOTS - 1 });
const change = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), slot: fc.oneof({ weight: 5, arbitrary: slots }, { weight: 1, arbitrary: fc.constant(FUTURE) }), status: statuses }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), pick: fc.nat(), status: statuses }),
);
const pageSize = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: Math.max(6, Math.ceil(MAX_LOGS / 8)) }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 2000 }) },
);
const step = fc.record({
  direction: fc.constantFrom('first' as const, 'last' as const),
  size: pageSize,
  changes: fc.array(change, { maxLength: 4 }),
});
const scenario = fc.record({
  logs: fc.array(fc.record({ slot: slots, status: statuses }), { maxLength: MAX_LOGS }),
  filter: fc.constantFrom<AuditLogFilter | null>(null, { status: 'PROCESSING' }),
  steps: fc.array(step, { minLength: 1, maxLength: Math.max(8, Math.ceil(MAX_LOGS / 5)) }),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

async function runWalk(s: Scenario): Promise<void> {
  h.sample.store.clear();
  const model = new Map<string, ModelLog>();
  const insert = (slot: number, status: Status) => {
    // Random ids, so new logs land anywhere in the upstream's order among ties.
    const id = crypto.randomUUID();
    h.sample.store.insert({ id, timestamp: timestampOf(slot), status });
    model.set(id, { id, slot, status });
  };
  for (const log of s.logs) insert(log.slot, log.status);

  const matches = (log: ModelLog) => log.slot !== FUTURE && (s.filter === null || log.status === 'Processing');
  const matching = () => new Set([...model.values()].filter(matches).map((log) => log.id));
  const states: Set<string>[] = [];
  /** The upstream's order (newest first, ties by id) of the logs matching now. */
  const upstreamOrder = () =>
    [...model.values()]
      .filter(matches)
      .map((log) => ({ log, ms: baseMs + Math.floor(log.slot / 4), sub: (log.slot % 4) * 250_000, id: log.id }))
      .sort(compareNewestFirst)
      .map((entry) => entry.log);

  let after: string | null = null;
  let before: string | null = null;
  /** The before cursor came from a backward page (it knows how many logs its window held). */
  let beforeFromBackward = false;
  const forwardPages: string[][] = [];
  const backwardPages: string[][] = [];
  const delivered = new Set<string>();
  const deliveredAt = new Map<number, number>(); // slot → logs delivered at it
  const afterSlot: { value: number | null } = { value: null };
  let total: number | null = null;

  for (let index = 0; index < 200; index++) {
    const stepAt = s.steps[Math.min(index, s.steps.length - 1)]!;
    const changed = index > 0 && index < s.steps.length && stepAt.changes.length > 0;
    if (index > 0 && index < s.steps.length) {
      for (const c of stepAt.changes) {
        const ids = [...model.keys()];
        if (c.kind === 'insert') insert(c.slot, c.status);
        else if (ids.length > 0 && c.kind === 'delete') {
          const id = ids[c.pick % ids.length]!;
          h.sample.store.delete([id]);
          model.delete(id);
        } else if (ids.length > 0 && c.kind === 'flip') {
          const id = ids[c.pick % ids.length]!;
          h.sample.store.update(id, { status: c.status });
          model.get(id)!.status = c.status;
        }
      }
    }
    states.push(matching());

    const forward = stepAt.direction === 'first';
    const callsBefore = h.sample.requests.length;
    const page: WalkPage = await walkPage(h, {
      filter: s.filter,
      ...(forward ? { first: stepAt.size } : { last: stepAt.size }),
      after,
      before,
    });
    const calls = h.sample.requests.length - callsBefore;
    const ids = page.edges.map((edge) => edge.node.auditLogId);
    const context = `page ${index} ${forward ? 'first' : 'last'} ${stepAt.size}: ${JSON.stringify(ids)}`;

    total ??= page.totalCount;
    expect(page.totalCount, context).toBe(states[0]!.size);
    expect(calls, context).toBeLessThanOrEqual(2);
    if (forward && before === null) {
      const atBoundary = afterSlot.value === null ? 0 : (deliveredAt.get(afterSlot.value) ?? 0);
      if (stepAt.size + 1 + atBoundary <= 2000) expect(calls, context).toBe(1);
    }
    // A backward walk with nothing changed since its last page finds its tail in one call.
    if (!forward && after === null && beforeFromBackward && !changed && stepAt.size <= 1000) expect(calls, context).toBe(1);
    expect(ids.length, context).toBeLessThanOrEqual(stepAt.size);
    for (const id of ids) {
      expect(delivered.has(id), `${context}: ${id} twice`).toBe(false);
      delivered.add(id);
      const log = model.get(id);
      expect(log, `${context}: ${id} is not stored`).toBeDefined();
      deliveredAt.set(log!.slot, (deliveredAt.get(log!.slot) ?? 0) + 1);
    }

    // pageInfo, exact as of the read: what the upstream now orders past the page and the walk has not delivered.
    if (ids.length > 0 && (forward ? before === null : after === null)) {
      const order = upstreamOrder();
      const edge = order.findIndex((log) => log.id === (forward ? ids.at(-1) : ids[0]));
      const beyond = (forward ? order.slice(edge + 1) : order.slice(0, edge)).filter((log) => !delivered.has(log.id));
      const flag = forward ? page.pageInfo.hasNextPage : page.pageInfo.hasPreviousPage;
      expect(flag, `${context}: ${forward ? 'hasNextPage' : 'hasPreviousPage'}`).toBe(beyond.length > 0);
    }

    if (forward) {
      forwardPages.push(ids);
      if (ids.length > 0) {
        after = page.pageInfo.endCursor;
        afterSlot.value = model.get(ids.at(-1)!)!.slot;
      }
    } else {
      backwardPages.push(ids);
      if (ids.length > 0) {
        before = page.pageInfo.startCursor;
        beforeFromBackward = true;
      }
    }
    if (ids.length < stepAt.size) break;
    expect(index, 'the walk ends').toBeLessThan(199);
  }

  const stable = [...states[0]!].filter((id) => states.every((state) => state.has(id)));
  for (const id of stable) expect(delivered.has(id), `${id} matched throughout but was not delivered`).toBe(true);
  for (const id of delivered) {
    expect(states.some((state) => state.has(id)), `${id} never matched`).toBe(true);
  }
  // Newest first across the whole walk: forward pages in order, then backward pages from the oldest side.
  const walked = [...forwardPages.flat(), ...backwardPages.reverse().flat()];
  const slotsWalked = walked.map((id) => model.get(id)?.slot);
  for (let i = 1; i < slotsWalked.length; i++) {
    const [newer, older] = [slotsWalked[i - 1], slotsWalked[i]];
    if (newer !== undefined && older !== undefined) expect(newer, `order at ${i}: ${JSON.stringify(walked)}`).toBeGreaterThanOrEqual(older);
  }
}

describe('a walk under change', () => {
  it(`delivers every log that matched throughout exactly once, newest first, within the call costs (${RUNS} walks)`, async () => {
    await fc.assert(
      fc.asyncProperty(scenario, (s) => runWalk(s)),
      { numRuns: RUNS, endOnFailure: true },
    );
  }, 600_000);
});
