import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeUpstream } from '../../../src/probe/probe.js';
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
