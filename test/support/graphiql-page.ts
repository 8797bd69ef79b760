import { request } from 'undici';

export interface GraphiQLFirstScreen {
  defaultQuery: string;
  /** The headers editor's first tab, parsed; undefined when it starts empty. */
  headers?: Record<string, string>;
}

/** What GraphiQL at `${url}/graphql` opens with: the options the page passes to GraphiQL, as a browser would get them. */
export async function graphiqlFirstScreen(url: string): Promise<GraphiQLFirstScreen> {
  const response = await request(`${url}/graphql`, { headers: { accept: 'text/html' } });
  const page = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`GET /graphql as a browser: ${response.statusCode}`);
  const options = /renderYogaGraphiQL\([^,]+, (\{.*\})\);\n/.exec(page)?.[1];
  if (options === undefined) throw new Error('no GraphiQL options in the page');
  const { defaultQuery, headers } = JSON.parse(options) as { defaultQuery: string; headers?: string };
  return { defaultQuery, headers: headers === undefined ? undefined : (JSON.parse(headers) as Record<string, string>) };
}
