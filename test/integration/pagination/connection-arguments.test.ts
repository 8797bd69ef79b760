import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GatewayAliasedPagesDocument,
  GatewayWalkPageDocument,
  type GatewayWalkPageQueryVariables,
} from '../../generated/operations.js';
import { useHarness } from '../../support/use-harness.js';
import { expectNoBearerTokenLeaks } from '../../support/secrecy.js';

/**
 * Connection arguments are checked before any upstream call: bad sizes, both
 * directions at once and foreign or tampered cursors are BAD_USER_INPUT and cost
 * nothing upstream; defaults and aliases behave as the README's pagination section says.
 */

const h = useHarness();

afterAll(async () => {
  expect(expectNoBearerTokenLeaks(h)).toBeGreaterThan(0);
});

/** Runs a page and returns its response and the number of upstream calls it made. */
async function run(variables: GatewayWalkPageQueryVariables) {
  const before = h.sample.requests.length;
  const response = await h.graphql(GatewayWalkPageDocument, variables);
  return { response, calls: h.sample.requests.length - before };
}

async function expectBadUserInput(variables: GatewayWalkPageQueryVariables): Promise<void> {
  const { response, calls } = await run(variables);
  expect(calls).toBe(0);
  expect(response.body.data).toBeNull();
  expect(response.body.errors).toHaveLength(1);
  const [error] = response.body.errors!;
  expect(error!.extensions?.code).toBe('BAD_USER_INPUT');
  expect(error!.path).toEqual(['auditLogs']);
  expect(error!.extensions?.correlationId).toBe(response.headers['x-correlation-id']);
}

/** A cursor with one character changed to another valid base64url character. */
function tamper(cursor: string, at: number): string {
  const replacement = cursor[at] === 'A' ? 'B' : 'A';
  return cursor.slice(0, at) + replacement + cursor.slice(at + 1);
}

describe('connection arguments', () => {
  it.each([
    ['first: 0', { first: 0 }],
    ['first: 2001', { first: 2001 }],
    ['first: -1', { first: -1 }],
    ['last: 0', { last: 0 }],
    ['last: 2001', { last: 2001 }],
    ['last: -1', { last: -1 }],
    ['first and last', { first: 5, last: 5 }],
  ] as const)('%s is BAD_USER_INPUT with no upstream call', async (_name, variables) => {
    await expectBadUserInput(variables);
  });

  it('accepts the limits 1 and 2000 in either direction', async () => {
    for (const first of [1, 2000]) {
      const { response, calls } = await run({ first });
      expect(response.body.errors).toBeUndefined();
      expect(calls).toBe(1);
      expect(response.body.data!.auditLogs.edges).toHaveLength(first);
    }
    for (const last of [1, 2000]) {
      const { response, calls } = await run({ last });
      expect(response.body.errors).toBeUndefined();
      expect(calls).toBeLessThanOrEqual(2);
      const page = response.body.data!.auditLogs;
      const { StartDate, EndDate } = h.sample.requests.at(-1)!.query;
      const all = h.sample.store
        .all()
        .filter((log) => log.timestamp >= StartDate! && log.timestamp <= EndDate!)
        .map((log) => log.id);
      expect(page.totalCount).toBe(all.length);
      // The oldest items. With 5000 logs, `last: 2000` cannot be fetched in the two calls
      // a page may cost, so the page is cut to the longest tail one more call holds,
      // with hasPreviousPage true (see docs/pagination.md); it is never empty.
      expect(page.edges.length).toBeGreaterThan(last === 1 ? 0 : 1000);
      expect(page.edges.length).toBeLessThanOrEqual(last);
      expect(page.edges.map((edge) => edge.node.auditLogId)).toEqual(all.slice(all.length - page.edges.length));
      expect(page.pageInfo.hasPreviousPage).toBe(true);
      expect(page.pageInfo.hasNextPage).toBe(false);
    }
  });

  it('defaults to first: 25', async () => {
    const { response, calls } = await run({});
    expect(response.body.errors).toBeUndefined();
    expect(calls).toBe(1);
    // One more than the page, which tells whether another page follows.
    expect(h.sample.requests.at(-1)!.query).toMatchObject({ PageNumber: '1', PageSize: '26' });
    const page = response.body.data!.auditLogs;
    expect(page.edges).toHaveLength(25);
    expect(page.pageInfo.hasPreviousPage).toBe(false);
    expect(page.pageInfo.hasNextPage).toBe(true);
  });

  it('counts an empty after or before as absent', async () => {
    const plain = await run({ first: 5 });
    const emptyAfter = await run({ first: 5, after: '' });
    const emptyBefore = await run({ last: 5, before: '' });
    const tail = await run({ last: 5 });
    const ids = (r: typeof plain) => r.response.body.data!.auditLogs.edges.map((edge) => edge.node.auditLogId);
    expect(emptyAfter.response.body.errors).toBeUndefined();
    expect(ids(emptyAfter)).toEqual(ids(plain));
    expect(emptyAfter.response.body.data!.auditLogs.pageInfo.hasPreviousPage).toBe(false);
    expect(emptyBefore.response.body.errors).toBeUndefined();
    expect(ids(emptyBefore)).toEqual(ids(tail));
  });

  describe('cursors', () => {
    let cursor: string;

    beforeAll(async () => {
      const { response } = await run({ filter: { status: 'FAILED' }, first: 3 });
      cursor = response.body.data!.auditLogs.pageInfo.endCursor!;
      expect(cursor).toEqual(expect.any(String));
    });

    it('a cursor of ours continues the walk (the control case)', async () => {
      const { response, calls } = await run({ filter: { status: 'FAILED' }, first: 3, after: cursor });
      expect(response.body.errors).toBeUndefined();
      expect(calls).toBe(1);
      expect(response.body.data!.auditLogs.pageInfo.hasPreviousPage).toBe(true);
    });

    it.each([
      ['not base64', 'not a cursor!'],
      ['a Relay-style cursor', Buffer.from('arrayconnection:3').toString('base64')],
      ['a number', '42'],
      ['far too long', 'A'.repeat(10_000)],
    ])('garbage (%s) as after or before is BAD_USER_INPUT with no upstream call', async (_name, garbage) => {
      await expectBadUserInput({ filter: { status: 'FAILED' }, first: 3, after: garbage });
      await expectBadUserInput({ filter: { status: 'FAILED' }, last: 3, before: garbage });
    });

    it('a tampered cursor is BAD_USER_INPUT with no upstream call, wherever it was changed', async () => {
      for (const at of [0, 5, 20, 30, cursor.length - 1]) {
        const tampered = tamper(cursor, at);
        expect(tampered).not.toBe(cursor);
        await expectBadUserInput({ filter: { status: 'FAILED' }, first: 3, after: tampered });
      }
      await expectBadUserInput({ filter: { status: 'FAILED' }, first: 3, after: cursor.slice(0, -1) });
      await expectBadUserInput({ filter: { status: 'FAILED' }, first: 3, after: `${cursor}A` });
    });

    it('a cursor made for another filter is BAD_USER_INPUT with no upstream call', async () => {
      await expectBadUserInput({ filter: { status: 'SUCCEEDED' }, first: 3, after: cursor });
      await expectBadUserInput({ filter: { status: 'FAILED', reseller: 'Contoso' }, first: 3, after: cursor });
      await expectBadUserInput({ filter: null, first: 3, after: cursor });
      await expectBadUserInput({ filter: { status: 'FAILED' }, first: 3, before: cursor, last: 1, after: null });
      await expectBadUserInput({ filter: { status: 'SUCCEEDED' }, last: 3, before: cursor });
    });

    it('cursors of two different walks as after and before are BAD_USER_INPUT', async () => {
      const other = await run({ filter: { status: 'FAILED' }, first: 3 });
      const otherCursor = other.response.body.data!.auditLogs.pageInfo.startCursor!;
      // A later walk pins a later window, so its cursors differ even at the same position.
      expect(otherCursor).not.toBe(cursor);
      const { response, calls } = await run({ filter: { status: 'FAILED' }, first: 3, after: otherCursor, before: cursor });
      expect(calls).toBe(0);
      expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });
  });

  it('identical aliased fields make one upstream call and return identical data', async () => {
    const before = h.sample.requests.length;
    const response = await h.graphql(GatewayAliasedPagesDocument, { filter: { status: 'FAILED' }, first: 9 });
    expect(response.body.errors).toBeUndefined();
    expect(h.sample.requests.length - before).toBe(1);
    const { one, two } = response.body.data!;
    expect(one.edges).toHaveLength(9);
    expect(two).toEqual(one);
  });
});
