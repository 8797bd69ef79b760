import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startSampleUpstream, type SampleUpstream } from '../../../tools/sample-upstream/index.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';

/**
 * Replicas share nothing but CURSOR_SECRET (docs/replicas.md): gateways with the same
 * secret serve each other's cursors; a cursor made under another secret is
 * BAD_USER_INPUT, never an internal error, and costs no upstream call. A secret is
 * rotated in three rolls (old,new; new,old; new), and at each the replicas that run
 * side by side accept each other's cursors.
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

const OLD = 'replica-secret-A-0123456789';
const NEW = 'replica-secret-B-9876543210';

let sample: SampleUpstream;
let a1: GatewayProcess;
let a2: GatewayProcess;
let b: GatewayProcess;
/** The rotation's middle steps: the new secret added second, then moved first. */
let added: GatewayProcess;
let moved: GatewayProcess;

beforeAll(async () => {
  sample = await startSampleUpstream();
  const start = (secret: string) => startGatewayProcess({ UPSTREAM_URL: sample.url, CURSOR_SECRET: secret });
  [a1, a2, b, added, moved] = await Promise.all([start(OLD), start(OLD), start(NEW), start(`${OLD},${NEW}`), start(` ${NEW} , ${OLD} `)]);
});

afterAll(async () => {
  await Promise.all([a1, a2, b, added, moved].map((gateway) => gateway?.stop('SIGKILL')));
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

  it('rotating the secret in three rolls never rejects a cursor between replicas that run side by side', async () => {
    /** A walk's second page on `to`, from the cursor of its first page on `from`. */
    const resumes = async (from: GatewayProcess, to: GatewayProcess): Promise<Answer> => {
      const first = await page(from, { first: 5 });
      expect(first.errors).toBeUndefined();
      return page(to, { first: 5, after: first.data!.auditLogs.pageInfo.endCursor });
    };
    // old alone → old,new → new,old → new alone: each roll leaves the previous step running beside the next.
    const steps: Array<[string, GatewayProcess]> = [['old', a1], ['old,new', added], ['new,old', moved], ['new', b]];
    for (let i = 0; i + 1 < steps.length; i++) {
      const [[fromName, from], [toName, to]] = [steps[i]!, steps[i + 1]!];
      for (const [x, y, names] of [[from, to, `${fromName} → ${toName}`], [to, from, `${toName} → ${fromName}`]] as const) {
        const answer = await resumes(x, y);
        expect(answer.errors, names).toBeUndefined();
        expect(answer.data!.auditLogs.nodes, names).toHaveLength(5);
      }
    }
    // Once the old secret is dropped, a cursor it signed is refused: the last roll waits for the longest walk.
    const stale = await resumes(a1, b);
    expect(stale.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    // And a replica that signs with the new secret is refused by one that knows only the old: why step 1 comes first.
    const skipped = await resumes(moved, a1);
    expect(skipped.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });
});
