import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMemoryBus, type FanOut, type FanOutHandlers } from '../../src/shared/fan-out.js';
import { createMemoryLeases } from '../../src/shared/lease.js';
import type { Time } from '../../src/model/time.js';
import { SharedPoller, leaseTimings, type TailBatch } from '../../src/tail/shared-poller.js';
import { decodeAuditLogPage } from '../../src/upstream/decode.js';
import type { ListAuditLogsRequest } from '../../src/upstream/types.js';
import { createSampleStore } from '../../tools/sample-upstream/store.js';
import { fakeTime } from '../support/fake-time.js';

/**
 * One tail across replicas on a fake clock: three SharedPollers share leases and a
 * fan-out in memory, and read the sample upstream's store without HTTP. A replica
 * "dies" when its timers stop running and its messages stop going out.
 */

const SETTINGS = { ...defaultConfig(), tailPollMs: 1_000, tailLookbackMs: 10_000, tailGiveUpMs: 30_000 };

function deployment(count: number) {
  const time = fakeTime(Date.parse('2026-11-20T12:00:00.000Z'));
  const store = createSampleStore({ logs: [], clock: () => time.now() });
  const leases = createMemoryLeases(() => time.now());
  const bus = createMemoryBus();
  const calls: Array<{ replica: number; request: ListAuditLogsRequest }> = [];
  const replicas = Array.from({ length: count }, (_, replica) => {
    let dead = false;
    let cut = false;
    const handlers = new Set<FanOutHandlers>();
    const ownTime: Time = { now: () => time.now(), schedule: (task, ms) => time.schedule(() => !dead && task(), ms) };
    const endpoint = bus.endpoint();
    const fanOut: FanOut = {
      subscribe(topic, h) {
        const wrapped: FanOutHandlers = { message: (text) => !cut && !dead && h.message(text), up: () => h.up(), down: () => h.down() };
        handlers.add(wrapped);
        const off = endpoint.subscribe(topic, wrapped);
        return () => {
          handlers.delete(wrapped);
          off();
        };
      },
      publish: (topic, encode) => (dead ? Promise.resolve() : endpoint.publish(topic, encode)),
      flowing: () => !cut,
    };
    const ids: string[] = [];
    const batches: TailBatch[] = [];
    const poller = new SharedPoller({
      name: 'tail',
      poller: {
        key: `r${replica}`,
        authorization: 'Bearer t',
        tenant: 'tenant.example',
        filterQuery: {},
        settings: SETTINGS,
        upstream: {
          async listAuditLogs(request) {
            if (dead) throw new Error('dead');
            calls.push({ replica, request });
            const json = store.queryJson({ pageNumber: request.window.pageNumber, pageSize: request.window.pageSize, startMs: Date.parse(request.query.startDate), endMs: Date.parse(request.query.endDate) });
            return decodeAuditLogPage(JSON.parse(json));
          },
        },
        logger: createLogger('silent'),
        time: ownTime,
        onPoll: () => {},
      },
      lease: leases.holder(),
      fanOut,
    });
    // What a subscriber of this replica delivers: each id once (the hub's dedupe).
    poller.listeners.add({
      onBatch: (batch) => {
        batches.push(batch);
        for (const item of batch.fresh) if (!ids.includes(item.record.auditLogId)) ids.push(item.record.auditLogId);
      },
      onFailure: () => {},
    });
    return {
      poller,
      ids,
      batches,
      die: () => void (dead = true),
      /** Messages are lost, unnoticed (no `down`), until `restore`. */
      cutSilently: () => void (cut = true),
      restore: () => void (cut = false),
      goDown: () => {
        cut = true;
        for (const h of handlers) h.down();
      },
      comeUp: () => {
        cut = false;
        for (const h of handlers) h.up();
      },
    };
  });
  /** Moves the clock in small steps, letting reads and messages settle at each. */
  const advance = async (ms: number) => {
    for (let step = 0; step < ms; step += 50) {
      time.advance(Math.min(50, ms - step));
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const write = () => store.insert({ timestamp: new Date(time.now() - 100).toISOString() }).id;
  const polling = () => replicas.flatMap((r, i) => (r.poller.polling ? [i] : []));
  return { time, replicas, calls, advance, write, polling };
}

describe('one tail shared by replicas, on a fake clock', () => {
  it('one replica polls once per interval for all; every replica hands on every log once', async () => {
    const d = deployment(3);
    await d.advance(100);
    expect(d.polling()).toHaveLength(1);
    const written: string[] = [];
    for (let i = 0; i < 10; i++) {
      written.push(d.write());
      await d.advance(500);
    }
    await d.advance(2_000);
    const byReplica = new Set(d.calls.map((call) => call.replica));
    expect(byReplica.size).toBe(1);
    // 7 s of polling: one call per interval (the first at once).
    expect(d.calls.length).toBeGreaterThanOrEqual(7);
    expect(d.calls.length).toBeLessThanOrEqual(8);
    for (const replica of d.replicas) expect(replica.ids).toEqual(written);
  });

  it('when the polling replica dies, another polls within two intervals, from the mark it left, and no log is missed', async () => {
    const d = deployment(3);
    await d.advance(100);
    const [first] = d.polling();
    const written: string[] = [];
    written.push(d.write());
    await d.advance(1_500);
    d.replicas[first!]!.die();
    const diedAt = d.time.now();
    const callsBefore = d.calls.length;
    // Logs keep coming while nobody polls.
    for (let i = 0; i < 6; i++) {
      written.push(d.write());
      await d.advance(250);
    }
    await d.advance(2_000);
    const takeover = d.calls.slice(callsBefore).find((call) => call.replica !== first)!;
    expect(takeover).toBeDefined();
    expect(Date.parse(takeover.request.query.endDate) - diedAt).toBeLessThanOrEqual(2 * SETTINGS.tailPollMs);
    // It read back from the last poll's end, not merely from now.
    const lastBefore = d.calls[callsBefore - 1]!;
    expect(Date.parse(takeover.request.query.startDate)).toBe(Date.parse(lastBefore.request.query.endDate) - SETTINGS.tailLookbackMs);
    for (const [i, replica] of d.replicas.entries()) if (i !== first) expect(replica.ids).toEqual(written);
    expect(leaseTimings(SETTINGS.tailPollMs).ttlMs + leaseTimings(SETTINGS.tailPollMs).askMs).toBeLessThan(2 * SETTINGS.tailPollMs);
  });

  it('a replica that lost messages unnoticed reads the gap once with its own credentials before handing on the next batch', async () => {
    const d = deployment(2);
    await d.advance(100);
    const [leader] = d.polling();
    const follower = d.replicas[1 - leader!]!;
    const written = [d.write()];
    await d.advance(1_500);
    follower.cutSilently();
    written.push(d.write());
    await d.advance(1_000);
    written.push(d.write());
    await d.advance(2_000);
    expect(follower.ids).toEqual(written.slice(0, 1));
    follower.restore();
    written.push(d.write());
    await d.advance(2_000);
    const repairs = d.calls.filter((call) => call.replica === 1 - leader!);
    expect(repairs).toHaveLength(1);
    expect(follower.ids).toEqual(written);
    expect(follower.poller.polling).toBe(false);
  });

  it('a replica whose fan-out goes down polls alone from where it was, and follows again once it is back', async () => {
    const d = deployment(2);
    await d.advance(100);
    const [leader] = d.polling();
    const followerIndex = 1 - leader!;
    const follower = d.replicas[followerIndex]!;
    const written = [d.write()];
    await d.advance(1_500);
    follower.goDown();
    await d.advance(100);
    expect(follower.poller.polling).toBe(true);
    written.push(d.write());
    await d.advance(2_000);
    expect(follower.ids).toEqual(written);
    follower.comeUp();
    await d.advance(1_000);
    expect(follower.poller.polling).toBe(false);
    expect(d.polling()).toEqual([leader]);
    written.push(d.write());
    await d.advance(2_000);
    expect(follower.ids).toEqual(written);
  });

  it('a replica that stops hands the lease over at once: another polls on the next turn of the event loop', async () => {
    const d = deployment(2);
    await d.advance(100);
    const [leader] = d.polling();
    d.replicas[leader!]!.poller.stop('last subscriber left');
    await d.advance(50);
    expect(d.polling()).toEqual([1 - leader!]);
  });
});

describe('the messages of a shared tail', () => {
  it('carry a batch\'s logs exactly (records with their raw items and sub-millisecond timestamps), and a failure\'s code and details', async () => {
    const { encodeTailMessage, decodeTailMessage } = await import('../../src/tail/shared-messages.js');
    const { placeLog } = await import('../../src/model/placed-log.js');
    const { GatewayError } = await import('../../src/errors.js');
    const page = decodeAuditLogPage({ items: [{ id: 'a1', timestamp: '2026-11-20T12:00:00.1234567Z', operation: 'CreateOrder', status: 'Failed', customerName: 'Contoso', details: 'x' }], totalCount: 1 });
    const fresh = page.items.map(placeLog);
    const decoded = decodeTailMessage(encodeTailMessage({ kind: 'batch', fresh, sinceMs: 1, endMs: 2, rereads: true }));
    expect(decoded?.kind).toBe('batch');
    const batch = decoded as Extract<typeof decoded, { kind: 'batch' }>;
    expect(batch.fresh.map((item) => item.record)).toEqual(page.items);
    expect(batch.fresh[0]!.instant).toEqual(fresh[0]!.instant);
    expect(batch).toMatchObject({ sinceMs: 1, endMs: 2, rereads: true });
    const failure = decodeTailMessage(encodeTailMessage({ kind: 'failure', error: new GatewayError('FORBIDDEN', 'Access to these audit logs is forbidden.', { upstream: { status: 403 } }) }));
    expect(failure).toMatchObject({ kind: 'failure', error: { code: 'FORBIDDEN', extensions: { code: 'FORBIDDEN', upstream: { status: 403 } } } });
    for (const bad of ['', '{', '{"v":2,"kind":"released"}', '{"v":1,"kind":"batch","sinceMs":1,"endMs":2,"rereads":false,"logs":[{"auditLogId":5}]}', '{"v":1,"kind":"failure","code":"NOPE","message":"x"}']) {
      expect(decodeTailMessage(bad), bad).toBeUndefined();
    }
  });
});
