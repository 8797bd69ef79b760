import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { startGatewayProcess } from './support/gateway-process.js';

/**
 * The real process (`src/main.ts`) with trusted documents: start-up stops on a manifest
 * it cannot serve, with one line naming it; locked to the example's manifest, it runs
 * the example client and refuses any other document.
 */

const run = promisify(execFile);
const MANIFEST = 'examples/generated/persisted-documents.json';
const dir = mkdtempSync(join(tmpdir(), 'trusted-documents-e2e-'));

/** The error startGatewayProcess reports for a process that exited before listening: its header, then every line it wrote. */
async function startupFailure(env: Record<string, string>): Promise<{ header: string; lines: string[] }> {
  const failure = await startGatewayProcess(env).then(
    async (started) => {
      await started.stop();
      return undefined;
    },
    (error: Error) => error.message,
  );
  expect(failure, 'the process started').toBeDefined();
  const [header, ...lines] = failure!.split('\n');
  return { header: header!, lines };
}

describe('the gateway process with TRUSTED_DOCUMENTS_ONLY=true', () => {
  it('stops at start-up with one line naming an unreadable manifest', async () => {
    const missing = join(dir, 'missing.json');
    const { header, lines } = await startupFailure({ TRUSTED_DOCUMENTS_ONLY: 'true', PERSISTED_DOCUMENTS: missing });
    expect(header).toMatch(/exited \(([1-9]\d*)\)/);
    expect(lines).toEqual([`Invalid configuration: PERSISTED_DOCUMENTS (${missing}) cannot be read (ENOENT)`]);
  });

  it('stops at start-up with one line naming a manifest document that does not validate against the schema', async () => {
    const path = join(dir, 'stale.json');
    writeFileSync(path, JSON.stringify({ 'sha256:stale': 'query Stale { auditLogs(first: 1) { removedField } }' }));
    const { header, lines } = await startupFailure({ TRUSTED_DOCUMENTS_ONLY: 'true', PERSISTED_DOCUMENTS: path });
    expect(header).toMatch(/exited \(([1-9]\d*)\)/);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`PERSISTED_DOCUMENTS (${path}) has documents that do not validate against the schema: sha256:stale (Stale)`);
  });

  it("runs the example client, built with the client preset, on its manifest and refuses another document with no upstream call", async () => {
    const gateway = await startGatewayProcess({ TRUSTED_DOCUMENTS_ONLY: 'true', PERSISTED_DOCUMENTS: MANIFEST });
    try {
      expect(gateway.output.some((line) => line.includes(`trusted documents from ${MANIFEST}: only these run`))).toBe(true);
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/walk-audit-logs.ts', '--status', 'FAILED', '--page-size', '50'], {
        env: { ...process.env, GATEWAY_URL: `${gateway.url}/graphql` },
        timeout: 60_000,
      });
      expect(stdout).toMatch(/^Walked \d+ pages: (\d+) audit logs \(totalCount \1\)/m);
      expect(stdout).toContain('Newest, refetched by id:');

      const response = await request(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sample-token', 'x-tenant': 'sample.cloudcockpit.example' },
        body: JSON.stringify({ query: 'query Outside { auditLogs(first: 1) { totalCount } }' }),
      });
      const body = (await response.body.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
      expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['PERSISTED_QUERY_ONLY']);
      // The operation's log line: refused, nothing asked of the upstream.
      const logged = () => gateway.output.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => entry.operationName === 'Outside');
      for (let waited = 0; logged() === undefined && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(logged()).toMatchObject({ upstreamCalls: 0, errorCodes: ['PERSISTED_QUERY_ONLY'] });
    } finally {
      expect(await gateway.stop()).toBe(0);
    }
  });
});
