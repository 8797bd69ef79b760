import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TraceExporterKind, Tracing } from './tracing-types.js';

export const SERVICE_NAME = 'cloudcockpit-audit-gateway';

/**
 * The OpenTelemetry SDK, for when exporters are configured: sampling per
 * `OTEL_TRACES_SAMPLER` (default: follow the caller's decision, sample new traces),
 * batching per `OTEL_BSP_*`, resource per `OTEL_SERVICE_NAME` / `OTEL_RESOURCE_ATTRIBUTES`.
 */
export function createExportingTracing(exporters: readonly TraceExporterKind[]): Tracing {
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: SERVICE_NAME }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new BasicTracerProvider({
    resource,
    spanProcessors: exporters.map((kind) => new BatchSpanProcessor(exporterFor(kind))),
  });
  return { tracer: provider.getTracer(SERVICE_NAME), exporting: true, shutdown: () => provider.shutdown() };
}

function exporterFor(kind: TraceExporterKind): SpanExporter {
  switch (kind) {
    case 'otlp-http/protobuf':
      return new OtlpProtobufExporter();
    case 'otlp-http/json':
      return new OtlpJsonExporter();
    case 'console':
      return new ConsoleSpanExporter();
  }
}
