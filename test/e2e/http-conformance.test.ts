import { serverAudits, type AuditResult } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSampleUpstream, type SampleUpstream } from '../../tools/sample-upstream/index.js';
import { startGatewayProcess, type GatewayProcess } from './support/gateway-process.js';

/**
 * The GraphQL over HTTP conformance audit of graphql-http, run against the real
 * gateway process: every MUST passes; the SHOULD count is printed. With
 * INTROSPECTION=false the audits that query `__type` cannot pass, by design.
 */

/** Audits whose operation is an introspection query (`__type(name:)`). */
const INTROSPECTION_AUDITS = new Set(['28B9', '2EA1']);

let sample: SampleUpstream;

beforeAll(async () => {
  sample = await startSampleUpstream();
});

afterAll(async () => {
  await sample?.close();
});

type Level = 'MUST' | 'SHOULD' | 'MAY';
const levelOf = (result: AuditResult) => result.name.split(' ')[0] as Level;

async function audit(env: Record<string, string>): Promise<AuditResult[]> {
  const gateway: GatewayProcess = await startGatewayProcess({ UPSTREAM_URL: sample.url, ...env });
  try {
    const results: AuditResult[] = [];
    for (const check of serverAudits({ url: `${gateway.url}/graphql` })) results.push(await check.fn());
    return results;
  } finally {
    await gateway.stop('SIGKILL');
  }
}

function report(label: string, results: AuditResult[]): void {
  const count = (level: Level) => {
    const of = results.filter((result) => levelOf(result) === level);
    return `${of.filter((result) => result.status === 'ok').length}/${of.length}`;
  };
  const notMet = results.filter((result) => levelOf(result) !== 'MAY' && result.status !== 'ok').map((result) => `${result.id} ${result.name}`);
  console.log(
    `graphql-http audit (${label}): MUST ${count('MUST')}, SHOULD ${count('SHOULD')}, MAY ${count('MAY')}` +
      (notMet.length > 0 ? `\n  not met: ${notMet.join('\n  not met: ')}` : ''),
  );
}

const failures = (results: AuditResult[], level: Level) =>
  results.filter((result) => levelOf(result) === level && result.status !== 'ok').map((result) => `${result.id} ${result.name}: ${'reason' in result ? result.reason : ''}`);

describe('GraphQL over HTTP conformance (graphql-http serverAudits)', () => {
  it('passes every MUST with the default configuration', async () => {
    const results = await audit({});
    report('defaults', results);
    expect(results.filter((result) => levelOf(result) === 'MUST').length).toBeGreaterThan(10);
    expect(failures(results, 'MUST')).toEqual([]);
    expect(failures(results, 'SHOULD')).toEqual([]);
  });

  it('passes every MUST that does not introspect with INTROSPECTION=false and GRAPHIQL=false', async () => {
    const results = await audit({ INTROSPECTION: 'false', GRAPHIQL: 'false' });
    report('production', results);
    const relevant = results.filter((result) => !INTROSPECTION_AUDITS.has(result.id));
    expect(failures(relevant, 'MUST')).toEqual([]);
    // The introspecting audits fail only because introspection is off.
    for (const result of results.filter((r) => INTROSPECTION_AUDITS.has(r.id))) {
      expect(result.status).not.toBe('ok');
      expect('reason' in result ? result.reason : '').toMatch(/errors|status/);
    }
  });
});
