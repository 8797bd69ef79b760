import type { GraphiQLOptions } from 'graphql-yoga';
import { graphiqlAssets, type GraphiQLAssetUrls } from './assets.js';

/** Credentials the embedded sample upstream accepts; meaningless anywhere else. */
export const SAMPLE_HEADERS = {
  Authorization: 'Bearer sample-token',
  'X-Tenant': 'sample.cloudcockpit.example',
} as const;

/** The fields both default queries show: one page, its cursors, and what a reader scans for. */
const PAGE_SELECTION = `    totalCount
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
    }`;

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
${PAGE_SELECTION}
  }
}
`;

/** A window of a recording that answers a query: its dates and the `first` its first page was read with. */
export interface RecordedQueryWindow {
  startDate: string;
  endDate: string;
  first: number;
}

/** The default query on a recording: only recorded windows answer, so it asks for one. */
export function recordedWindowQuery(window: RecordedQueryWindow): string {
  return /* GraphQL */ `# CloudCockpit audit logs from a recording: only recorded windows answer
# (the gateway's start-up log lists them); this is the one with the most pages.
# Next page: after: "<endCursor>"
query RecordedPage {
  auditLogs(
    first: ${window.first}
    filter: {
      startDate: ${JSON.stringify(window.startDate)}
      endDate: ${JSON.stringify(window.endDate)}
    }
  ) {
${PAGE_SELECTION}
  }
}
`;
}

export interface GraphiQLStart {
  /** The gateway runs on the embedded sample upstream. */
  sampleUpstream: boolean;
  /** The gateway serves a recording (`UPSTREAM_URL=replay:<dir>`); `window`: the one to open on, if any. */
  recording?: { window?: RecordedQueryWindow };
}

/**
 * GraphiQL opens with a query that works. On the sample upstream and on a recording
 * (which takes any token), the sample's headers are filled in too; on a recording the
 * query asks for a recorded window.
 */
export function graphiqlOptions({ sampleUpstream, recording }: GraphiQLStart): GraphiQLOptions {
  const headers = JSON.stringify(SAMPLE_HEADERS, null, 2);
  const window = recording?.window;
  return {
    title: 'CloudCockpit audit logs',
    defaultQuery: window ? recordedWindowQuery(window) : DEFAULT_QUERY,
    // `headers` fills the first tab, `defaultHeaders` every tab opened later; not persisted,
    // so switching the gateway to a real upstream never leaves the sample token behind.
    ...(sampleUpstream || recording ? { headers, defaultHeaders: headers, shouldPersistHeaders: false } : {}),
  };
}

/**
 * yoga's `renderGraphiQL`: a page of a few KB that loads GraphiQL's scripts, styles and
 * editor workers from the gateway's own asset routes (assets.ts: compressed,
 * cached for a year under content-hashed URLs), so it works without internet access
 * (yoga's default loads them from a CDN) and a reload fetches next to nothing. What
 * the page sets up is what `@graphql-yoga/render-graphiql` inlines, with URLs in place
 * of the inlined code. Each distinct set of options is rendered once.
 */
export function createGraphiQLRenderer(): (options: GraphiQLOptions) => Promise<string> {
  const rendered = new Map<string, string>();
  return async (options) => {
    const key = JSON.stringify(options);
    let page = rendered.get(key);
    if (page === undefined) {
      page = graphiqlPage(options, (await graphiqlAssets()).urls);
      rendered.set(key, page);
    }
    return page;
  };
}

/** The GraphiQL page for these options and asset URLs. Pure. */
export function graphiqlPage(options: GraphiQLOptions, urls: GraphiQLAssetUrls): string {
  const title = typeof options.title === 'string' ? options.title : 'GraphiQL';
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${escapeHtml(title)}</title>
    <link rel="icon" href="${escapeHtml(urls.favicon)}" />
    <link rel="stylesheet" href="${escapeHtml(urls.css)}" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>You need to enable JavaScript to run this app.</noscript>
    <div id="root"></div>
    <script>
      const workers = ${scriptJson(urls.workers)};
      self['MonacoEnvironment'] = {
        globalAPI: false,
        getWorkerUrl: function (moduleId, label) {
          return new URL(workers[label], document.baseURI).href;
        },
      };
    </script>
    <script src="${escapeHtml(urls.js)}"></script>
    <script>
      YogaGraphiQL.renderYogaGraphiQL(window.document.querySelector('#root'), ${scriptJson(options)});
    </script>
  </body>
</html>
`;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** JSON that cannot end the inline script it sits in. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
