import { EventSource } from 'eventsource';

/**
 * The live tail as an EventSource: a GET with the subscription in the query string.
 * A browser's own EventSource cannot send Authorization or X-Tenant, so this uses
 * the `eventsource` package (the same API, in browsers and Node), which sends them
 * through its `fetch`. It reconnects by itself when a stream ends and sends the last
 * event's id as Last-Event-ID: the gateway resumes right after that log.
 */
export function openAuditLogEventSource(url: string, headers: { authorization: string; 'x-tenant': string }, query: string, variables?: Record<string, unknown>) {
  const target = new URL(url);
  target.searchParams.set('query', query);
  if (variables) target.searchParams.set('variables', JSON.stringify(variables));
  return new EventSource(target, {
    fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, ...headers } }),
  });
}
