import { describe, expect, it } from 'vitest';
import { CALLER } from '../../support/harness.js';
import { useHarness } from '../../support/use-harness.js';
import { idsOf, TAIL_CONFIG, useTailSubscriptions, waitForPolls } from './support.js';

const h = useHarness({ config: TAIL_CONFIG });
const subscribe = useTailSubscriptions(h);
const tail = (variables?: Record<string, unknown>) => subscribe(CALLER, variables);

const PAGE = /* GraphQL */ `
  query Page($first: Int, $after: String) {
    auditLogs(first: $first, after: $after) { edges { cursor node { auditLogId } } }
  }
`;

describe('live tail: resuming', () => {
  it('resumes from the last event cursor after a disconnect: no gap, no duplicate', async () => {
    const first = await tail();
    await waitForPolls(h, CALLER.authorization, 1);
    const base = Date.now();
    const before = [0, 1, 1].map((offset) => h.sample.store.insert({ timestamp: new Date(base + offset).toISOString() }));
    await first.waitForResults(3);
    const lastCursor = first.results.at(-1)!.data!.auditLogAdded.cursor as string;
    first.close();
    await first.finished;

    // Written while no one listened: one at the very timestamp of the last event, one later.
    const missed = [
      h.sample.store.insert({ timestamp: new Date(base + 1).toISOString() }),
      h.sample.store.insert({ timestamp: new Date(base + 2).toISOString() }),
    ];
    const second = await tail({ after: lastCursor });
    await second.waitForResults(2);
    const live = h.sample.store.insert({ timestamp: new Date(Date.now() + 5).toISOString() });
    await second.waitForResults(3);
    await waitForPolls(h, CALLER.authorization, 3);

    expect(idsOf(second)).toEqual([...missed.map((log) => log.id), live.id]);
    for (const log of before) expect(idsOf(second)).not.toContain(log.id);
    // Every event's cursor resumes too: the stream's own cursors are accepted by `after`.
    const third = await tail({ after: second.results.at(-1)!.data!.auditLogAdded.cursor });
    await waitForPolls(h, CALLER.authorization, 3);
    expect(third.results).toHaveLength(0);
  });

  it('resumes after a page cursor: first the newer logs, oldest first, then live', async () => {
    const page = await h.graphql<any, any>(PAGE, { first: 3 });
    const edges = page.body.data.auditLogs.edges as Array<{ cursor: string; node: { auditLogId: string } }>;
    const sub = await tail({ after: edges[2]!.cursor });
    await sub.waitForResults(2);
    expect(idsOf(sub)).toEqual([edges[1]!.node.auditLogId, edges[0]!.node.auditLogId]);
    const live = h.sample.store.insert({});
    await sub.waitForResults(3);
    expect(idsOf(sub)[2]).toBe(live.id);
  });

  it('refuses to catch up on more than 2000 logs with BAD_USER_INPUT', async () => {
    const walk = await h.graphql<any, any>(PAGE, { first: 2000 });
    const next = await h.graphql<any, any>(PAGE, { first: 10, after: walk.body.data.auditLogs.edges.at(-1).cursor });
    const sub = await tail({ after: next.body.data.auditLogs.edges.at(-1).cursor });
    expect(await sub.finished).toBe('complete');
    expect(sub.results).toHaveLength(1);
    expect(sub.results[0]!.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(sub.results[0]!.errors?.[0]?.message).toMatch(/2000/);
  });

  it('refuses a forged cursor, and an event cursor of another filter, with BAD_USER_INPUT', async () => {
    const sub = await tail();
    await waitForPolls(h, CALLER.authorization, 1);
    h.sample.store.insert({ operation: 'CreateOrder' });
    await sub.waitForResults(1);
    const cursor = sub.results[0]!.data!.auditLogAdded.cursor as string;
    const forged = cursor.slice(0, -2) + (cursor.endsWith('AA') ? 'AB' : 'AA');
    for (const variables of [{ after: forged }, { after: 'not-a-cursor' }, { after: cursor, filter: { operations: ['CreateOrder'] } }]) {
      const refused = await tail(variables);
      expect(await refused.finished).toBe('complete');
      expect(refused.results).toHaveLength(1);
      expect(refused.results[0]!.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});
