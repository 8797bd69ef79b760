import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';
import type { Plugin } from 'graphql-yoga';

/**
 * GraphiQL's scripts, styles, editor workers and icon (about 9 MB, from
 * `@graphql-yoga/render-graphiql`), served by the gateway itself (no CDN) under
 * content-hashed URLs: compressed by Accept-Encoding (brotli or gzip, each made once,
 * off the event loop) and cacheable for a year (`immutable`, with an ETag), so the
 * page that loads them stays a few KB and a reload costs a few 304s at most.
 */

/** Under the GraphQL endpoint's folder: the page at `/graphql` loads them relatively. */
export const GRAPHIQL_ASSET_PREFIX = '/graphiql/';

const CACHE_FOR_A_YEAR = 'public, max-age=31536000, immutable';
/**
 * Brotli at quality 5 is within 5% of quality 9 on this bundle for a fraction of the
 * CPU (quality 11 takes some 40 s on a loaded machine); each asset is compressed once.
 */
const BROTLI_QUALITY = 5;
const GZIP_LEVEL = 9;

const compressBrotli = promisify(brotliCompress);
const compressGzip = promisify(gzip);

type Encoding = 'br' | 'gzip';

interface Asset {
  /** Path under GRAPHIQL_ASSET_PREFIX, e.g. `graphiql.1a2b3c4d5e6f7a8b.js`. */
  file: string;
  contentType: string;
  body: Buffer;
  etag: string;
  compressed: Partial<Record<Encoding, Promise<Buffer>>>;
}

/** The URLs the page refers to, relative to the page at the GraphQL endpoint. */
export interface GraphiQLAssetUrls {
  js: string;
  css: string;
  favicon: string;
  workers: { editorWorkerService: string; json: string; graphql: string };
}

export interface GraphiQLAssets {
  urls: GraphiQLAssetUrls;
  byFile: ReadonlyMap<string, Asset>;
}

function asset(name: string, extension: string, contentType: string, body: Buffer): Asset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
  return { file: `${name}.${hash}.${extension}`, contentType, body, etag: `"${hash}"`, compressed: {} };
}

let loading: Promise<GraphiQLAssets> | undefined;

/**
 * The assets, loaded on first use (the bundle costs some 35 MB held in memory, which
 * a server that never shows GraphiQL should not carry), then kept for the process.
 */
export function graphiqlAssets(): Promise<GraphiQLAssets> {
  loading ??= import('@graphql-yoga/render-graphiql/graphiql').then((bundle) => {
    const script = 'text/javascript; charset=utf-8';
    const js = asset('graphiql', 'js', script, Buffer.from(bundle.js));
    const css = asset('graphiql', 'css', 'text/css; charset=utf-8', Buffer.from(bundle.css));
    const editor = asset('editor.worker', 'js', script, Buffer.from(bundle.editorWorkerService));
    const json = asset('json.worker', 'js', script, Buffer.from(bundle.jsonWorker));
    const graphql = asset('graphql.worker', 'js', script, Buffer.from(bundle.graphqlWorker));
    const favicon = faviconAsset(bundle.favicon);
    const all = [js, css, editor, json, graphql, ...(favicon ? [favicon] : [])];
    const relative = (a: Asset) => `${GRAPHIQL_ASSET_PREFIX.slice(1)}${a.file}`;
    return {
      urls: {
        js: relative(js),
        css: relative(css),
        favicon: favicon ? relative(favicon) : bundle.favicon,
        workers: { editorWorkerService: relative(editor), json: relative(json), graphql: relative(graphql) },
      },
      byFile: new Map(all.map((a) => [a.file, a])),
    };
  });
  return loading;
}

/** The bundle's icon is a base64 data URL; as a file it is cached like the rest. */
function faviconAsset(dataUrl: string): Asset | undefined {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(dataUrl);
  return match ? asset('favicon', 'ico', match[1]!, Buffer.from(match[2]!, 'base64')) : undefined;
}

/**
 * The encoding to send for an `Accept-Encoding` header: brotli, else gzip, else none.
 * A coding with `q=0` is refused; `*` stands for any coding not named. Pure.
 */
export function chooseEncoding(acceptEncoding: string | null): Encoding | undefined {
  if (!acceptEncoding) return undefined;
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (!coding) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(coding, Number.isFinite(weight) ? weight : 0);
  }
  const accepts = (coding: Encoding) => (weights.get(coding) ?? weights.get('*') ?? 0) > 0;
  if (accepts('br')) return 'br';
  if (accepts('gzip')) return 'gzip';
  return undefined;
}

function compressed(a: Asset, encoding: Encoding): Promise<Buffer> {
  let body = a.compressed[encoding];
  if (body === undefined) {
    body =
      encoding === 'br'
        ? compressBrotli(a.body, {
            params: { [zlibConstants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: a.body.length },
          })
        : compressGzip(a.body, { level: GZIP_LEVEL });
    a.compressed[encoding] = body;
    // A failed compression is not remembered: the next request tries again.
    body.catch(() => delete a.compressed[encoding]);
  }
  return body;
}

/** True when an `If-None-Match` header names this ETag (or `*`). */
function notModified(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const value = tag.trim();
    return value === '*' || value === etag || value === `W/${etag}`;
  });
}

/** Serves GET/HEAD `/graphiql/<file>`; installed only when GraphiQL is on. */
export function useGraphiQLAssets(): Plugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (!url.pathname.startsWith(GRAPHIQL_ASSET_PREFIX)) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(new fetchAPI.Response(null, { status: 405, headers: { allow: 'GET, HEAD' } }));
        return;
      }
      return graphiqlAssets().then(async ({ byFile }) => {
        const found = byFile.get(url.pathname.slice(GRAPHIQL_ASSET_PREFIX.length));
        if (found === undefined) {
          endResponse(new fetchAPI.Response('Not Found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } }));
          return;
        }
        const headers: Record<string, string> = { 'cache-control': CACHE_FOR_A_YEAR, etag: found.etag, vary: 'accept-encoding' };
        if (notModified(request.headers.get('if-none-match'), found.etag)) {
          endResponse(new fetchAPI.Response(null, { status: 304, headers }));
          return;
        }
        const encoding = chooseEncoding(request.headers.get('accept-encoding'));
        const body = encoding ? await compressed(found, encoding) : found.body;
        if (encoding) headers['content-encoding'] = encoding;
        headers['content-type'] = found.contentType;
        headers['content-length'] = String(body.length);
        endResponse(new fetchAPI.Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers }));
      });
    },
  };
}
