import { expect, it } from 'vitest';
import { startSampleUpstream } from '../../../tools/sample-upstream/index.js';
import { sleep } from './support.js';

it('the sample upstream writes new logs on its own only when asked, stamped now', async () => {
  const quiet = await startSampleUpstream({ count: 0 });
  const busy = await startSampleUpstream({ count: 0, liveWritesEveryMs: 50 });
  try {
    const started = Date.now();
    await sleep(600);
    expect(quiet.store.size).toBe(0);
    expect(busy.store.size).toBeGreaterThan(0);
    for (const log of busy.store.all()) expect(Date.parse(log.timestamp)).toBeGreaterThanOrEqual(started);
    await busy.close();
    const size = busy.store.size;
    await sleep(300);
    expect(busy.store.size).toBe(size);
  } finally {
    await Promise.all([quiet.close(), busy.close()]);
  }
});
