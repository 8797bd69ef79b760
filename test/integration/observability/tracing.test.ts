import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { traceExportersFromEnv } from '../../../src/config.js';
import { createTracing } from '../../../src/observability/tracing.js';
import { CALLER, startHarness } from '../../support/harness.js';
import { useHarness } from '../../support/use-harness.js';

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

const PAGE = /* GraphQL */ `query TracedPage { auditLogs(first: 4) { totalCount } }`;
const TWO_CALLS = /* GraphQL */ `
  query TwoCalls {
    recent: auditLogs(first: 4) { totalCount }
    failed: auditLogs(first: 4, filter: { status: FAILED }) { totalCount }
  }
`;

function parseTraceparent(value: unknown): { traceId: string; spanId: string; flags: string } {
  const match = TRACEPARENT.exec(String(value));
  expect(match, `a W3C traceparent, got ${String(value)}`).not.toBeNull();
  return { traceId: match![1]!, spanId: match![2]!, flags: match![3]! };
}

describe('trace context, with no exporter configured', () => {
  const harness = useHarness();

  const upstreamRequestsSince = (before: number) => harness.sample.requests.slice(before);

  it("continues the caller's trace upstream with a new span id, keeping its sampled flag and tracestate", async () => {
    const before = harness.sample.requests.length;
    const response = await harness.graphql(PAGE, undefined, {
      ...CALLER,
      traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01`,
      tracestate: 'vendor=opaque',
    });
    expect(response.body.errors).toBeUndefined();
    const [sent, ...more] = upstreamRequestsSince(before);
    expect(more).toEqual([]);
    const upstream = parseTraceparent(sent!.headers.traceparent);
    expect(upstream.traceId).toBe(CALLER_TRACE);
    expect(upstream.spanId).not.toBe(CALLER_SPAN);
    expect(upstream.spanId).not.toBe('0'.repeat(16));
    expect(upstream.flags).toBe('01');
    expect(sent!.headers.tracestate).toBe('vendor=opaque');
  });

  it('starts a trace when the caller sent none, and logs its id with the operation', async () => {
    const before = harness.sample.requests.length;
    const response = await harness.graphql(PAGE);
    const [sent] = upstreamRequestsSince(before);
    const upstream = parseTraceparent(sent!.headers.traceparent);
    const correlationId = String(response.headers['x-correlation-id']);
    const logged = harness.logs
      .flatMap((chunk) => chunk.split('\n').filter(Boolean))
      .map((line) => JSON.parse(line) as { msg: string; correlationId?: string; traceId?: string })
      .find((line) => line.msg === 'graphql operation' && line.correlationId === correlationId);
    expect(logged?.traceId).toBe(upstream.traceId);
  });

  it('gives each upstream call of an operation its own span in the same trace', async () => {
    const before = harness.sample.requests.length;
    await harness.graphql(TWO_CALLS, undefined, { ...CALLER, traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` });
    const sent = upstreamRequestsSince(before).map((r) => parseTraceparent(r.headers.traceparent));
    expect(sent).toHaveLength(2);
    expect(sent.map((s) => s.traceId)).toEqual([CALLER_TRACE, CALLER_TRACE]);
    expect(sent[0]!.spanId).not.toBe(sent[1]!.spanId);
  });

  it('ignores a malformed traceparent and starts a new trace', async () => {
    const before = harness.sample.requests.length;
    await harness.graphql(PAGE, undefined, { ...CALLER, traceparent: `00-${CALLER_TRACE}-not-a-span-01` });
    const upstream = parseTraceparent(upstreamRequestsSince(before)[0]!.headers.traceparent);
    expect(upstream.traceId).not.toBe(CALLER_TRACE);
  });
});

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: Array<{ key: string; value: Record<string, unknown> }>;
  status?: { code?: number };
}

interface OtlpExport {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans: Array<{ spans: OtlpSpan[] }>;
  }>;
}

describe('trace export over OTLP, configured by OTEL_* variables', () => {
  let collector: Server;
  const received: OtlpExport[] = [];

  beforeAll(async () => {
    // A real OTLP/HTTP receiver on loopback, speaking the JSON encoding.
    collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (req.url === '/v1/traces') received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpExport);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    collector.listen(0, '127.0.0.1');
    await once(collector, 'listening');
  });
  afterEach(() => vi.unstubAllEnvs());
  afterAll(async () => {
    collector.closeAllConnections();
    await new Promise((resolve) => collector.close(resolve));
  });

  it('exports a server span per operation and a client span per upstream call, linked as parent and child', async () => {
    const { port } = collector.address() as AddressInfo;
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', `http://127.0.0.1:${port}`);
    vi.stubEnv('OTEL_EXPORTER_OTLP_PROTOCOL', 'http/json');
    vi.stubEnv('OTEL_SERVICE_NAME', 'audit-gateway-under-test');
    const exporters = traceExportersFromEnv(process.env);
    expect(exporters).toEqual(['otlp-http/json']);
    const tracing = await createTracing(exporters);
    const harness = await startHarness({ tracer: tracing.tracer });
    let upstreamSpanId: string;
    try {
      const before = harness.sample.requests.length;
      const response = await harness.graphql(PAGE, undefined, { ...CALLER, traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` });
      expect(response.body.errors).toBeUndefined();
      upstreamSpanId = parseTraceparent(harness.sample.requests[before]!.headers.traceparent).spanId;
    } finally {
      await harness.close();
      await tracing.shutdown(); // flushes the batch to the collector
    }

    const spans = received.flatMap((e) => e.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));
    const serviceNames = received.flatMap((e) => e.resourceSpans.flatMap((r) => r.resource.attributes.filter((a) => a.key === 'service.name')));
    expect(serviceNames.map((a) => a.value.stringValue)).toContain('audit-gateway-under-test');

    const operation = spans.find((s) => s.name === 'query TracedPage');
    const call = spans.find((s) => s.name === 'GET /v1/AuditLogs');
    expect(operation).toMatchObject({ traceId: CALLER_TRACE, parentSpanId: CALLER_SPAN, kind: 2 });
    expect(call).toMatchObject({ traceId: CALLER_TRACE, parentSpanId: operation!.spanId, spanId: upstreamSpanId, kind: 3 });
    const attribute = (span: OtlpSpan, key: string) => span.attributes?.find((a) => a.key === key)?.value;
    expect(attribute(operation!, 'graphql.operation.name')).toEqual({ stringValue: 'TracedPage' });
    expect(attribute(operation!, 'gateway.upstream_calls')).toMatchObject({ intValue: 1 });
    expect(attribute(call!, 'http.response.status_code')).toMatchObject({ intValue: 200 });
  });
});
