import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { ConfigError, traceExportersFromEnv } from '../../src/config.js';
import { boundedLabel, createMetrics, knownNameLabel, statusClass } from '../../src/observability/metrics.js';
import { summarizeResult } from '../../src/plugins/operation-record.js';
import { levelFor } from '../../src/plugins/use-operation-log.js';
import { contextFromRequestHeaders, propagatingTracer, traceHeadersOfSpan } from '../../src/observability/tracing.js';

const CALLER_TRACE = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN = 'b7ad6b7169203331';

describe('summarizeResult', () => {
  it('tells success, partial and error apart and lists each code once', () => {
    expect(summarizeResult({ data: { auditLogs: {} } })).toEqual({ outcome: 'success', errorCodes: [] });
    expect(
      summarizeResult({
        data: { a: { totalCount: 1 }, b: null },
        errors: [{ message: 'x', extensions: { code: 'UPSTREAM_TIMEOUT' } }],
      }),
    ).toEqual({ outcome: 'partial', errorCodes: ['UPSTREAM_TIMEOUT'] });
    expect(
      summarizeResult({
        data: null,
        errors: [
          { message: 'x', extensions: { code: 'UNAUTHENTICATED' } },
          { message: 'y', extensions: { code: 'UNAUTHENTICATED' } },
          { message: 'z', extensions: {} },
        ],
      }),
    ).toEqual({ outcome: 'error', errorCodes: ['UNAUTHENTICATED', 'UNKNOWN'] });
    expect(summarizeResult({ errors: [{ message: 'x', extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] }).outcome).toBe('error');
  });
});

describe('levelFor', () => {
  it('keeps client mistakes at info, upstream trouble at warn and internal errors at error', () => {
    expect(levelFor({ outcome: 'error', errorCodes: ['BAD_USER_INPUT'] })).toBe('info');
    expect(levelFor({ outcome: 'error', errorCodes: ['UNAUTHENTICATED'] })).toBe('info');
    expect(levelFor({ outcome: 'partial', errorCodes: ['UPSTREAM_TIMEOUT'] })).toBe('warn');
    expect(levelFor({ outcome: 'error', errorCodes: ['RATE_LIMITED'] })).toBe('warn');
    expect(levelFor({ outcome: 'error', errorCodes: ['BAD_USER_INPUT', 'INTERNAL_SERVER_ERROR'] })).toBe('error');
  });
});

describe('metric labels', () => {
  it('names status classes, and none when no response arrived', () => {
    expect([200, 204, 302, 401, 429, 503].map(statusClass)).toEqual(['2xx', '2xx', '3xx', '4xx', '4xx', '5xx']);
    expect([undefined, 0, 99, 600, 200.5].map(statusClass)).toEqual(['none', 'none', 'none', 'none', 'none']);
  });

  it('bounds operation names: anonymous, the first N distinct names, then other', () => {
    const label = boundedLabel(2);
    expect(label(undefined)).toBe('anonymous');
    expect(label('')).toBe('anonymous');
    expect(label('First')).toBe('First');
    expect(label('not a graphql name')).toBe('other');
    expect(label('x'.repeat(65))).toBe('other');
    expect(label('Second')).toBe('Second');
    expect(label('Third')).toBe('other');
    expect(label('First')).toBe('First');
    expect(label('anonymous')).toBe('other');
  });

  it('keeps the in-flight gauge balanced and names every series', async () => {
    const metrics = createMetrics({ operationNames: ['Page'] });
    metrics.operationStarted();
    metrics.operationStarted();
    metrics.operationFinished({ operationName: 'Page', outcome: 'success', durationMs: 12, errorCodes: [] });
    metrics.observeUpstreamCall({ status: 503, durationMs: 40 });
    metrics.watchCircuit(() => 'open');
    const text = await metrics.registry.metrics();
    expect(text).toContain('gateway_operations_in_flight 1');
    expect(text).toContain('gateway_operation_duration_seconds_count{operation="Page",outcome="success"} 1');
    expect(text).toContain('gateway_upstream_call_duration_seconds_count{status_class="5xx"} 1');
    expect(text).toContain('gateway_upstream_circuit_state{state="open"} 1');
    expect(text).toContain('gateway_upstream_circuit_state{state="closed"} 0');
  });

  it('leaves the breaker series out when the client has no breaker', async () => {
    const metrics = createMetrics();
    metrics.watchCircuit(() => undefined);
    expect(await metrics.registry.metrics()).not.toContain('gateway_upstream_circuit_state{');
  });
});

describe('traceExportersFromEnv', () => {
  it('exports nothing unless configured', () => {
    expect(traceExportersFromEnv({})).toEqual([]);
    expect(traceExportersFromEnv({ OTEL_SERVICE_NAME: 'gw' })).toEqual([]);
    expect(traceExportersFromEnv({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toEqual([]);
    expect(traceExportersFromEnv({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' })).toEqual([]);
  });

  it('turns OTLP on with an endpoint or the exporter variable, over http/protobuf unless told json', () => {
    expect(traceExportersFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toEqual(['otlp-http/protobuf']);
    expect(traceExportersFromEnv({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' })).toEqual(['otlp-http/protobuf']);
    expect(traceExportersFromEnv({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toEqual(['otlp-http/json']);
    expect(
      traceExportersFromEnv({
        OTEL_TRACES_EXPORTER: 'otlp, console',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
      }),
    ).toEqual(['otlp-http/protobuf', 'console']);
  });

  it('rejects what it cannot do with a line naming the variable', () => {
    expect(() => traceExportersFromEnv({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(ConfigError);
    expect(() => traceExportersFromEnv({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(/OTEL_TRACES_EXPORTER/);
    expect(() => traceExportersFromEnv({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(
      /OTEL_EXPORTER_OTLP_PROTOCOL must be http\/protobuf or http\/json/,
    );
  });
});

describe('propagatingTracer', () => {
  const tracer = propagatingTracer();

  it('continues the caller trace with a new span id, keeping its flags and tracestate', () => {
    const headers = new Headers({ traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01`, tracestate: 'vendor=abc' });
    const span = tracer.startSpan('op', {}, contextFromRequestHeaders(headers));
    const context = span.spanContext();
    expect(context.traceId).toBe(CALLER_TRACE);
    expect(context.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(context.spanId).not.toBe(CALLER_SPAN);
    expect(context.traceFlags).toBe(TraceFlags.SAMPLED);
    expect(span.isRecording()).toBe(false);
    expect(traceHeadersOfSpan(span)).toEqual({ traceparent: `00-${CALLER_TRACE}-${context.spanId}-01`, tracestate: 'vendor=abc' });
  });

  it('starts a new trace when the caller sent none or a malformed one', () => {
    for (const headers of [new Headers(), new Headers({ traceparent: 'garbage' }), new Headers({ traceparent: `00-${'0'.repeat(32)}-${CALLER_SPAN}-01` })]) {
      const span = tracer.startSpan('op', {}, contextFromRequestHeaders(headers));
      expect(trace.isSpanContextValid(span.spanContext())).toBe(true);
      expect(traceHeadersOfSpan(span).traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    }
    expect(tracer.startSpan('op', {}, ROOT_CONTEXT).spanContext().traceId).not.toBe(tracer.startSpan('op').spanContext().traceId);
  });
});
