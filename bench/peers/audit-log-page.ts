/**
 * What every GraphQL peer of the benchmark serves: the same SDL and the same one
 * resolver, which calls the sample upstream with undici and returns its items as they
 * come (no cursors, no validation of the items, no error mapping, no logging).
 */
import { request } from 'undici';

export const PAGE_TYPE_DEFS = /* GraphQL */ `
  type AuditLog { id: ID! timestamp: String! operation: String status: String customerName: String resellerName: String userName: String }
  type AuditLogPage { totalCount: Int! items: [AuditLog!]! }
  type Query { auditLogs(pageNumber: Int!, pageSize: Int!): AuditLogPage! }
`;

export interface PageArgs {
  pageNumber: number;
  pageSize: number;
}

/** The caller's two headers, as each server reads them. */
export interface CallerHeaders {
  authorization: string;
  tenant: string;
}

/** One upstream call for the page, forwarding the caller's headers. */
export async function fetchPage(upstreamUrl: string, args: PageArgs, caller: CallerHeaders) {
  const response = await request(`${upstreamUrl}/v1/AuditLogs?PageNumber=${args.pageNumber}&PageSize=${args.pageSize}`, {
    headers: { authorization: caller.authorization, 'x-tenant': caller.tenant },
  });
  const body = (await response.body.json()) as { items: unknown[]; paginationParameters: { totalCount: number } };
  return { totalCount: body.paginationParameters.totalCount, items: body.items };
}
