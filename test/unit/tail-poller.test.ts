import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.js';
import { GatewayError } from '../../src/errors.js';
import { createLogger } from '../../src/observability/logger.js';
import { Poller, type PollBatch } from '../../src/tail/poller.js';
import type { ListAuditLogsRequest } from '../../src/upstream/types.js';
import { decodeAuditLogPage } from '../../src/upstream/decode.js';
import { createSampleStore } from '../../tools/sample-upstream/store.js';
import { fakeTime } from '../support/fake-time.js';

/**
 * The poller on a fake clock: its schedule, backoff and give-up are the clock's, so
 * these tests move time instead of sleeping. Its reads go to the sample upstream's
 * in-memory store (its real paging and date filtering, our real decoder), without HTTP.
 */

const SETTINGS = { ...defaultConfig(), tailPollMs: 5_000, tailLookbackMs: 60_000, tailGiveUpMs: 20_000 };

function setUp(options: { fail?: () => GatewayError | undefined } = {}) {
  const time = fakeTime(Date.parse('2026-11-20T12:00:00.000Z'));
  const store = createSampleStore({ logs: [], clock: () => time.now() });
  const calls: ListAuditLogsRequest[] = [];
  const batches: PollBatch[] = [];
  const failures: GatewayError[] = [];
  const outcomes: string[] = [];
  const poller = new Poller({
    key: 'test',
    authorization: 'Bearer t',
    tenant: 'tenant.example',
    filterQuery: {},
    settings: SETTINGS,
    upstream: {
      async listAuditLogs(request) {
        calls.push(request);
        const failure = options.fail?.();
        if (failure) throw failure;
        const json = store.queryJson({
          pageNumber: request.window.pageNumber,
          pageSize: request.window.pageSize,
          startMs: Date.parse(request.query.startDate),
          endMs: Date.parse(request.query.endDate),
        });
        return decodeAuditLogPage(JSON.parse(json));
      },
    },
    logger: createLogger('silent'),
    time,
    onPoll: (outcome) => outcomes.push(outcome),
  });
  poller.listeners.add({ onBatch: (batch) => batches.push(batch), onFailure: (error) => failures.push(error) });
  /** Moves the clock and lets the poll it started settle (the reads are promises, not timers). */
  const advance = async (ms: number) => {
    time.advance(ms);
    for (let i = 0; i < 10; i++) await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { time, store, poller, calls, batches, failures, outcomes, advance };
}

describe('the live-tail poller on a fake clock', () => {
  it('polls at once, then every TAIL_POLL_MS, and hands each new log over once', async () => {
    const t = setUp();
    await t.advance(0);
    expect(t.calls).toHaveLength(1);
    const log = t.store.insert({ timestamp: new Date(t.time.now() - 1000).toISOString() });
    await t.advance(SETTINGS.tailPollMs - 1);
    expect(t.calls).toHaveLength(1);
    await t.advance(1);
    expect(t.calls).toHaveLength(2);
    // Each poll reads the lookback window up to now.
    expect(Date.parse(t.calls[1]!.query.endDate)).toBe(t.time.now());
    expect(Date.parse(t.calls[1]!.query.startDate)).toBe(Date.parse(t.calls[0]!.query.endDate) - SETTINGS.tailLookbackMs);
    await t.advance(SETTINGS.tailPollMs);
    expect(t.batches.flatMap((batch) => batch.fresh.map((item) => item.record.auditLogId))).toEqual([log.id]);
    expect(t.outcomes).toEqual(['ok', 'ok', 'ok']);
    t.poller.stop('done');
    expect(t.time.pending()).toBe(0);
  });

  it('backs off after failures, never sooner than the poll interval, and polls on when the upstream recovers', async () => {
    let failing = true;
    const t = setUp({ fail: () => (failing ? new GatewayError('UPSTREAM_ERROR', 'unwell') : undefined) });
    await t.advance(0);
    await t.advance(SETTINGS.tailPollMs - 1);
    expect(t.calls).toHaveLength(1);
    // The first backoff is the interval doubled, with jitter: between one and two intervals.
    await t.advance(SETTINGS.tailPollMs * 2);
    expect(t.calls).toHaveLength(2);
    failing = false;
    await t.advance(SETTINGS.tailPollMs * 4);
    expect(t.outcomes.slice(0, 2)).toEqual(['UPSTREAM_ERROR', 'UPSTREAM_ERROR']);
    expect(t.outcomes).toContain('ok');
    expect(t.failures).toEqual([]);
    t.poller.stop('done');
  });

  it('gives up after TAIL_GIVE_UP_MS without a successful poll, and schedules nothing more', async () => {
    const t = setUp({ fail: () => new GatewayError('UPSTREAM_TIMEOUT', 'slow') });
    for (let elapsed = 0; elapsed <= SETTINGS.tailGiveUpMs + SETTINGS.tailPollMs; elapsed += 1_000) await t.advance(1_000);
    expect(t.failures.map((error) => error.code)).toEqual(['UPSTREAM_TIMEOUT']);
    expect(t.time.pending()).toBe(0);
    const calls = t.calls.length;
    await t.advance(10 * SETTINGS.tailPollMs);
    expect(t.calls).toHaveLength(calls);
  });

  it('ends at once on an answer no retry can fix', async () => {
    const t = setUp({ fail: () => new GatewayError('FORBIDDEN', 'no') });
    await t.advance(0);
    expect(t.failures.map((error) => error.code)).toEqual(['FORBIDDEN']);
    expect(t.time.pending()).toBe(0);
  });
});
