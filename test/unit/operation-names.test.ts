import { readdirSync, readFileSync } from 'node:fs';
import { parse, Kind } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createMetrics, knownNameLabel } from '../../src/observability/metrics.js';
import { labelledOperationNames, SHIPPED_OPERATION_NAMES } from '../../src/observability/operation-names.js';

const OPERATIONS_DIR = new URL('../../operations/', import.meta.url);

describe('operation names labelled in /metrics', () => {
  it('ships exactly the operations of the operations/ folder', () => {
    const names = readdirSync(OPERATIONS_DIR)
      .filter((file) => file.endsWith('.graphql'))
      .flatMap((file) => parse(readFileSync(new URL(file, OPERATIONS_DIR), 'utf8')).definitions)
      .flatMap((definition) => (definition.kind === Kind.OPERATION_DEFINITION && definition.name ? [definition.name.value] : []));
    expect([...SHIPPED_OPERATION_NAMES].sort()).toEqual(names.sort());
  });

  it('adds the configured names, leaving out what is no GraphQL name', () => {
    const names = labelledOperationNames(' Dashboard , Billing-Report,other,anonymous,,Export_2 ');
    expect([...names].sort()).toEqual([...SHIPPED_OPERATION_NAMES, 'Dashboard', 'Export_2'].sort());
    expect(labelledOperationNames()).toEqual(new Set(SHIPPED_OPERATION_NAMES));
  });

  it("adds the trusted-document manifest's names, before the configured ones when the cap cuts", () => {
    expect([...labelledOperationNames('Dashboard', ['RecentFailures', 'other'])].sort()).toEqual([...SHIPPED_OPERATION_NAMES, 'Dashboard', 'RecentFailures'].sort());
    const many = Array.from({ length: 600 }, (_, i) => `Manifest${i}`);
    const names = labelledOperationNames('Dashboard', many);
    expect(names.size).toBe(500);
    expect(names.has('Manifest0')).toBe(true);
    expect(names.has('Dashboard')).toBe(false);
  });

  it('labels known names as themselves, no name as anonymous, any other as other', () => {
    const label = knownNameLabel(new Set(['Dashboard']));
    expect(label('Dashboard')).toBe('Dashboard');
    expect(label(undefined)).toBe('anonymous');
    expect(label('')).toBe('anonymous');
    for (let i = 0; i < 100; i++) expect(label(`Client${i}`)).toBe('other');
    expect(label('Dashboard')).toBe('Dashboard');
  });

  it('a registry keeps one operation series per known name, whatever clients send', async () => {
    const metrics = createMetrics({ operationNames: ['Dashboard'] });
    for (const name of ['Dashboard', ...Array.from({ length: 80 }, (_, i) => `Minted${i}`), undefined]) {
      metrics.operationStarted();
      metrics.operationFinished({ operationName: name, outcome: 'success', durationMs: 1, errorCodes: [] });
    }
    const text = await metrics.registry.metrics();
    const labels = new Set([...text.matchAll(/gateway_operation_duration_seconds_count\{operation="([^"]+)"/g)].map((m) => m[1]));
    expect(labels).toEqual(new Set(['Dashboard', 'other', 'anonymous']));
  });
});
