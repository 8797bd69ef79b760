import { afterEach, describe, expect, it } from 'vitest';
import { CALLER } from '../../support/harness.js';
import { useHarness } from '../../support/use-harness.js';

const PAGE = /* GraphQL */ `
  query RecentFailures {
    auditLogs(first: 5, filter: { status: FAILED }) { totalCount nodes { id } }
  }
`;

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

const parse = (logs: string[]): LogLine[] => logs.flatMap((chunk) => chunk.split('\n').filter(Boolean).map((line) => JSON.parse(line) as LogLine));

describe('logs', () => {
  const harness = useHarness();

  afterEach(() => harness.sample.faults.clear());
  const linesFor = (correlationId: string, msg: string) =>
    parse(harness.logs).filter((line) => line.correlationId === correlationId && line.msg === msg);

  it('writes one line per operation: correlation id, name, type, duration, upstream calls, outcome, codes, trace id', async () => {
    const response = await harness.graphql(PAGE);
    expect(response.body.errors).toBeUndefined();
    const correlationId = String(response.headers['x-correlation-id']);

    const [line, ...more] = linesFor(correlationId, 'graphql operation');
    expect(more).toEqual([]);
    expect(line).toMatchObject({
      level: 30,
      operationName: 'RecentFailures',
      operationType: 'query',
      upstreamCalls: 1,
      outcome: 'success',
      errorCodes: [],
    });
    expect(line!.durationMs).toBeTypeOf('number');
    expect(line!.durationMs as number).toBeGreaterThan(0);
    expect(line!.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('writes one debug line per upstream call', async () => {
    const response = await harness.graphql(PAGE);
    const correlationId = String(response.headers['x-correlation-id']);
    const calls = linesFor(correlationId, 'upstream GET AuditLogs');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ level: 20, status: 200, pageNumber: 1, pageSize: 5 });
    expect(calls[0]!.durationMs).toBeTypeOf('number');
  });

  it('names the error codes, at info for a client mistake and at warn for an unreachable upstream', async () => {
    const unauthenticated = await harness.graphql(PAGE, undefined, { 'x-tenant': CALLER['x-tenant'] });
    const [clientLine] = linesFor(String(unauthenticated.headers['x-correlation-id']), 'graphql operation');
    expect(clientLine).toMatchObject({ level: 30, outcome: 'error', errorCodes: ['UNAUTHENTICATED'], upstreamCalls: 0 });

    harness.sample.faults.add({ action: { type: 'drop' } });
    const dropped = await harness.graphql(PAGE);
    expect(dropped.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    const [upstreamLine] = linesFor(String(dropped.headers['x-correlation-id']), 'graphql operation');
    expect(upstreamLine).toMatchObject({ level: 40, outcome: 'error', errorCodes: ['UPSTREAM_UNAVAILABLE'], upstreamCalls: 1 });
  });

  it('logs a request that fails validation under the operation it named', async () => {
    const response = await harness.graphql('query Broken { auditLogs { noSuchField } }');
    const [line] = linesFor(String(response.headers['x-correlation-id']), 'graphql operation');
    expect(line).toMatchObject({ operationName: 'Broken', outcome: 'error', errorCodes: ['GRAPHQL_VALIDATION_FAILED'], upstreamCalls: 0 });
  });

  it('never writes a bearer token, whatever happens to the operation', async () => {
    const tokens = ['tok-success-7f3a', 'tok-upstream401-91bc', 'tok-dropped-0d4e', 'tok-malformed-5a21', 'tok-parse-c3d9'];
    const headers = (authorization: string) => ({ authorization, 'x-tenant': CALLER['x-tenant'], traceparent: `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01` });
    const before = harness.logs.length;

    await harness.graphql(PAGE, undefined, headers(`Bearer ${tokens[0]}`));
    harness.sample.faults.add({ times: 1, action: { type: 'status', status: 401 } });
    await harness.graphql(PAGE, undefined, headers(`Bearer ${tokens[1]}`));
    harness.sample.faults.add({ action: { type: 'drop' } });
    await harness.graphql(PAGE, undefined, headers(`Bearer ${tokens[2]}`));
    harness.sample.faults.clear();
    await harness.graphql(PAGE, undefined, headers(`Basic ${tokens[3]}`));
    await harness.graphql('query {', undefined, headers(`Bearer ${tokens[4]}`));

    const written = harness.logs.slice(before).join('');
    // The operations were logged (at debug level too), so the check below looked at real lines.
    expect(parse(harness.logs.slice(before)).filter((line) => line.msg === 'graphql operation')).toHaveLength(5);
    expect(written).toContain('upstream GET AuditLogs');
    for (const token of tokens) expect(written).not.toContain(token);
  });
});
