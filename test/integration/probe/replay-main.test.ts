import { afterAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { readRecording } from '../../../tools/replay/index.js';
import { startGatewayProcess, type GatewayProcess } from '../../e2e/support/gateway-process.js';
import { graphiqlFirstScreen } from '../../support/graphiql-page.js';
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
    // The first page of that walk as the upstream answered it (the gateway may ask for a log more than `first`).
    const window = `enddate=${encodeURIComponent(walk.filter.endDate!)}&pagenumber=1&pagesize=`;
    const firstPages = (await readRecording(RECORDING_DIR)).filter((e) => e.query.startsWith(window) && !/status=|customer=/.test(e.query));
    expect(firstPages.length).toBeGreaterThan(0);
    const recorded = firstPages[0]!.body as { items: { id: string }[]; paginationParameters: { totalCount: number } };
    expect(body.data.auditLogs.edges.map((e) => e.node.auditLogId)).toEqual(recorded.items.slice(0, walk.first).map((i) => i.id));
    expect(body.data.auditLogs.totalCount).toBe(recorded.paginationParameters.totalCount);

    // It says which windows answer, and GraphiQL opens on one of them with headers a replay takes.
    const windows = gateway.output.map((line) => JSON.parse(line) as { windows?: string[]; msg: string }).find((entry) => entry.windows);
    expect(windows?.windows?.[0]).toBe(`first ${walk.first} from ${walk.filter.startDate} to ${walk.filter.endDate} (3 pages)`);
    expect(windows?.msg).toContain(`GraphiQL opens on auditLogs(first: ${walk.first}, filter: { startDate: "${walk.filter.startDate}", endDate: "${walk.filter.endDate}" })`);
    const graphiql = await graphiqlFirstScreen(gateway.url);
    expect(graphiql.defaultQuery).toContain(`startDate: "${walk.filter.startDate}"`);
    const opened = await request(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...graphiql.headers },
      body: JSON.stringify({ query: graphiql.defaultQuery }),
    });
    const result = (await opened.body.json()) as { data?: { auditLogs: { totalCount: number } }; errors?: unknown };
    expect(result.errors).toBeUndefined();
    expect(result.data?.auditLogs.totalCount).toBe(recorded.paginationParameters.totalCount);
    expect(await gateway.stop()).toBe(0);
  });
});
