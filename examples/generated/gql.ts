/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "fragment AuditLogSummary on AuditLog {\n  id\n  auditLogId\n  timestamp\n  operation\n  status\n  resellerName\n  customerName\n  userName\n  details\n}": typeof types.AuditLogSummaryFragmentDoc,
    "query FilteredAuditLogs($filter: AuditLogFilter, $first: Int = 25) {\n  auditLogs(filter: $filter, first: $first) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n    nodes {\n      ...AuditLogSummary\n    }\n  }\n}": typeof types.FilteredAuditLogsDocument,
    "query AuditLogById($id: ID!) {\n  node(id: $id) {\n    id\n    ... on AuditLog {\n      ...AuditLogSummary\n      correlationId\n      raw\n    }\n  }\n}": typeof types.AuditLogByIdDocument,
    "query WalkAuditLogs($filter: AuditLogFilter, $first: Int!, $after: String) {\n  auditLogs(filter: $filter, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        ...AuditLogSummary\n      }\n    }\n  }\n}": typeof types.WalkAuditLogsDocument,
};
const documents: Documents = {
    "fragment AuditLogSummary on AuditLog {\n  id\n  auditLogId\n  timestamp\n  operation\n  status\n  resellerName\n  customerName\n  userName\n  details\n}": types.AuditLogSummaryFragmentDoc,
    "query FilteredAuditLogs($filter: AuditLogFilter, $first: Int = 25) {\n  auditLogs(filter: $filter, first: $first) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n    nodes {\n      ...AuditLogSummary\n    }\n  }\n}": types.FilteredAuditLogsDocument,
    "query AuditLogById($id: ID!) {\n  node(id: $id) {\n    id\n    ... on AuditLog {\n      ...AuditLogSummary\n      correlationId\n      raw\n    }\n  }\n}": types.AuditLogByIdDocument,
    "query WalkAuditLogs($filter: AuditLogFilter, $first: Int!, $after: String) {\n  auditLogs(filter: $filter, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        ...AuditLogSummary\n      }\n    }\n  }\n}": types.WalkAuditLogsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment AuditLogSummary on AuditLog {\n  id\n  auditLogId\n  timestamp\n  operation\n  status\n  resellerName\n  customerName\n  userName\n  details\n}"): (typeof documents)["fragment AuditLogSummary on AuditLog {\n  id\n  auditLogId\n  timestamp\n  operation\n  status\n  resellerName\n  customerName\n  userName\n  details\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query FilteredAuditLogs($filter: AuditLogFilter, $first: Int = 25) {\n  auditLogs(filter: $filter, first: $first) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n    nodes {\n      ...AuditLogSummary\n    }\n  }\n}"): (typeof documents)["query FilteredAuditLogs($filter: AuditLogFilter, $first: Int = 25) {\n  auditLogs(filter: $filter, first: $first) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n    nodes {\n      ...AuditLogSummary\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query AuditLogById($id: ID!) {\n  node(id: $id) {\n    id\n    ... on AuditLog {\n      ...AuditLogSummary\n      correlationId\n      raw\n    }\n  }\n}"): (typeof documents)["query AuditLogById($id: ID!) {\n  node(id: $id) {\n    id\n    ... on AuditLog {\n      ...AuditLogSummary\n      correlationId\n      raw\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query WalkAuditLogs($filter: AuditLogFilter, $first: Int!, $after: String) {\n  auditLogs(filter: $filter, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        ...AuditLogSummary\n      }\n    }\n  }\n}"): (typeof documents)["query WalkAuditLogs($filter: AuditLogFilter, $first: Int!, $after: String) {\n  auditLogs(filter: $filter, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        ...AuditLogSummary\n      }\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;