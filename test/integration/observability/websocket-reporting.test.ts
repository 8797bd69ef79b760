import { randomUUID } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient, type Client } from 'graphql-ws';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CALLER } from '../../support/harness.js';
import { useHarness } from '../../support/use-harness.js';

/**
 * An operation over WebSocket, or over graphql-sse's single connection, is reported as
 * the same operation over HTTP is: one log line with the same fields, the same metric
 * increments, the same span.
 */

const QUERY = /* GraphQL */ `query WsReportedPage { auditLogs(first: 3) { totalCount nodes { id } } }`;
const SUBSCRIPTION = /* GraphQL */ `subscription WsReportedTail { auditLogAdded { cursor node { auditLogId } } }`;

interface LogLine {
  level: number;
  msg: string;
  correlationId?: string;
  [field: string]: unknown;
}

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

/** The value of one series line of /metrics; 0 when absent. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe('operations over WebSocket are reported as over HTTP', () => {
  const harness = useHarness({ tracer: provider.getTracer('test'), config: { metricsOperationNames: 'WsReportedPage,WsReportedTail' } });
  const clients: Client[] = [];
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await provider.shutdown();
  });

  const lineOf = (correlationId: string): LogLine[] =>
    harness.logs
      .flatMap((chunk) => chunk.split('\n').filter(Boolean))
      .map((line) => JSON.parse(line) as LogLine)
      .filter((line) => line.msg === 'graphql operation' && line.correlationId === correlationId);

  /** The operation's server span (its upstream calls have client spans of their own). */
  const spanOf = (correlationId: string): ReadableSpan[] =>
    exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.SERVER && span.attributes['gateway.correlation_id'] === correlationId);

  async function scrape(): Promise<string> {
    const response = await request(`${harness.url}/metrics`);
    return response.body.text();
  }

  async function until(condition: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 5_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** A graphql-ws client whose upgrade request carries this correlation id (credentials in connection_init). */
  function webSocketClient(correlationId: string): Client {
    class CorrelatedWebSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { 'x-correlation-id': correlationId } });
      }
    }
    const client = createClient({
      url: `${harness.url.replace(/^http/, 'ws')}/graphql`,
      connectionParams: { Authorization: CALLER.authorization, 'X-Tenant': CALLER['x-tenant'] },
      webSocketImpl: CorrelatedWebSocket,
      retryAttempts: 0,
    });
    clients.push(client);
    return client;
  }

  /** What must match between the transports: the line without its per-request values. */
  function comparable(line: LogLine | undefined): Record<string, unknown> {
    expect(line, 'a log line').toBeDefined();
    const { correlationId: _c, durationMs, traceId, time: _t, pid: _p, hostname: _h, ...rest } = line!;
    expect(durationMs).toBeTypeOf('number');
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    return rest;
  }

  function comparableSpan(span: ReadableSpan | undefined): Record<string, unknown> {
    expect(span, 'a span').toBeDefined();
    const { 'gateway.correlation_id': _c, ...attributes } = span!.attributes;
    return { name: span!.name, kind: span!.kind, status: span!.status, attributes };
  }

  it('a query: the same log fields, metric increments and span', async () => {
    const series = 'gateway_operation_duration_seconds_count{operation="WsReportedPage",outcome="success"}';
    const overHttp = randomUUID();
    const before = sample(await scrape(), series);
    const http = await harness.graphql(QUERY, undefined, { ...CALLER, 'x-correlation-id': overHttp });
    expect(http.body.errors).toBeUndefined();
    const afterHttp = await scrape();

    const overWs = randomUUID();
    const ws = await new Promise<unknown>((resolve, reject) => {
      let data: unknown;
      webSocketClient(overWs).subscribe({ query: QUERY }, { next: (result) => (data = result), error: reject, complete: () => resolve(data) });
    });
    expect(ws).toEqual(http.body);
    await until(() => lineOf(overWs).length > 0 && spanOf(overWs).length > 0, 'the WebSocket operation to be reported');
    const afterWs = await scrape();

    expect(lineOf(overHttp)).toHaveLength(1);
    expect(lineOf(overWs)).toHaveLength(1);
    expect(comparable(lineOf(overWs)[0])).toEqual(comparable(lineOf(overHttp)[0]));
    expect(lineOf(overWs)[0]).toMatchObject({ operationName: 'WsReportedPage', operationType: 'query', upstreamCalls: 1, outcome: 'success', errorCodes: [] });

    expect(sample(afterHttp, series) - before).toBe(1);
    expect(sample(afterWs, series) - sample(afterHttp, series)).toBe(1);
    expect(sample(afterWs, 'gateway_operations_in_flight')).toBe(0);

    expect(spanOf(overHttp)).toHaveLength(1);
    expect(spanOf(overWs)).toHaveLength(1);
    expect(comparableSpan(spanOf(overWs)[0])).toEqual(comparableSpan(spanOf(overHttp)[0]));
    expect(spanOf(overWs)[0]!.name).toBe('query WsReportedPage');
    // The upstream call continues the operation's span, as over HTTP.
    expect(lineOf(overWs)[0]!.traceId).toBe(spanOf(overWs)[0]!.spanContext().traceId);
  });

  it('a query over single-connection SSE (graphql-sse): the same log fields, metric increments and span as over HTTP', async () => {
    const series = 'gateway_operation_duration_seconds_count{operation="WsReportedPage",outcome="success"}';
    const overHttp = randomUUID();
    const http = await harness.graphql(QUERY, undefined, { ...CALLER, 'x-correlation-id': overHttp });
    expect(http.body.errors).toBeUndefined();
    const before = sample(await scrape(), series);

    const overSse = randomUUID();
    const client = createSseClient({ url: `${harness.url}/graphql`, singleConnection: true, headers: { ...CALLER, 'x-correlation-id': overSse }, retryAttempts: 0 });
    const sse = await new Promise<unknown>((resolve, reject) => {
      let data: unknown;
      client.subscribe({ query: QUERY }, { next: (result) => (data = result), error: reject, complete: () => resolve(data) });
    }).finally(() => client.dispose());
    expect(sse).toEqual(http.body);
    await until(() => lineOf(overSse).length > 0 && spanOf(overSse).length > 0, 'the SSE operation to be reported');
    const after = await scrape();

    expect(lineOf(overSse)).toHaveLength(1);
    expect(comparable(lineOf(overSse)[0])).toEqual(comparable(lineOf(overHttp)[0]));
    expect(sample(after, series) - before).toBe(1);
    expect(sample(after, 'gateway_operations_in_flight')).toBe(0);
    expect(comparableSpan(spanOf(overSse)[0])).toEqual(comparableSpan(spanOf(overHttp)[0]));
  });

  it('a subscription: the same log fields, metric increments and span once its stream is set up', async () => {
    const series = 'gateway_operation_duration_seconds_count{operation="WsReportedTail",outcome="success"}';
    const overHttp = randomUUID();
    const before = sample(await scrape(), series);
    const http = await request(`${harness.url}/graphql`, {
      method: 'POST',
      headers: { ...CALLER, 'x-correlation-id': overHttp, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: SUBSCRIPTION }),
    });
    expect(http.statusCode).toBe(200);
    await until(() => lineOf(overHttp).length > 0 && spanOf(overHttp).length > 0, 'the SSE subscription to be reported');
    http.body.destroy();
    const afterHttp = await scrape();

    const overWs = randomUUID();
    const stop = webSocketClient(overWs).subscribe({ query: SUBSCRIPTION }, { next: () => {}, error: () => {}, complete: () => {} });
    await until(() => lineOf(overWs).length > 0 && spanOf(overWs).length > 0, 'the WebSocket subscription to be reported');
    stop();
    const afterWs = await scrape();

    expect(lineOf(overHttp)).toHaveLength(1);
    expect(lineOf(overWs)).toHaveLength(1);
    expect(comparable(lineOf(overWs)[0])).toEqual(comparable(lineOf(overHttp)[0]));
    expect(lineOf(overWs)[0]).toMatchObject({ operationName: 'WsReportedTail', operationType: 'subscription', outcome: 'success', errorCodes: [] });

    expect(sample(afterHttp, series) - before).toBe(1);
    expect(sample(afterWs, series) - sample(afterHttp, series)).toBe(1);

    expect(spanOf(overHttp)).toHaveLength(1);
    expect(spanOf(overWs)).toHaveLength(1);
    expect(comparableSpan(spanOf(overWs)[0])).toEqual(comparableSpan(spanOf(overHttp)[0]));
    expect(spanOf(overWs)[0]!.name).toBe('subscription WsReportedTail');
  });

  it('reports an operation that cannot run (no operation of that name), and leaves none in flight', async () => {
    const correlationId = randomUUID();
    // The socket is closed for it (4500), as it was before such operations were reported.
    await new Promise<unknown>((resolve) => {
      webSocketClient(correlationId).subscribe({ query: QUERY, operationName: 'NoSuchOperation' }, { next: () => {}, error: resolve, complete: () => resolve('completed') });
    });
    await until(() => lineOf(correlationId).length > 0 && spanOf(correlationId).length > 0, 'the refused operation to be reported');
    expect(lineOf(correlationId)).toHaveLength(1);
    expect(lineOf(correlationId)[0]).toMatchObject({ operationName: 'NoSuchOperation', outcome: 'error' });
    expect(sample(await scrape(), 'gateway_operations_in_flight')).toBe(0);
  });
});
