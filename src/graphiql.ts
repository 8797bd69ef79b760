import type { GraphiQLOptions } from 'graphql-yoga';

/** Credentials the embedded sample upstream accepts; meaningless anywhere else. */
export const SAMPLE_HEADERS = {
  Authorization: 'Bearer sample-token',
  'X-Tenant': 'sample.cloudcockpit.example',
} as const;

export const DEFAULT_QUERY = /* GraphQL */ `# CloudCockpit audit logs, newest first.
# Next page: after: "<endCursor>"
# Newer logs: last: 10, before: "<startCursor>"
query RecentOrders {
  auditLogs(
    first: 10
    filter: {
      operations: ["CreateOrder", "CancelSubscription"]
    }
  ) {
    totalCount
    pageInfo {
      hasNextPage
      hasPreviousPage
      startCursor
      endCursor
    }
    nodes {
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
  const headers = JSON.stringify(SAMPLE_HEADERS, null, 2);
  return {
    title: 'CloudCockpit audit logs',
    defaultQuery: DEFAULT_QUERY,
    // `headers` fills the first tab, `defaultHeaders` every tab opened later; not persisted,
    // so switching the gateway to a real upstream never leaves the sample token behind.
    ...(sampleUpstream ? { headers, defaultHeaders: headers, shouldPersistHeaders: false } : {}),
  };
}

/**
 * yoga's `renderGraphiQL`: GraphiQL with its scripts, styles and editor workers inlined
 * (`@graphql-yoga/render-graphiql`), so it works without internet access (yoga's default
 * loads them from a CDN). The page is about 9 MB, so each distinct set of options is
 * rendered and encoded once, and the bundle is loaded only when GraphiQL is first
 * opened: held in memory it costs some 35 MB, which a server that never shows
 * GraphiQL (production) should not carry.
 */
export function createGraphiQLRenderer(): (options: GraphiQLOptions) => Promise<Uint8Array<ArrayBuffer>> {
  const rendered = new Map<string, Uint8Array<ArrayBuffer>>();
  return async (options) => {
    const key = JSON.stringify(options);
    let page = rendered.get(key);
    if (page === undefined) {
      const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
      page = new TextEncoder().encode(renderGraphiQL(options)) as Uint8Array<ArrayBuffer>;
      rendered.set(key, page);
    }
    return page;
  };
}
