import { request } from 'undici';

/** One GraphQL-over-SSE `next` payload. */
export interface SseResult {
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, any> }>;
}

export interface SseSubscription {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Every `next` payload so far, in order. */
  results: SseResult[];
  /** The `id:` line of each `next` event (undefined where it had none), aligned with `results`. */
  eventIds: Array<string | undefined>;
  /** Calls `listener` with each `next` payload, those so far first, and once with null when the stream ends. */
  onResult(listener: (result: SseResult | null, eventId?: string) => void): void;
  /** Comment lines (keep-alive pings) received so far. */
  pings: number;
  /** Resolves when the server sent `complete` or closed the stream. */
  finished: Promise<'complete' | 'closed'>;
  /** Waits until `count` results arrived (or the stream ended); rejects after `timeoutMs`. */
  waitForResults(count: number, timeoutMs?: number): Promise<SseResult[]>;
  /** The client goes away (the connection is closed). */
  close(): void;
}

/**
 * A GraphQL subscription over SSE (`Accept: text/event-stream`, yoga's protocol): a
 * real HTTP request over loopback whose event stream is parsed as it arrives.
 * `document` is the query text, or the request's other parameters as sent (a
 * persisted document's id, say).
 */
export async function subscribe(
  endpoint: string,
  document: string | Record<string, unknown>,
  variables: Record<string, unknown> | undefined,
  headers: Record<string, string>,
): Promise<SseSubscription> {
  const abort = new AbortController();
  const response = await request(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify(typeof document === 'string' ? { query: document, variables } : { ...document, variables }),
    signal: abort.signal,
  });
  const results: SseResult[] = [];
  const eventIds: Array<string | undefined> = [];
  const listeners: Array<(result: SseResult | null, eventId?: string) => void> = [];
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of waiters) waiter();
  };
  let ended = false;
  const subscription: SseSubscription = {
    status: response.statusCode,
    headers: response.headers,
    results,
    eventIds,
    onResult(listener) {
      // Those that came before it was added first, so none is missed.
      results.forEach((result, i) => listener(result, eventIds[i]));
      if (ended) listener(null);
      else listeners.push(listener);
    },
    pings: 0,
    finished: undefined as never,
    async waitForResults(count, timeoutMs = 20_000) {
      if (results.length >= count || ended) return results;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`waited ${timeoutMs} ms for ${count} results, got ${results.length}: ${JSON.stringify(results)}`));
        }, timeoutMs);
        const check = () => {
          if (results.length >= count || ended) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve();
          }
        };
        waiters.add(check);
      });
      return results;
    },
    close() {
      abort.abort();
    },
  };
  subscription.finished = (async () => {
    let buffer = '';
    let outcome: 'complete' | 'closed' = 'closed';
    try {
      for await (const chunk of response.body) {
        buffer += String(chunk);
        let at: number;
        while ((at = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          let event = 'message';
          let id: string | undefined;
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) subscription.pings += 1;
            else if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('id:')) id = line.slice(3).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
          }
          if (event === 'next') {
            const result = JSON.parse(data.join('\n')) as SseResult;
            results.push(result);
            eventIds.push(id);
            for (const listener of listeners) listener(result, id);
          }
          if (event === 'complete') outcome = 'complete';
          wake();
        }
      }
    } catch {
      // aborted by close()
    }
    ended = true;
    wake();
    for (const listener of listeners) listener(null);
    return outcome;
  })();
  return subscription;
}
