import { createHash } from 'node:crypto';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseEncoding } from '../../../src/graphiql/assets.js';
import { startHarness } from '../../support/harness.js';
import { useHarness } from '../../support/use-harness.js';

/**
 * GraphiQL costs a small page, then its assets once: compressed, content-hashed and
 * cached for a year, so a reload transfers next to nothing.
 */

const h = useHarness();
let page: string;
let assetUrls: string[];

beforeAll(async () => {
  const response = await request(`${h.url}/graphql`, { headers: { accept: 'text/html' } });
  expect(response.statusCode).toBe(200);
  page = await response.body.text();
  const referenced = [...page.matchAll(/(?:href|src)="([^"]+)"|"(graphiql\/[^"]+)"/g)].map((m) => m[1] ?? m[2]!);
  assetUrls = [...new Set(referenced)].map((path) => new URL(path, `${h.url}/graphql`).href);
});

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await request(url, { headers });
  const body = Buffer.from(await response.body.arrayBuffer());
  return { status: response.statusCode, headers: response.headers, body };
}

describe('the GraphiQL page', () => {
  it('is a few KB and inlines no bundle', () => {
    expect(Buffer.byteLength(page)).toBeLessThan(8_000);
    expect(page).toContain('query RecentOrders');
    expect(page).not.toContain('data:image');
  });

  it('refers to the script, the styles, three editor workers and the icon, all on the gateway under hashed names', () => {
    expect(assetUrls).toHaveLength(6);
    for (const url of assetUrls) expect(url).toMatch(new RegExp(`^${h.url}/graphiql/[a-z.]+\\.[0-9a-f]{16}\\.(js|css|ico)$`));
  });
});

describe('the assets', () => {
  it('are compressed by Accept-Encoding (brotli first, then gzip) and decompress to the identity body', async () => {
    let identityTotal = 0;
    let brotliTotal = 0;
    for (const url of assetUrls) {
      const identity = await get(url);
      expect(identity.status).toBe(200);
      expect(identity.headers['content-encoding']).toBeUndefined();
      identityTotal += identity.body.length;

      const br = await get(url, { 'accept-encoding': 'gzip, deflate, br' });
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.headers.vary).toContain('accept-encoding');
      expect(brotliDecompressSync(br.body).equals(identity.body)).toBe(true);
      brotliTotal += br.body.length;

      const gz = await get(url, { 'accept-encoding': 'gzip, br;q=0' });
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gz.body).equals(identity.body)).toBe(true);

      // The name carries the content's hash, so a new bundle gets a new URL.
      const hash = createHash('sha256').update(identity.body).digest('hex').slice(0, 16);
      expect(url).toContain(`.${hash}.`);
    }
    expect(identityTotal).toBeGreaterThan(5_000_000);
    expect(brotliTotal).toBeLessThan(identityTotal / 3);
  });

  it('are cacheable for a year as immutable, and revalidate to an empty 304', async () => {
    for (const url of assetUrls) {
      const first = await get(url, { 'accept-encoding': 'br' });
      expect(first.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      const etag = String(first.headers.etag);
      expect(etag).toMatch(/^"[0-9a-f]{16}"$/);
      const again = await get(url, { 'accept-encoding': 'br', 'if-none-match': etag });
      expect(again.status).toBe(304);
      expect(again.body.length).toBe(0);
    }
  });

  it('an unknown asset is 404', async () => {
    expect((await get(`${h.url}/graphiql/graphiql.0000000000000000.js`)).status).toBe(404);
  });

  it('are not served when GraphiQL is off', async () => {
    const off = await startHarness({ config: { graphiql: false } });
    try {
      const path = new URL(assetUrls[0]!).pathname;
      expect((await get(`${off.url}${path}`)).status).toBe(404);
    } finally {
      await off.close();
    }
  });
});

describe('chooseEncoding', () => {
  it.each([
    [null, undefined],
    ['', undefined],
    ['identity', undefined],
    ['gzip', 'gzip'],
    ['gzip, deflate, br', 'br'],
    ['br;q=0, gzip', 'gzip'],
    ['BR', 'br'],
    ['*', 'br'],
    ['*, br;q=0', 'gzip'],
    ['gzip;q=0, br;q=0', undefined],
  ])('%j → %s', (header, expected) => {
    expect(chooseEncoding(header)).toBe(expected);
  });
});
