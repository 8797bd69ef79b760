import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import { CALLER } from '../../support/harness.js';
import { useHarness } from '../../support/use-harness.js';

/** useBodyLimit: the declared size is checked up front, a chunked body is counted as it arrives. */

const LIMIT = 2_048;
const QUERY = '{ auditLogs(first: 1) { totalCount } }';
const h = useHarness({ config: { bodyLimitBytes: LIMIT } });

const body = (padding: number) => JSON.stringify({ query: QUERY, variables: { padding: 'x'.repeat(padding) } });
const post = (payload: string | Readable) =>
  request(`${h.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...CALLER }, body: payload });

describe('the request body limit', () => {
  it('executes a body of exactly the limit, with or without Content-Length', async () => {
    const exact = body(LIMIT - body(0).length);
    expect(Buffer.byteLength(exact)).toBe(LIMIT);
    const declared = await post(exact);
    expect(declared.statusCode).toBe(200);
    expect(await declared.body.json()).toEqual({ data: { auditLogs: { totalCount: 5000 } } });

    const chunked = await post(Readable.from([exact.slice(0, 1_000), exact.slice(1_000)]));
    expect(chunked.statusCode).toBe(200);
    expect(await chunked.body.json()).toEqual({ data: { auditLogs: { totalCount: 5000 } } });
  });

  it('refuses one byte more with 413, declared or chunked, and the connection stays usable', async () => {
    const over = body(LIMIT - body(0).length + 1);
    const declared = await post(over);
    expect(declared.statusCode).toBe(413);
    expect(((await declared.body.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');

    const chunked = await post(Readable.from([over.slice(0, 1_000), over.slice(1_000)]));
    expect(chunked.statusCode).toBe(413);
    await chunked.body.dump();

    const after = await post(body(10));
    expect(after.statusCode).toBe(200);
    await after.body.dump();
    expect(h.sample.requests).toHaveLength(3);
  });
});
