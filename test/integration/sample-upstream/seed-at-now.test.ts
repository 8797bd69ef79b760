import { describe, expect, it } from 'vitest';
import { generateSeedLogs, startSampleUpstream } from '../../../tools/sample-upstream/index.js';

/**
 * A sample upstream started with `now` seeds exactly the logs of that instant, however
 * long start-up takes: the shipped recording is replayed against it log for log, so
 * a seed one millisecond later (the running clock read a tick after `now`) would
 * move every timestamp.
 */
describe('the sample upstream seeded at `now`', () => {
  it('holds the logs generated for `now` itself, even when its clock has already moved on', async () => {
    const now = new Date('2026-11-20T12:00:00.000Z');
    // A clock a few milliseconds past `now`, as a slow start-up reads it.
    const sample = await startSampleUpstream({ now, clock: () => now.getTime() + 3, count: 50, precise: true });
    try {
      const served = sample.store.all().map((log) => [log.id, log.timestamp]);
      expect(served).toEqual(generateSeedLogs({ now, count: 50, precise: true }).map((log) => [log.id, log.timestamp]));
    } finally {
      await sample.close();
    }
  });
});
