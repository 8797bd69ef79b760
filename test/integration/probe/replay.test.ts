import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeUpstream } from '../../../tools/probe/probe.js';
import { createScrubber, startRecordingProxy, startReplayServer, type RecordingProxy, type ReplayServer } from '../../../tools/replay/index.js';
import { SAMPLE_USERS, startSampleUpstream, type SampleUpstream } from '../../../tools/sample-upstream/index.js';
import { startHarness, type Harness } from '../../support/harness.js';
import { runProbeCommand } from '../../support/probe-command.js';
import {
  ACCEPTANCE_WALKS,
  RECORDING_CALLER,
  RECORDING_DIR,
  RECORDING_PROBE_TENANT,
  RECORDING_PROBE_TOKEN,
  RECORDING_SAMPLE,
  walkAll,
} from '../../support/replay-acceptance.js';
import type { WalkPage } from '../../support/walk.js';

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/;

async function recordingText(dir: string): Promise<string> {
  const files = await readdir(dir);
  expect(files.length).toBeGreaterThan(0);
  return (await Promise.all(files.map((file) => readFile(join(dir, file), 'utf8')))).join('\n');
}

/** A page without what recording replaces by fakes: user names (cursors are compared: they must match too). */
function comparable(pages: WalkPage[]): unknown {
  return pages.map((page) => ({ ...page, edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: { ...edge.node } })) }));
}

describe('replay of the shipped recording (recordings/sample)', () => {
  let sample: SampleUpstream;
  let replay: ReplayServer;
  let live: Harness;
  let replayed: Harness;
  beforeAll(async () => {
    sample = await startSampleUpstream({ now: RECORDING_SAMPLE.now, precise: RECORDING_SAMPLE.precise });
    replay = await startReplayServer({ dir: RECORDING_DIR });
    live = await startHarness({ upstreamUrl: sample.url, sampleOptions: { count: 1 } });
    replayed = await startHarness({ upstreamUrl: replay.url, sampleOptions: { count: 1 } });
  });
  afterAll(async () => {
    await Promise.all([live.close(), replayed.close()]);
    await Promise.all([replay.close(), sample.close()]);
  });

  it.each(ACCEPTANCE_WALKS.map((walk) => [walk.name, walk] as const))('serves the same pages as the live source: %s', async (_name, walk) => {
    const [fromLive, fromReplay] = [await walkAll(live, walk), await walkAll(replayed, walk)];
    expect(fromLive.length).toBeGreaterThan(1);
    expect(comparable(fromReplay)).toEqual(comparable(fromLive));
    // The walk covered the whole filter: every page's logs once, and the total agrees.
    const ids = fromReplay.flatMap((page) => page.edges.map((edge) => edge.node.auditLogId));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(fromReplay[0]!.totalCount);
  });

  it('answers an unrecorded query with an explicit error, not a made-up page', async () => {
    const response = await replayed.graphql('{ auditLogs(first: 3, filter: { startDate: "2026-01-01T00:00:00Z", endDate: "2026-01-02T00:00:00Z" }) { totalCount } }');
    expect((response.body.data as { auditLogs?: unknown } | null | undefined)?.auditLogs ?? null).toBeNull();
    expect(response.body.errors?.[0]?.extensions?.code).toBeDefined();
    const direct = await fetch(`${replay.url}/v1/AuditLogs?PageNumber=1&PageSize=1`, { headers: { authorization: 'Bearer x' } });
    expect(direct.status).toBe(404);
    expect(((await direct.json()) as { type: string }).type).toBe('ReplayMiss');
  });

  it('holds no token, tenant, user name or e-mail address', async () => {
    const text = await recordingText(RECORDING_DIR);
    const secrets = [
      RECORDING_PROBE_TOKEN,
      RECORDING_PROBE_TENANT,
      RECORDING_CALLER.authorization.replace(/^Bearer /, ''),
      RECORDING_CALLER['x-tenant'],
      ...SAMPLE_USERS,
      ...SAMPLE_USERS.map((user) => user.split('@')[0]!),
    ];
    for (const secret of secrets) expect(text.includes(secret), secret).toBe(false);
    expect(text).not.toMatch(EMAIL);
    // The fakes are stable: one user is one fake wherever it appears.
    expect(text).toMatch(/"userName":"user-[0-9a-f]{10}"/);
  });
});

describe('npm run probe --record', () => {
  let sample: SampleUpstream;
  let dir: string;
  beforeAll(async () => {
    sample = await startSampleUpstream({ now: RECORDING_SAMPLE.now, precise: true });
    dir = await mkdtemp(join(tmpdir(), 'probe-record-'));
  });
  afterAll(async () => {
    await sample.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('replaces the token, the tenant and every personal field in a fresh recording, and the replay answers the probe alike', async () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.secret-probe-token.sig';
    const tenant = 'fabrikam-portal.example.net';
    // A log whose details carry an e-mail address and the tenant, to be scrubbed out of free text too.
    sample.store.insert({ timestamp: '2026-11-20T11:59:00.000Z', userName: 'Mallory Example', details: `Invited eve@fabrikam.example to ${tenant}` });
    // The tenant echoed in another case, in a value and in a key.
    sample.store.insert({ timestamp: '2026-11-20T11:58:00.000Z', details: `Moved to ${tenant.toUpperCase()}`, [tenant.toUpperCase()]: 'x' });
    const first = await probeUpstream({ upstreamUrl: sample.url, token, tenant, withAuthErrors: true, paceMs: 0, now: RECORDING_SAMPLE.now, recordDir: dir });
    const text = await recordingText(dir);
    for (const secret of [token, tenant, 'Mallory Example', 'eve@fabrikam.example', ...SAMPLE_USERS]) expect(text.toLowerCase().includes(secret.toLowerCase()), secret).toBe(false);
    expect(text).not.toMatch(EMAIL);
    expect(text).toContain('Moved to [redacted]');

    const replay = await startReplayServer({ dir });
    try {
      const again = await probeUpstream({ upstreamUrl: replay.url, token: 'other', tenant: 'other', withAuthErrors: true, paceMs: 0, now: RECORDING_SAMPLE.now });
      expect(again.results.map((r) => `${r.verdict} ${r.title}`)).toEqual(first.results.map((r) => `${r.verdict} ${r.title}`));
    } finally {
      await replay.close();
    }
  });
});

describe('the recording proxy', () => {
  let sample: SampleUpstream;
  let proxy: RecordingProxy;
  const tenant = 'Contoso.Example';
  beforeAll(async () => {
    sample = await startSampleUpstream({ now: RECORDING_SAMPLE.now, precise: true });
    proxy = await startRecordingProxy({ upstreamUrl: sample.url, scrubber: createScrubber({ secrets: ['proxy-token-5150', tenant] }) });
  });
  afterAll(async () => {
    await proxy.close();
    await sample.close();
  });

  it('replaces the tenant in any case in the recorded query, names and values alike', async () => {
    const query = 'PageNumber=1&PageSize=5&Customer=contoso.example&CONTOSO.EXAMPLE=1';
    const response = await request(`${proxy.url}/v1/AuditLogs?${query}`, { headers: { authorization: 'Bearer proxy-token-5150', 'x-tenant': tenant } });
    expect(response.statusCode).toBe(200);
    await response.body.dump();
    expect(proxy.exchanges).toHaveLength(1);
    expect(proxy.exchanges[0]!.query).not.toMatch(/contoso/i);
    expect(proxy.exchanges[0]!.query).toContain('customer=%5Bredacted%5D');
  });
});

describe('the probe command', () => {
  let sample: SampleUpstream;
  beforeAll(async () => {
    sample = await startSampleUpstream({ now: RECORDING_SAMPLE.now, precise: true, variant: { endDateExclusive: true } });
  });
  afterAll(() => sample.close());

  const run = runProbeCommand;

  it('prints the report without the credentials and exits 1 on a difference, 0 once the printed setting is given', async () => {
    const env = { UPSTREAM_TOKEN: 'cli-secret-token-123', UPSTREAM_TENANT: 'cli-tenant.example' };
    const differs = await run(['--upstream', sample.url, '--pace-ms', '0'], env);
    expect(differs.code).toBe(1);
    expect(differs.stdout).toMatch(/^differs +EndDate inclusive at full precision/m);
    expect(differs.stdout).toMatch(/^settings: UPSTREAM_END_DATE_EXCLUSIVE=true$/m);
    expect(differs.stdout + differs.stderr).not.toMatch(/cli-secret-token-123|cli-tenant\.example/);

    const fits = await run(['--upstream', sample.url, '--pace-ms', '0'], { ...env, UPSTREAM_END_DATE_EXCLUSIVE: 'true' });
    expect(fits.stdout).toMatch(/^ok +EndDate inclusive at full precision/m);
    expect(fits.code).toBe(0);
  });

  it('refuses to run without credentials in the environment', async () => {
    const missing = await run(['--upstream', sample.url], {});
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/UPSTREAM_TOKEN and UPSTREAM_TENANT/);
  });
});

describe('the probe command on a recording (--upstream replay:<dir>)', () => {
  const env = { UPSTREAM_TOKEN: 'any-token', UPSTREAM_TENANT: 'any.tenant.example' };

  it('with --now of the recording, finds every assumption as it was recorded, the bad token included', async () => {
    const result = await runProbeCommand(['--upstream', `replay:${RECORDING_DIR}`, '--now', RECORDING_SAMPLE.now.toISOString(), '--with-auth-errors', '--pace-ms', '0'], env);
    expect(result.stdout).toMatch(/^result: 12 ok, 0 differ, 0 unknown$/m);
    expect(result.stdout).toMatch(/^ok +error for a bad token: 401$/m);
    expect(result.code).toBe(0);
  });

  it('without it, stops at the first call and names the --now the recording was probed with, without asking for a flag it was given', async () => {
    const result = await runProbeCommand(['--upstream', `replay:${RECORDING_DIR}`, '--with-auth-errors', '--pace-ms', '0'], env);
    expect(result.stdout).toMatch(/stopped early: the first call was answered 404/);
    expect(result.stdout).toContain(`it was probed with --now ${RECORDING_SAMPLE.now.toISOString()}`);
    expect(result.stdout).toMatch(/^unknown +error for a bad token: not tried: the probe stopped before it$/m);
    expect(result.code).toBe(2);
  });

  it('refuses a --now that is not a date-time with a zone', async () => {
    const result = await runProbeCommand(['--upstream', `replay:${RECORDING_DIR}`, '--now', '2026-11-20'], env);
    expect(result.stderr).toMatch(/--now must be a date-time with a zone, such as 2026-11-20T12:00:00Z \(got 2026-11-20\)/);
    expect(result.code).toBe(2);
  });
});
