import { promisify } from 'node:util';
import { brotliCompress, brotliCompressSync, constants as zlibConstants, gzip, gzipSync } from 'node:zlib';
import type { Plugin } from 'graphql-yoga';
import { chooseEncoding } from '../graphiql/assets.js';

/**
 * Response compression: a body over COMPRESS_OVER_BYTES is sent with brotli or gzip
 * when the request's Accept-Encoding allows it (brotli first), with
 * `Content-Encoding`, the compressed `Content-Length` and `Vary: Accept-Encoding`.
 * A large body is compressed in libuv's thread pool (zlib's asynchronous calls), off
 * the event loop; a small one at once, which costs less than the hand-over would.
 *
 * Only bodies of a known, finite kind are touched: JSON (GraphQL results, errors)
 * and text (the GraphiQL page, /metrics). Event streams and multipart responses
 * (subscriptions) are never read, buffered or compressed, so each event leaves as
 * it is produced. A response that already has a `Content-Encoding` (GraphiQL's
 * precompressed assets) or says `Cache-Control: no-transform` is left alone.
 */

/** Bodies up to this many bytes go as they are: compressing them saves less than it costs. */
const COMPRESS_OVER_BYTES = 1024;
/**
 * Brotli quality 4 and gzip level 6: on a 2000-item page brotli 4 is as small as
 * gzip 6 for less CPU, and brotli 5 and up save a tenth more for twice the CPU or
 * far more (docs/production.md#compression has the measurements).
 */
const BROTLI_QUALITY = 4;
const GZIP_LEVEL = 6;
/**
 * Up to this size a body is compressed synchronously: a 25-item page (some 7 KB)
 * takes about 0.1 ms of CPU that way, and two to three times as much through the
 * thread pool, whose fixed cost per call only pays off on larger bodies; past it the
 * event loop is spared the milliseconds a large page takes.
 */
const SYNC_UP_TO_BYTES = 64 * 1024;

const compressBrotli = promisify(brotliCompress);
const compressGzip = promisify(gzip);

/** Whether a body of this Content-Type is a whole document worth compressing (never a stream). Pure. */
function isCompressibleType(contentType: string | null): boolean {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'text/event-stream') return false;
  return type.startsWith('text/') || type === 'application/json' || type.endsWith('+json');
}

/** `Vary` with `Accept-Encoding` added once to whatever it already lists (`Origin`, say). Pure. */
function varyWithAcceptEncoding(vary: string | null): string {
  const listed = (vary ?? '').split(',').map((name) => name.trim()).filter(Boolean);
  if (listed.some((name) => name === '*' || name.toLowerCase() === 'accept-encoding')) return listed.join(', ');
  return [...listed, 'Accept-Encoding'].join(', ');
}

function compress(body: Buffer, encoding: 'br' | 'gzip'): Buffer | Promise<Buffer> {
  const now = body.length <= SYNC_UP_TO_BYTES;
  if (encoding === 'gzip') return now ? gzipSync(body, { level: GZIP_LEVEL }) : compressGzip(body, { level: GZIP_LEVEL });
  const options = {
    params: {
      [zlibConstants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
      [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT,
      [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  };
  return now ? brotliCompressSync(body, options) : compressBrotli(body, options);
}

/** Last in the plugin list: the headers other plugins set are on the response it copies. */
export function useCompression(): Plugin {
  return {
    onResponse({ request, response, setResponse, fetchAPI }) {
      const { headers, status } = response;
      if (request.method === 'HEAD' || status === 204 || status === 304 || headers.has('content-encoding')) return;
      if (!isCompressibleType(headers.get('content-type')) || /(^|,)\s*no-transform\s*(,|$)/i.test(headers.get('cache-control') ?? '')) return;
      // The answer depends on Accept-Encoding whether or not this one is compressed: caches must key by it.
      headers.set('vary', varyWithAcceptEncoding(headers.get('vary')));
      const encoding = chooseEncoding(request.headers.get('accept-encoding'));
      if (encoding === undefined) return;
      return response.arrayBuffer().then(async (data) => {
        const body = Buffer.from(data);
        const rebuilt = (payload: Buffer) => new fetchAPI.Response(new Uint8Array(payload.buffer as ArrayBuffer, payload.byteOffset, payload.byteLength), { status, statusText: response.statusText, headers });
        if (body.length <= COMPRESS_OVER_BYTES) {
          setResponse(rebuilt(body));
          return;
        }
        let compressed: Buffer;
        try {
          compressed = await compress(body, encoding);
        } catch {
          // Sent as it is rather than not at all.
          setResponse(rebuilt(body));
          return;
        }
        headers.set('content-encoding', encoding);
        headers.set('content-length', String(compressed.length));
        setResponse(rebuilt(compressed));
      });
    },
  };
}
