import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EXCHANGES_FILE,
  NO_ANSWER,
  normaliseQuery,
  readRecording,
  startReplayServer,
  writeRecording,
  type RecordedExchange,
} from '../../../tools/replay/index.js';
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

/** A fresh recording directory holding exactly these lines. */
async function recordingOf(name: string, lines: string[]): Promise<string> {
  const at = join(dir, name);
  await mkdir(at);
  await writeFile(join(at, EXCHANGES_FILE), `${lines.join('\n')}\n`);
  return at;
}

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

describe('a recording line the replay could not answer by', () => {
  const good = JSON.stringify({ query: 'pagenumber=1', status: 200, body: onePage() });
  it.each([
    ['status 42', '{"query":"a","status":42,"body":null}', /not 42$/],
    ['status 600', '{"query":"a","status":600,"body":null}', /not 600$/],
    ['status -1', '{"query":"a","status":-1,"body":null}', /not -1$/],
    ['a fractional status', '{"query":"a","status":200.5,"body":null}', /not 200\.5$/],
    ['a status in quotes', '{"query":"a","status":"200","body":null}', /not "200"$/],
    ['no status', '{"query":"a","body":null}', /not missing$/],
    ['a status nested deep', `{"query":"a","status":${'['.repeat(20_000)}${']'.repeat(20_000)}}`, /not an array$/],
  ])('is refused, with the file and line, for %s', async (name, line, shown) => {
    const at = await recordingOf(`bad-${name.replaceAll(' ', '-')}`, [good, line]);
    const expected = `${join(at, EXCHANGES_FILE)} line 2: status must be 0 (no answer) or a whole number from 100 to 599, `;
    await expect(readRecording(at)).rejects.toThrow(expected);
    await expect(readRecording(at)).rejects.toThrow(shown);
    await expect(startReplayServer({ dir: at })).rejects.toThrow(expected);
  });

  it.each([
    ['not JSON', '{"query":', /line 2: not JSON/],
    ['not an object', '[1,2]', /line 2: not a JSON object/],
    ['no query', '{"status":200,"body":null}', /line 2: query must be a string/],
    ['other credentials', '{"query":"a","status":200,"body":null,"credentials":"given"}', /line 2: credentials must be "invalid" or absent/],
  ])('is refused, with the line, for %s', async (name, line, message) => {
    const at = await recordingOf(`bad-${name.replaceAll(' ', '-')}`, [good, line]);
    await expect(readRecording(at)).rejects.toThrow(message);
  });

  it('is not overwritten when exchanges are appended to its recording', async () => {
    const at = await recordingOf('bad-append', [good, '{"query":"a","status":42,"body":null}']);
    const before = await readFile(join(at, EXCHANGES_FILE), 'utf8');
    await expect(writeRecording(at, [{ query: 'b', status: 200, body: null }], true)).rejects.toThrow(/line 2: status must be/);
    expect(await readFile(join(at, EXCHANGES_FILE), 'utf8')).toBe(before);
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
