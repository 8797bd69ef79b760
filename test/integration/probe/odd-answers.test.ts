import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeUpstream } from '../../../tools/probe/probe.js';
import { createScrubber, EXCHANGES_FILE, readRecording, startRecordingProxy, startReplayServer, writeRecording } from '../../../tools/replay/index.js';
import { MAX_UPSTREAM_BODY_BYTES, tooLargeNote } from '../../../tools/replay/body-limit.js';
import { MAX_JSON_DEPTH, TOO_DEEP } from '../../../src/model/json-depth.js';
import { onePage, sendJson, startOddUpstream, type OddUpstream } from '../../support/odd-upstream.js';
import { runProbeCommand } from '../../support/probe-command.js';
import { UPSTREAM_ITEM } from '../../support/upstream-item.js';

const TOKEN = 'odd-probe-token-0451';
const TENANT = 'Contoso.Example';
const ESC = '\u001b';
/** Control characters a terminal acts on: ESC, BEL, the C1 CSI and DEL. */
const CONTROLS = /[\u001b\u0007\u009b\u007f]/;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'probe-odd-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('an upstream that echoes the credentials and sends terminal escapes', () => {
  let upstream: OddUpstream;
  beforeAll(async () => {
    upstream = await startOddUpstream((req, res, query) => {
      if (query.get('StartDate') === 'not-a-date') {
        const description = `Rejected ${String(req.headers.authorization)} for ${TENANT.toLowerCase()}${ESC}[2J${ESC}]0;owned\u0007`;
        return sendJson(res, 400, { statusCode: 400, type: 'ValidationError', description, correlationId: null, errors: null });
      }
      sendJson(res, 200, onePage([{ ...UPSTREAM_ITEM, status: `Done${ESC}[31m`, [`odd\u009b5mkey\u007f`]: TENANT.toUpperCase() }]));
    });
  });
  afterAll(() => upstream.close());

  const expectClean = (text: string) => {
    expect(text).not.toContain(TOKEN);
    expect(text).not.toMatch(/contoso\.example/i);
    expect(text).not.toMatch(CONTROLS);
  };

  it('the report shows neither, and shows the escapes as text', async () => {
    const result = await probeUpstream({ upstreamUrl: upstream.url, token: TOKEN, tenant: TENANT, paceMs: 0 });
    const report = result.lines.join('\n');
    // The echo did reach the report's lines: the bad-parameter line quotes the description.
    expect(report).toMatch(/error body for a bad parameter: .*400 "Rejected \[redacted\] for \[redacted\]\\u001b\[2J\\u001b\]0;owned\\u0007"/);
    expect(report).toContain('Done\\u001b[31m');
    expect(report).toContain('odd\\u009b5mkey\\u007f');
    expectClean(report);
    expect(result.lines.every((line) => !line.includes('\n'))).toBe(true);
  });

  it('the command prints neither, in the report, the "recorded" line or an error', async () => {
    const env = { UPSTREAM_TOKEN: `Bearer ${TOKEN}`, UPSTREAM_TENANT: TENANT };
    const recorded = await runProbeCommand(['--upstream', upstream.url, '--pace-ms', '0', '--record', join(dir, `${TENANT}-rec`)], env);
    expect(recorded.stdout).toMatch(/^\w+ +error body for a bad parameter: .*"Rejected \[redacted\] for \[redacted\]\\u001b\[2J/m);
    expect(recorded.stdout).toMatch(/^recorded \d+ calls in .*\/\[redacted\]-rec$/m);
    expectClean(recorded.stdout + recorded.stderr);

    // A recording directory that cannot be made: the error names the path, which holds the tenant.
    const file = join(dir, 'a-file');
    await writeFile(file, '');
    const failed = await runProbeCommand(['--upstream', upstream.url, '--pace-ms', '0', '--record', join(file, TENANT.toLowerCase())], env);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/^probe failed: .*a-file\/\[redacted\]/m);
    expectClean(failed.stdout + failed.stderr);
  });
});

describe('an upstream answering an item nested 20,000 levels deep', () => {
  const DEPTH = 20_000;
  const deep = `${'['.repeat(DEPTH)}1${']'.repeat(DEPTH)}`;
  // Built as text: the test itself must not walk the depth either.
  const body = JSON.stringify(onePage([{ ...UPSTREAM_ITEM, details: '@deep@', raw: '@deep@' }])).replaceAll('"@deep@"', deep).replace('"totalCount":1', `"totalCount":${deep}`);
  let upstream: OddUpstream;
  beforeAll(async () => {
    upstream = await startOddUpstream((_req, res) => sendJson(res, 200, body));
  });
  afterAll(() => upstream.close());

  it('the probe reports and records it, cut, and the replay serves the recording', async () => {
    const recordDir = join(dir, 'deep');
    const result = await probeUpstream({ upstreamUrl: upstream.url, token: TOKEN, tenant: TENANT, paceMs: 0, recordDir });
    expect(result.lines.find((line) => line.includes('item keys:'))).toMatch(/^ok +item keys: 11 of 11/);
    // totalCount is an array: the pagination check says so instead of overflowing on it.
    expect(result.lines.find((line) => line.includes('totalCount/totalPages'))).toMatch(/^differs .*no totalCount/);
    const recorded = await readRecording(recordDir);
    expect(recorded.length).toBe(result.run.exchanges.length);
    expect(await readFile(join(recordDir, EXCHANGES_FILE), 'utf8')).toContain(`"details":${'['.repeat(MAX_JSON_DEPTH - 3)}"${TOO_DEEP}"]`);

    const replay = await startReplayServer({ dir: recordDir });
    try {
      const response = await request(`${replay.url}/v1/AuditLogs?${recorded[0]!.query}`, { headers: { authorization: 'Bearer x' } });
      expect(response.statusCode).toBe(200);
      expect(await response.body.text()).toContain(TOO_DEEP);
    } finally {
      await replay.close();
    }
  });

  it('the recording proxy forwards and records it, cut', async () => {
    const proxy = await startRecordingProxy({ upstreamUrl: upstream.url, scrubber: createScrubber({ secrets: [TOKEN] }) });
    try {
      const response = await request(`${proxy.url}/v1/AuditLogs?PageNumber=1&PageSize=1`, { headers: { authorization: `Bearer ${TOKEN}`, 'x-tenant': TENANT } });
      expect(response.statusCode).toBe(200);
      expect(await response.body.text()).toBe(body);
      expect(proxy.exchanges).toHaveLength(1);
      const recordDir = join(dir, 'deep-proxy');
      await writeRecording(recordDir, proxy.exchanges);
      expect(JSON.stringify((await readRecording(recordDir))[0]!.body)).toContain(TOO_DEEP);
    } finally {
      await proxy.close();
    }
  });

  it('the replay serves a recording written with the depth in it, cut', async () => {
    const recordDir = join(dir, 'deep-by-hand');
    await mkdir(recordDir);
    await writeFile(join(recordDir, EXCHANGES_FILE), `{"query":"pagenumber=1","status":200,"body":${body}}\n`);
    const replay = await startReplayServer({ dir: recordDir });
    try {
      const response = await request(`${replay.url}/v1/AuditLogs?PageNumber=1`, { headers: { authorization: 'Bearer x' } });
      expect(response.statusCode).toBe(200);
      const served = (await response.body.json()) as { items: { details: unknown }[] };
      expect(JSON.stringify(served.items[0]!.details)).toContain(TOO_DEEP);
    } finally {
      await replay.close();
    }
  });
});

describe('an upstream answering bodies four times the read limit', () => {
  const SIZE = 4 * MAX_UPSTREAM_BODY_BYTES;
  const CHUNK = Buffer.alloc(1024 * 1024, 'a');
  /** For each answer: whether the upstream got to send all of it before the connection closed. */
  const finished: boolean[] = [];
  const NOTE = tooLargeNote(MAX_UPSTREAM_BODY_BYTES);

  /** Streams a JSON body of SIZE bytes, one chunk at a time, the declared length only when asked. */
  function sendHuge(res: ServerResponse, status: number, declareLength: boolean): void {
    const head = '{"items":[],"filler":"';
    const tail = '"}';
    res.writeHead(status, { 'content-type': 'application/json', ...(declareLength ? { 'content-length': SIZE } : {}) });
    res.write(head);
    let left = SIZE - head.length - tail.length;
    res.once('close', () => finished.push(res.writableFinished));
    const more = (): void => {
      while (left > 0 && !res.destroyed) {
        const chunk = CHUNK.subarray(0, Math.min(CHUNK.length, left));
        left -= chunk.length;
        if (!res.write(chunk)) return void res.once('drain', more);
      }
      if (!res.destroyed) res.end(tail);
    };
    more();
  }

  let upstream: OddUpstream;
  beforeAll(async () => {
    upstream = await startOddUpstream((_req, res, query) => {
      const declared = query.get('declared') === '1';
      sendHuge(res, query.get('StartDate') === 'not-a-date' ? 400 : 200, declared);
    });
  });
  afterAll(() => upstream.close());

  it('the probe records each as too large, with its status, and closes the connection instead of reading on', async () => {
    finished.length = 0;
    const result = await probeUpstream({ upstreamUrl: upstream.url, token: TOKEN, tenant: TENANT, paceMs: 0 });
    const [first, bad] = [result.run.exchanges[0]!, result.run.exchanges.find((e) => e.name === 'bad-parameter')!];
    expect(first).toMatchObject({ name: 'page-1', status: 200, body: NOTE });
    expect(bad).toMatchObject({ status: 400, body: NOTE });
    expect(result.lines.find((line) => line.includes('error body for a bad parameter:'))).toContain(`400 "${NOTE}"`);
    await expect.poll(() => finished.length, { timeout: 20_000 }).toBe(result.run.exchanges.length);
    expect(finished.every((done) => !done)).toBe(true);
  });

  it.each([
    ['streamed', ''],
    ['with a Content-Length over the limit', '&declared=1'],
  ])('the recording proxy records and answers one %s as too large, with its status', async (_name, declared) => {
    finished.length = 0;
    const proxy = await startRecordingProxy({ upstreamUrl: upstream.url, scrubber: createScrubber({ secrets: [TOKEN] }) });
    try {
      const response = await request(`${proxy.url}/v1/AuditLogs?PageNumber=1&StartDate=not-a-date${declared}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(response.statusCode).toBe(400);
      expect(await response.body.text()).toBe(NOTE);
      expect(proxy.exchanges).toEqual([{ query: expect.stringContaining('pagenumber=1'), status: 400, body: NOTE }]);
      await expect.poll(() => finished.length, { timeout: 20_000 }).toBe(1);
      expect(finished).toEqual([false]);
    } finally {
      await proxy.close();
    }
  });
});
