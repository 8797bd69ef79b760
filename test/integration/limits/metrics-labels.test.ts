import { request } from 'undici';
import { expect, it } from 'vitest';
import { useHarness } from '../../support/use-harness.js';

/** No client can fill the operation label of /metrics: only shipped or configured names get a series. */

const h = useHarness({ config: { metricsOperationNames: 'OpsDashboard' } });

async function operationLabels(): Promise<Set<string>> {
  const response = await request(`${h.url}/metrics`);
  const text = await response.body.text();
  return new Set([...text.matchAll(/gateway_operation_duration_seconds_count\{operation="([^"]+)"/g)].map((m) => m[1]!));
}

it('counts client-chosen names as other, and still labels the configured and shipped ones after 60 of them', async () => {
  for (let i = 0; i < 60; i++) await h.graphql(`query Flood${i} { __typename }`);
  await h.graphql('query OpsDashboard { __typename }');
  await h.graphql('query WalkAuditLogs { __typename }');
  await h.graphql('{ __typename }');
  expect(await operationLabels()).toEqual(new Set(['other', 'OpsDashboard', 'WalkAuditLogs', 'anonymous']));
});
