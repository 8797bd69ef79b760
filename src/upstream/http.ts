import type { Dispatcher, Pool } from 'undici';

/** undici helpers for one request on our pool: a deadline that holds while queued, bounded body reads. */

export type ResponseBody = Dispatcher.ResponseData['body'];

const noop = (): void => {};

/**
 * `pool.request`, settled by the signal even while the request waits in the pool's
 * queue: undici only looks at the signal of a queued request once a connection takes
 * it, so with every connection busy a deadline would otherwise be missed.
 */
export function requestWithin(
  pool: Pool,
  options: Dispatcher.RequestOptions & { signal: AbortSignal },
): Promise<Dispatcher.ResponseData> {
  const { signal } = options;
  const pending = pool.request(options);
  return new Promise<Dispatcher.ResponseData>((resolve, reject) => {
    let settled = false;
    const onAbort = (): void => {
      if (settled) return;
      settled = true;
      reject(signal.reason);
      // If a response still arrives, drop it so its socket is freed.
      pending.then((late) => discard(late.body), noop);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (response) => {
        signal.removeEventListener('abort', onAbort);
        if (settled) return discard(response.body);
        settled = true;
        resolve(response);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        if (settled) return;
        settled = true;
        reject(err);
      },
    );
  });
}

/**
 * Waits for the connection that carried a finished response to be usable again.
 * undici (pipelining 1) hands a keep-alive socket back to its pool only on the next
 * `setImmediate` after the response ends; a caller that made its next call sooner
 * (two sequential upstream calls for one page) would open a second connection.
 */
export function socketReleased(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Reads a body to the end as UTF-8, or returns undefined (and destroys the body)
 * once it exceeds `limit` bytes. Either way the body is consumed or destroyed, so the
 * connection goes back to the pool or is closed.
 */
export async function readText(
  body: ResponseBody,
  limit: number,
  contentLength?: string | string[],
): Promise<string | undefined> {
  if (Number(contentLength) > limit) {
    discard(body);
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        discard(body);
        return undefined;
      }
      chunks.push(chunk);
    }
  } catch (err) {
    discard(body);
    throw err;
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

/**
 * Drops a body we will not read and closes its connection. undici reports the
 * destruction of an unread body as an 'error' event; unheard, that would be an
 * uncaught exception.
 */
export function discard(body: ResponseBody): void {
  body.on('error', noop);
  body.destroy();
}
