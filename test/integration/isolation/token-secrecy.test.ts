import { describe, expect, it } from 'vitest';
import type { FaultAction } from '../../../tools/sample-upstream/index.js';
import { GatewayAliasedPagesDocument, GatewayWalkPageDocument } from '../../generated/operations.js';
import { CALLER } from '../../support/harness.js';
import { useHarness } from '../../support/use-harness.js';
import { expectNoBearerTokenLeaks } from '../../support/secrecy.js';

/**
 * No bearer token ever comes back to a client or reaches a log line: through
 * successful pages, every error path, rejected credentials and debug logging.
 * (Every other gateway-*.test.ts file runs the same check over its own traffic.)
 */

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSIsInRlbmFudCI6ImFscGhhIn0.c2lnbmF0dXJlLXNlY3JldC0xMjM0NQ';
const OPAQUE = 'opaque-token-0f1e2d3c4b5a69788796a5b4c3d2e1f0';

const h = useHarness({ config: { upstreamTimeoutMs: 500 } });

const as = (authorization: string, extra: Record<string, string> = {}) => ({ authorization, 'x-tenant': CALLER['x-tenant'], ...extra });

describe('bearer tokens', () => {
  it('appear in no response and no log line, whatever happened to the request', async () => {
    const callers = [as(`Bearer ${JWT}`), as(`bearer   ${OPAQUE}`, { 'x-correlation-id': 'not-a-uuid' })];

    for (const caller of callers) {
      // Successful pages, a walk with cursors, aliases.
      const first = await h.graphql(GatewayWalkPageDocument, { first: 3, filter: { status: 'FAILED' } }, caller);
      expect(first.body.errors).toBeUndefined();
      const next = await h.graphql(
        GatewayWalkPageDocument,
        { first: 3, filter: { status: 'FAILED' }, after: first.body.data!.auditLogs.pageInfo.endCursor },
        caller,
      );
      expect(next.body.errors).toBeUndefined();
      expect((await h.graphql(GatewayAliasedPagesDocument, { first: 2 }, caller)).body.errors).toBeUndefined();
      expect((await h.graphql(GatewayWalkPageDocument, { last: 3 }, caller)).body.errors).toBeUndefined();

      // Errors raised before any upstream call.
      for (const variables of [{ first: 0 }, { first: 1, last: 1 }, { after: 'garbage' }]) {
        const response = await h.graphql(GatewayWalkPageDocument, variables, caller);
        expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      }
      const noTenant = await h.graphql(GatewayWalkPageDocument, { first: 1 }, { authorization: caller.authorization });
      expect(noTenant.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

      // Every kind of upstream failure.
      const faults: FaultAction[] = [
        { type: 'status', status: 400 },
        { type: 'status', status: 401 },
        { type: 'status', status: 403 },
        // Retry-After 0: a longer wait would hold this caller's healthy call below.
        { type: 'status', status: 429, headers: { 'retry-after': '0' } },
        { type: 'status', status: 500 },
        { type: 'status', status: 502 },
        { type: 'malformed', variant: 'not-json' },
        { type: 'malformed', variant: 'item-missing-id' },
        { type: 'drop' },
        { type: 'hang' },
      ];
      for (const action of faults) {
        h.sample.faults.add({ action });
        const response = await h.graphql(GatewayWalkPageDocument, { first: 2 }, caller);
        h.sample.faults.clear();
        expect(response.body.errors?.[0]?.extensions?.code).toEqual(expect.any(String));
        // A healthy call in between, so failures never pile up into a different answer.
        expect((await h.graphql(GatewayWalkPageDocument, { first: 1 }, caller)).body.errors).toBeUndefined();
      }
    }

    // Credentials the gateway refuses are not echoed either.
    for (const authorization of [`Bearer ${JWT} trailing`, `Basic ${Buffer.from(`alice:${OPAQUE}`).toString('base64')}`, `Token ${OPAQUE}`]) {
      const response = await h.graphql(GatewayWalkPageDocument, { first: 1 }, as(authorization));
      expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(JSON.stringify(response.body)).not.toContain(OPAQUE);
      expect(JSON.stringify(response.body)).not.toContain(JWT);
    }

    // The upstream did receive the tokens, and the gateway did log (at debug level).
    const received = new Set(h.sample.requests.map((request) => request.headers.authorization));
    expect(received).toEqual(new Set([`Bearer ${JWT}`, `bearer   ${OPAQUE}`]));
    expect(h.logs.length).toBeGreaterThan(20);
    expect(expectNoBearerTokenLeaks(h)).toBeGreaterThanOrEqual(2);
    for (const line of h.logs) {
      expect(line).not.toContain(OPAQUE);
      expect(line).not.toContain(JWT.split('.')[2]);
    }
  });
});
