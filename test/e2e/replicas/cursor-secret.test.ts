import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startSampleUpstream, type SampleUpstream } from '../../../tools/sample-upstream/index.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';

/**
 * Replicas share nothing but CURSOR_SECRET (docs/replicas.md): gateways with the same
 * secret serve each other's cursors; a cursor made under another secret is
 * BAD_USER_INPUT, never an internal error, and costs no upstream call.
 */

const CALLER = { authorization: 'Bearer replica-cursors', 'x-tenant': 'replica-cursors.example' };
const PAGE = 'query ($after: String, $before: String, $first: Int, $last: Int) { auditLogs(first: $first, after: $after, last: $last, before: $before) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { auditLogId } } }';

interface Answer {
  data?: { auditLogs: { totalCount: number; pageInfo: { startCursor: string; endCursor: string }; nodes: Array<{ auditLogId: string }> } } | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

async function page(gateway: GatewayProcess, variables: Record<string, unknown>): Promise<Answer> {
  const response = await request(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...CALLER },
    body: JSON.stringify({ query: PAGE, variables }),
  });
  return (await response.body.json()) as Answer;
}

let sample: SampleUpstream;
let a1: GatewayProcess;
let a2: GatewayProcess;
let b: GatewayProcess;

beforeAll(async () => {
  sample = await startSampleUpstream();
  const start = (secret: string) => startGatewayProcess({ UPSTREAM_URL: sample.url, CURSOR_SECRET: secret });
  [a1, a2, b] = await Promise.all([start('replica-secret-A-0123456789'), start('replica-secret-A-0123456789'), start('replica-secret-B-9876543210')]);
});

afterAll(async () => {
  await Promise.all([a1, a2, b].map((gateway) => gateway?.stop('SIGKILL')));
  await sample?.close();
});

describe('cursors across replicas', () => {
  it('two gateways with the same secret serve each other\'s cursors, forwards and backwards', async () => {
    const first = await page(a1, { first: 10 });
    expect(first.errors).toBeUndefined();
    const cursor = first.data!.auditLogs.pageInfo.endCursor;
    const [onA1, onA2] = await Promise.all([page(a1, { first: 10, after: cursor }), page(a2, { first: 10, after: cursor })]);
    expect(onA2.errors).toBeUndefined();
    expect(onA2.data).toEqual(onA1.data);
    expect(onA2.data!.auditLogs.nodes).toHaveLength(10);
    expect(onA2.data!.auditLogs.nodes.map((n) => n.auditLogId)).not.toContain(first.data!.auditLogs.nodes[9]!.auditLogId);

    // And back again: a cursor of A2's page, used on A1.
    const back = await page(a1, { last: 10, before: onA2.data!.auditLogs.pageInfo.startCursor });
    expect(back.errors).toBeUndefined();
    expect(back.data!.auditLogs.nodes).toEqual(first.data!.auditLogs.nodes);
  });

  it('a cursor made under another secret is BAD_USER_INPUT, never INTERNAL_SERVER_ERROR, with no upstream call', async () => {
    const first = await page(a1, { first: 10 });
    const { startCursor, endCursor } = first.data!.auditLogs.pageInfo;
    for (const variables of [{ first: 10, after: endCursor }, { last: 5, before: startCursor }]) {
      sample.resetRequests();
      const answer = await page(b, variables);
      expect(answer.data ?? null).toBeNull();
      expect(answer.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
      expect(sample.requests).toHaveLength(0);
    }
    // The same cursor is still good on a gateway that has the secret it was made under.
    const again = await page(a2, { first: 10, after: endCursor });
    expect(again.errors).toBeUndefined();
  });
});
