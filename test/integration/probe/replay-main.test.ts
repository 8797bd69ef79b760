import { afterAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { readRecording } from '../../../src/replay/index.js';
import { startGatewayProcess, type GatewayProcess } from '../../e2e/support/gateway-process.js';
import { ACCEPTANCE_WALKS, RECORDING_CALLER, RECORDING_DIR } from '../../support/replay-acceptance.js';

let gateway: GatewayProcess | undefined;
afterAll(async () => {
  await gateway?.stop();
});

describe('UPSTREAM_URL=replay:<dir>', () => {
  it('makes the gateway serve from the recording, and stop cleanly', async () => {
    gateway = await startGatewayProcess({ UPSTREAM_URL: `replay:${RECORDING_DIR}` });
    expect(gateway.output.join('\n')).toMatch(/serving recorded upstream responses/);
    const walk = ACCEPTANCE_WALKS[0]!;
    const response = await request(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...RECORDING_CALLER },
      body: JSON.stringify({
        query: 'query($filter: AuditLogFilter, $first: Int) { auditLogs(filter: $filter, first: $first) { totalCount edges { node { auditLogId } } } }',
        variables: { filter: walk.filter, first: walk.first },
      }),
    });
    const body = (await response.body.json()) as { data: { auditLogs: { totalCount: number; edges: { node: { auditLogId: string } }[] } } };
    const recorded = (await readRecording(RECORDING_DIR)).find(
      (e) => e.query.includes(`pagesize=${walk.first}&`) && e.query.includes('startdate=2026-11-18T00') && e.query.includes('pagenumber=1&'),
    );
    const items = (recorded!.body as { items: { id: string }[]; paginationParameters: { totalCount: number } }).items;
    expect(body.data.auditLogs.edges.map((e) => e.node.auditLogId)).toEqual(items.map((i) => i.id));
    expect(body.data.auditLogs.totalCount).toBe((recorded!.body as { paginationParameters: { totalCount: number } }).paginationParameters.totalCount);
    expect(await gateway.stop()).toBe(0);
  });
});
