import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { useHarness } from '../../support/use-harness.js';

const page = (name: string) => /* GraphQL */ `query ${name} { auditLogs(first: 3) { totalCount } }`;

/** The value of one series line, e.g. `gateway_operations_in_flight` or `name{label="x"}`; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  // The names this file's operations use get their own label (others count as `other`).
  const harness = useHarness({ config: { metricsOperationNames: 'MetricsPage,MetricsForbidden,MetricsInvalid,MetricsDropped,MetricsSlow' } });
  afterEach(() => harness.sample.faults.clear());

  async function scrape(): Promise<string> {
    const response = await request(`${harness.url}/metrics`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    return response.body.text();
  }

  it('shows operations by name and outcome, errors by code, upstream calls by status class, in-flight and breaker state', async () => {
    await harness.graphql(page('MetricsPage'));
    await harness.graphql(page('MetricsPage'));
    await harness.graphql('{ auditLogs(first: 2) { totalCount } }');
    harness.sample.faults.add({ times: 1, action: { type: 'status', status: 403 } });
    await harness.graphql(page('MetricsForbidden'));
    await harness.graphql('query MetricsInvalid { nope }');

    const text = await scrape();
    expect(text).toContain('# TYPE gateway_operation_duration_seconds histogram');
    expect(sample(text, 'gateway_operation_duration_seconds_count{operation="MetricsPage",outcome="success"}')).toBe(2);
    expect(sample(text, 'gateway_operation_duration_seconds_count{operation="anonymous",outcome="success"}')).toBe(1);
    expect(sample(text, 'gateway_operation_duration_seconds_count{operation="MetricsForbidden",outcome="error"}')).toBe(1);
    expect(sample(text, 'gateway_operation_duration_seconds_count{operation="MetricsInvalid",outcome="error"}')).toBe(1);
    expect(sample(text, 'gateway_operation_duration_seconds_bucket{le="+Inf",operation="MetricsPage",outcome="success"}')).toBe(2);
    expect(sample(text, 'gateway_operation_errors_total{code="FORBIDDEN"}')).toBe(1);
    expect(sample(text, 'gateway_operation_errors_total{code="GRAPHQL_VALIDATION_FAILED"}')).toBe(1);
    expect(sample(text, 'gateway_upstream_call_duration_seconds_count{status_class="2xx"}')).toBe(3);
    expect(sample(text, 'gateway_upstream_call_duration_seconds_count{status_class="4xx"}')).toBe(1);
    expect(sample(text, 'gateway_operations_in_flight')).toBe(0);
    expect(sample(text, 'gateway_upstream_circuit_state{state="closed"}')).toBe(1);
    expect(sample(text, 'gateway_upstream_circuit_state{state="open"}')).toBe(0);
  });

  it('counts a call that got no response as status class none', async () => {
    harness.sample.faults.add({ action: { type: 'drop' } });
    const response = await harness.graphql(page('MetricsDropped'));
    expect(response.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    const text = await scrape();
    expect(sample(text, 'gateway_upstream_call_duration_seconds_count{status_class="none"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'gateway_operation_errors_total{code="UPSTREAM_UNAVAILABLE"}')).toBe(1);
  });

  it('counts an operation as in flight while it runs', async () => {
    // Long enough that a scrape lands inside it even when the machine is busy.
    harness.sample.faults.add({ times: 1, action: { type: 'delay', ms: 1500 } });
    const slow = harness.graphql(page('MetricsSlow'));
    let during: number | undefined;
    for (let i = 0; i < 100 && during !== 1; i++) {
      during = sample(await scrape(), 'gateway_operations_in_flight');
      if (during !== 1) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(during).toBe(1);
    await slow;
    expect(sample(await scrape(), 'gateway_operations_in_flight')).toBe(0);
  });
});
