import { expect } from 'vitest';
import { GatewayWalkPageDocument, type GatewayWalkPageQuery, type GatewayWalkPageQueryVariables } from '../generated/operations.js';
import type { Harness } from './harness.js';

export type WalkPage = GatewayWalkPageQuery['auditLogs'];

/** One page of a walk through the gateway; fails the test on any GraphQL error. */
export async function walkPage(h: Harness, variables: GatewayWalkPageQueryVariables): Promise<WalkPage> {
  const response = await h.graphql(GatewayWalkPageDocument, variables);
  expect(response.body.errors).toBeUndefined();
  return response.body.data!.auditLogs;
}
