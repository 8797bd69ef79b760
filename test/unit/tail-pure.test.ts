import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import type { AuditLogRecord } from '../../src/model/audit-log.js';
import { backoffDelayMs, givesUp, MAX_BACKOFF_MS, pollFailureAction } from '../../src/tail/backoff.js';
import { createEventCursorCodec } from '../../src/tail/event-cursor.js';
import { compareInstants, parseInstant } from '../../src/model/instant.js';
import { DeliveryMark, freshOldestFirst, isAfter, RecentIds } from '../../src/tail/items.js';
import { placeLog, type PlacedLog } from '../../src/model/placed-log.js';
import { forgetBeforeMs, pollWindow } from '../../src/tail/lookback.js';

const item = (id: string, timestamp: string): PlacedLog =>
  placeLog({ auditLogId: id, timestamp: new Date(timestamp), raw: { id, timestamp } } as unknown as AuditLogRecord);

describe('instants', () => {
  it('keep the digits past the millisecond and compare by them', () => {
    expect(parseInstant('2026-11-20T10:15:30.1234567Z')).toEqual({ ms: Date.parse('2026-11-20T10:15:30.123Z'), ns: 456_700 });
    expect(compareInstants(parseInstant('2026-11-20T10:15:30.1234Z')!, parseInstant('2026-11-20T10:15:30.1235Z')!)).toBeLessThan(0);
    expect(compareInstants(parseInstant('2026-11-20T11:15:30.123+01:00')!, parseInstant('2026-11-20T10:15:30.123Z')!)).toBe(0);
    expect(parseInstant('yesterday')).toBeNull();
  });
});

describe('fresh items of a poll', () => {
  it('are the unseen ones, each once, oldest first; ties in the reverse of the upstream order', () => {
    const newestFirst = [item('d', '2026-01-01T00:00:03Z'), item('c', '2026-01-01T00:00:02Z'), item('b', '2026-01-01T00:00:02Z'), item('a', '2026-01-01T00:00:01Z'), item('c', '2026-01-01T00:00:02Z')];
    const seen = new Set(['a']);
    expect(freshOldestFirst(newestFirst, (id) => seen.has(id)).map((i) => i.record.auditLogId)).toEqual(['b', 'c', 'd']);
  });

  it('are after a resume point: later, or at its instant and not among its ids', () => {
    const point = { instant: parseInstant('2026-01-01T00:00:02Z')!, ids: new Set(['b']) };
    expect(isAfter(item('b', '2026-01-01T00:00:02Z'), point)).toBe(false);
    expect(isAfter(item('c', '2026-01-01T00:00:02Z'), point)).toBe(true);
    expect(isAfter(item('a', '2026-01-01T00:00:01.999Z'), point)).toBe(false);
    expect(isAfter(item('e', '2026-01-01T00:00:02.0001Z'), point)).toBe(true);
  });

  it('move the high-water mark forward only; late logs leave it', () => {
    const mark = new DeliveryMark(null);
    expect(mark.point).toBeNull();
    for (const log of [item('a', '2026-01-01T00:00:01Z'), item('b', '2026-01-01T00:00:02Z'), item('c', '2026-01-01T00:00:02Z'), item('b', '2026-01-01T00:00:02Z')]) mark.advance(log);
    expect(mark.point).toEqual({ timestamp: '2026-01-01T00:00:02Z', ids: ['b', 'c'] });
    mark.advance(item('late', '2026-01-01T00:00:00Z'));
    expect(mark.point).toEqual({ timestamp: '2026-01-01T00:00:02Z', ids: ['b', 'c'] });
    // A resumed stream starts from its resume point.
    const resumed = new DeliveryMark({ timestamp: '2026-01-01T00:00:02Z', ids: ['b'] });
    resumed.advance(item('c', '2026-01-01T00:00:02.000Z'));
    expect(resumed.point).toEqual({ timestamp: '2026-01-01T00:00:02Z', ids: ['b', 'c'] });
  });

  it('are remembered only while a poll can still return them', () => {
    const seen = new RecentIds();
    seen.add(item('old', '2026-01-01T00:00:00Z'));
    seen.add(item('new', '2026-01-01T00:01:00Z'));
    seen.forgetBefore(Date.parse('2026-01-01T00:00:30Z'));
    expect([seen.has('old'), seen.has('new'), seen.size]).toEqual([false, true, 1]);
  });
});

describe('the lookback window', () => {
  it('reaches lookbackMs before now on the first poll, and before the last successful poll after that', () => {
    expect(pollWindow(100_000, 60_000, null)).toEqual({ start: 40_000, end: 100_000 });
    // After a long backoff the window still covers everything since the last read.
    expect(pollWindow(200_000, 60_000, 100_000)).toEqual({ start: 40_000, end: 200_000 });
    expect(forgetBeforeMs(200_000, 60_000)).toBe(140_000);
  });
});

describe('backoff', () => {
  it('ends on 401, 403 and 400, retries the rest', () => {
    expect(['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT'].map((c) => pollFailureAction(c as never))).toEqual(['end', 'end', 'end']);
    expect(['RATE_LIMITED', 'UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT', 'UPSTREAM_UNAVAILABLE'].map((c) => pollFailureAction(c as never))).toEqual(['retry', 'retry', 'retry', 'retry']);
  });

  it('doubles the interval per failure with jitter, capped, never under Retry-After', () => {
    expect(backoffDelayMs(1, 5_000, undefined, () => 0.999)).toBeCloseTo(10_000, -2);
    expect(backoffDelayMs(1, 5_000, undefined, () => 0)).toBe(5_000);
    expect(backoffDelayMs(10, 5_000, undefined, () => 0.999)).toBeLessThanOrEqual(MAX_BACKOFF_MS);
    expect(backoffDelayMs(1, 5_000, 30, () => 0)).toBe(30_000);
    expect(givesUp(10_000, 0, 10_000)).toBe(true);
    expect(givesUp(9_999, 0, 10_000)).toBe(false);
  });
});

describe('event cursors', () => {
  const codec = createEventCursorCodec(['test-cursor-secret-0123456789']);
  const point = { timestamp: '2026-01-01T00:00:02.1234Z', ids: ['b', 'c'] };

  it('round-trip for their filter only, and only under their secret', () => {
    const cursor = codec.encode('AAAAAAAAAAAA', point);
    expect(codec.looksLikeOne(cursor)).toBe(true);
    expect(codec.decode(cursor, 'AAAAAAAAAAAA')).toEqual(point);
    expect(() => codec.decode(cursor, 'BBBBBBBBBBBB')).toThrow(/different filter/);
    expect(() => createEventCursorCodec(['another-secret-0123456789']).decode(cursor, 'AAAAAAAAAAAA')).toThrow(/not a valid cursor/);
    const [prefix, payload, tag] = cursor.split('.');
    const tampered = `${prefix}.${Buffer.from(JSON.stringify({ f: 'AAAAAAAAAAAA', t: point.timestamp, i: [] })).toString('base64url')}.${tag}`;
    expect(payload).not.toBe(tampered.split('.')[1]);
    expect(() => codec.decode(tampered, 'AAAAAAAAAAAA')).toThrow(/not a valid cursor/);
  });

  it('are signed with the first of several secrets and accepted under any of them', () => {
    const rotating = createEventCursorCodec(['new-cursor-secret-0123456789', 'test-cursor-secret-0123456789']);
    const renewed = createEventCursorCodec(['new-cursor-secret-0123456789']);
    const old = codec.encode('AAAAAAAAAAAA', point);
    expect(rotating.decode(old, 'AAAAAAAAAAAA')).toEqual(point);
    expect(rotating.encode('AAAAAAAAAAAA', point)).toBe(renewed.encode('AAAAAAAAAAAA', point));
    expect(() => codec.decode(rotating.encode('AAAAAAAAAAAA', point), 'AAAAAAAAAAAA')).toThrow(/not a valid cursor/);
    expect(() => renewed.decode(old, 'AAAAAAAAAAAA')).toThrow(/not a valid cursor/);
    expect(() => createEventCursorCodec([])).toThrow(/at least one secret/);
  });
});

describe('tail settings', () => {
  it('default as documented', () => {
    const config = loadConfig({});
    expect([config.tailPollMs, config.tailLookbackMs, config.tailGiveUpMs, config.tailMaxPerCaller, config.tailMax, config.tailMaxQueue]).toEqual([5_000, 60_000, 120_000, 5, 1_000, 1_000]);
  });

  it('come from TAIL_* in the environment, where 1000 ms is the floor', () => {
    expect(loadConfig({ TAIL_POLL_MS: '1000', TAIL_LOOKBACK_MS: '0', TAIL_GIVE_UP_MS: '5000', TAIL_MAX_PER_CALLER: '2', TAIL_MAX: '10', TAIL_MAX_QUEUE: '50' })).toMatchObject({
      tailPollMs: 1_000,
      tailLookbackMs: 0,
      tailGiveUpMs: 5_000,
      tailMaxPerCaller: 2,
      tailMax: 10,
      tailMaxQueue: 50,
    });
    expect(() => loadConfig({ TAIL_POLL_MS: '999' })).toThrow(ConfigError);
    expect(() => loadConfig({ TAIL_POLL_MS: '999' })).toThrow(/TAIL_POLL_MS/);
  });
});
