import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPageLoader, type PageRequest } from '../../../src/pagination/page-loader.js';
import { startSampleUpstream, type SampleUpstream } from '../../../tools/sample-upstream/index.js';
import { createUpstreamClient } from '../../../src/upstream/client.js';
import type { UpstreamClient } from '../../../src/upstream/types.js';

let sample: SampleUpstream;
let upstream: UpstreamClient;
const headers = () => ({ authorization: 'Bearer page-loader', tenant: 'contoso.example', correlationId: crypto.randomUUID() });
const now = Date.now();
const query = { startDate: new Date(now - 40 * 86_400_000).toISOString(), endDate: new Date(now).toISOString() };
const request = (pageNumber: number): PageRequest => ({ query: { ...query }, window: { pageNumber, pageSize: 3 } });

beforeAll(async () => {
  sample = await startSampleUpstream({ count: 20 });
  upstream = createUpstreamClient({ baseUrl: sample.url, timeoutMs: 5_000, retry: { retries: 0 } });
});
afterEach(() => {
  sample.faults.clear();
  sample.resetRequests();
});
afterAll(async () => {
  await upstream.close();
  await sample.close();
});

describe('the per-operation page loader', () => {
  it('makes identical requests of one operation once and counts the calls it made', async () => {
    const stats = { upstreamCalls: 0 };
    const pages = createPageLoader(upstream, headers, stats);
    const first = request(1);
    const [a, b, c] = await Promise.all([pages.load(first), pages.load({ ...first }), pages.load(request(2))]);
    expect(a).toBe(b);
    expect(c.items.map((i) => i.auditLogId)).not.toEqual(a.items.map((i) => i.auditLogId));
    expect(await pages.load(request(1))).toBe(a);
    expect(sample.requests).toHaveLength(2);
    expect(stats.upstreamCalls).toBe(2);
  });

  it('forgets a failed call, so a later field may try again', async () => {
    sample.faults.add({ times: 1, action: { type: 'status', status: 403 } });
    const stats = { upstreamCalls: 0 };
    const pages = createPageLoader(upstream, headers, stats);
    await expect(pages.load(request(1))).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect((await pages.load(request(1))).items).toHaveLength(3);
    expect(sample.requests).toHaveLength(2);
  });
});
