import type { TraceExporterKind } from '../config.js';
import { propagatingTracer, type Tracing } from './tracing.js';

/**
 * With exporters: the OpenTelemetry SDK (loaded only then: it is a sizeable part of the
 * process's memory), see tracing-export.ts. Without: a propagation-only tracer that
 * records nothing.
 */
export async function createTracing(exporters: readonly TraceExporterKind[] = []): Promise<Tracing> {
  if (exporters.length === 0) return { tracer: propagatingTracer(), exporting: false, shutdown: async () => {} };
  const { createExportingTracing } = await import('./tracing-export.js');
  return createExportingTracing(exporters);
}
