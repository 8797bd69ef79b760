import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NO_ANSWER,
  normaliseQuery,
  readRecording,
  startReplayServer,
  writeRecording,
  type RecordedExchange,
} from '../../../src/replay/index.js';
import { startGatewayProcess, type GatewayProcess } from '../../e2e/support/gateway-process.js';
import { onePage } from '../../support/odd-upstream.js';
import { ACCEPTANCE_WALKS, RECORDING_CALLER, RECORDING_DIR, type AcceptanceWalk } from '../../support/replay-acceptance.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'replay-status-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a recorded call that got no answer (status 0)', () => {
  it('is replayed as no answer: the connection drops, and the replay serves the next request', async () => {
    const at = join(dir, 'no-answer');
    const exchanges: RecordedExchange[] = [
      { query: normaliseQuery('PageNumber=1&PageSize=1'), status: NO_ANSWER, body: 'no response: other side closed' },
      { query: normaliseQuery('PageNumber=2&PageSize=1'), status: 200, body: onePage() },
    ];
    await writeRecording(at, exchanges);
    const replay = await startReplayServer({ dir: at });
    try {
      const get = (query: string, authorization = 'Bearer x') => request(`${replay.url}/v1/AuditLogs?${query}`, { headers: { authorization } });
      await expect(get('PageNumber=1&PageSize=1')).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
      const answered = await get('PageNumber=2&PageSize=1');
      expect(answered.statusCode).toBe(200);
      expect(await answered.body.json()).toEqual(onePage());
      await expect(get('PageNumber=1&PageSize=1')).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
    } finally {
      await replay.close();
    }
  });
});

describe('UPSTREAM_URL=replay:<dir> with a call recorded with no answer', () => {
  let gateway: GatewayProcess | undefined;
  afterAll(async () => {
    await gateway?.stop();
  });

  async function firstPage(walk: AcceptanceWalk) {
    const response = await request(`${gateway!.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...RECORDING_CALLER },
      body: JSON.stringify({
        query: 'query($filter: AuditLogFilter, $first: Int) { auditLogs(filter: $filter, first: $first) { totalCount edges { node { auditLogId } } } }',
        variables: { filter: walk.filter, first: walk.first },
      }),
    });
    return (await response.body.json()) as { data?: { auditLogs: { edges: unknown[] } } | null; errors?: { extensions?: { code?: string } }[] };
  }

  it('answers UPSTREAM_UNAVAILABLE for it, keeps serving the rest, and stops cleanly', async () => {
    // The shipped recording, with the first page of the first walk recorded as unanswered.
    const [walk, other] = [ACCEPTANCE_WALKS[0]!, ACCEPTANCE_WALKS[1]!];
    const window = `enddate=${encodeURIComponent(walk.filter.endDate!)}&pagenumber=1&pagesize=`;
    const isFirstPage = (e: RecordedExchange) => e.query.startsWith(window) && !/status=|customer=/.test(e.query);
    const recorded = await readRecording(RECORDING_DIR);
    expect(recorded.filter(isFirstPage).length).toBeGreaterThan(0);
    const at = join(dir, 'gateway');
    await writeRecording(at, recorded.map((e) => (isFirstPage(e) ? { ...e, status: NO_ANSWER, body: 'no response: other side closed' } : e)));

    gateway = await startGatewayProcess({ UPSTREAM_URL: `replay:${at}` });
    const unanswered = await firstPage(walk);
    expect(unanswered.data?.auditLogs ?? null).toBeNull();
    expect(unanswered.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    const answered = await firstPage(other);
    expect(answered.errors).toBeUndefined();
    expect(answered.data!.auditLogs.edges.length).toBeGreaterThan(0);
    expect(await gateway.stop()).toBe(0);
  });
});
