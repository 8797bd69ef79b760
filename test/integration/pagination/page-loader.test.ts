import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createContextFactory, type GatewayContext } from '../../../src/context.js';
import { createLogger } from '../../../src/observability/logger.js';
import { createCursorCodec } from '../../../src/pagination/cursor.js';
import type { TailHub } from '../../../src/tail/index.js';
import type { UpstreamClient } from '../../../src/upstream/types.js';
import { startSampleUpstream, type SampleUpstream } from '../../../tools/sample-upstream/index.js';
import { upstreamClient } from '../../support/upstream-client.js';

let sample: SampleUpstream;
let upstream: UpstreamClient;
const now = Date.now();
const query = { startDate: new Date(now - 40 * 86_400_000).toISOString(), endDate: new Date(now).toISOString() };
const window = (pageNumber: number) => ({ pageNumber, pageSize: 3 });

/** The context of one request, as the gateway builds it for each operation. */
function operation(): GatewayContext {
  const factory = createContextFactory({
    upstream,
    budget: { calls: 100, items: 5000 },
    cursors: createCursorCodec(['test-cursor-secret-0123456789']),
    logger: createLogger('silent'),
    tail: {} as TailHub,
  });
  const request = new Request('http://gateway.test/graphql', { headers: { authorization: 'Bearer page-loader', 'x-tenant': 'contoso.example' } });
  return factory({ request } as Parameters<typeof factory>[0]);
}

beforeAll(async () => {
  sample = await startSampleUpstream({ count: 20 });
  upstream = upstreamClient({ upstreamTimeoutMs: 5_000, upstreamRetries: 0 }, { baseUrl: sample.url });
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
    const context = operation();
    const { load } = context.auditLogs;
    const [a, b, c] = await Promise.all([load({ ...query }, window(1)), load({ ...query }, window(1)), load(query, window(2))]);
    expect(a).toBe(b);
    expect(c.items.map((i) => i.auditLogId)).not.toEqual(a.items.map((i) => i.auditLogId));
    expect(await load(query, window(1))).toBe(a);
    expect(sample.requests).toHaveLength(2);
    expect(context.stats.upstreamCalls).toBe(2);
  });

  it('forgets a failed call, so a later field may try again', async () => {
    sample.faults.add({ times: 1, action: { type: 'status', status: 403 } });
    const { load } = operation().auditLogs;
    await expect(load(query, window(1))).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect((await load(query, window(1))).items).toHaveLength(3);
    expect(sample.requests).toHaveLength(2);
  });

  it('shares nothing across operations', async () => {
    await operation().auditLogs.load(query, window(1));
    await operation().auditLogs.load(query, window(1));
    expect(sample.requests).toHaveLength(2);
  });
});
