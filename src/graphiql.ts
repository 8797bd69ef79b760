import type { GraphiQLOptions } from 'graphql-yoga';

/** Credentials the embedded sample upstream accepts; meaningless anywhere else. */
export const SAMPLE_HEADERS = {
  Authorization: 'Bearer sample-token',
  'X-Tenant': 'sample.cloudcockpit.example',
} as const;

export const DEFAULT_QUERY = /* GraphQL */ `# Audit logs of the CloudCockpit API, newest first.
# Walk forward with after: <endCursor>, backward with last/before.
query RecentOrders {
  auditLogs(first: 10, filter: { operations: ["CreateOrder", "CancelSubscription"] }) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes {
      id
      timestamp
      operation
      status
      resellerName
      customerName
      userName
    }
  }
}
`;

/** GraphiQL opens with a working query; with the sample upstream, its headers are filled in too. */
export function graphiqlOptions({ sampleUpstream }: { sampleUpstream: boolean }): GraphiQLOptions {
  return {
    title: 'CloudCockpit audit logs',
    defaultQuery: DEFAULT_QUERY,
    ...(sampleUpstream ? { headers: JSON.stringify(SAMPLE_HEADERS, null, 2), shouldPersistHeaders: false } : {}),
  };
}
