import type { ExecutionResult, GraphQLError } from 'graphql';
import { createGraphQLError, isAsyncIterable, type Plugin } from 'graphql-yoga';
import { requestState } from '../observability/request-state.js';

/**
 * The HTTP transports of a subscription, one stream per request: GraphQL over SSE
 * (yoga's protocol, graphql-sse's "distinct connections", a browser's EventSource),
 * with an `id:` on each event that carries a log, and Apollo's multipart HTTP
 * subscriptions (Apollo Client's default HttpLink), with heartbeats. The other
 * transports, single-connection SSE and WebSocket, have their own modules.
 */

const EVENT_STREAM = 'text/event-stream';
const MULTIPART = 'multipart/mixed';

/** Media types a subscription is streamed in over plain HTTP. */
export const STREAMING_MEDIA_TYPES: readonly string[] = [EVENT_STREAM, MULTIPART];

/** SSE comments that keep idle connections (and the proxies on their way) open. */
const SSE_KEEP_ALIVE_MS = 12_000;
/** Apollo's protocol: an empty part every few seconds while nothing happens. */
const MULTIPART_HEARTBEAT_MS = 5_000;

/**
 * The media types an Accept header admits, lower-cased, without parameters; an
 * absent header admits anything, as for yoga. Pure.
 */
export function acceptedMediaTypes(accept: string | null): string[] {
  return (accept ?? '*/*')
    .toLowerCase()
    .split(',')
    .map((part) => part.split(';')[0]!.trim())
    .filter((type) => type !== '');
}

/** Whether an accepted media type (possibly a `*` range) covers `wanted`. Pure. */
function covers(accepted: string, wanted: string): boolean {
  const [type, subtype] = accepted.split('/');
  const [wantedType, wantedSubtype] = wanted.split('/');
  return (type === '*' || type === wantedType) && (subtype === '*' || subtype === wantedSubtype);
}

/** The streaming media type a response to this Accept header may use, SSE first; null for none. Pure. */
export function streamingMediaType(accept: string | null): string | null {
  const accepted = acceptedMediaTypes(accept);
  for (const wanted of STREAMING_MEDIA_TYPES) if (accepted.some((type) => covers(type, wanted))) return wanted;
  return null;
}

/**
 * A subscription starts only where it can be delivered: over HTTP, a request whose
 * Accept admits no stream is refused with 406 before the subscription runs (a stream
 * started and never read would hold a live-tail slot and a poller). A stream no
 * transport takes is ended at once. Other transports (a WebSocket) carry no HTTP
 * request of their own in the context and are left alone.
 */
export function useSubscriptionTransports(): Plugin {
  return {
    onSubscribe({ args, setResultAndStopExecution }) {
      const request = (args.contextValue as { request?: Request }).request;
      if (request === undefined || streamingMediaType(request.headers.get('accept')) !== null) return;
      setResultAndStopExecution({
        errors: [
          createGraphQLError(`Subscriptions are sent as a stream: ask for one of ${STREAMING_MEDIA_TYPES.join(', ')} in Accept.`, {
            extensions: { code: 'BAD_REQUEST', http: { status: 406, headers: { accept: STREAMING_MEDIA_TYPES.join(', ') } } },
          }),
        ],
      });
    },
    onResultProcess({ request, result, setResultProcessor }) {
      if (!isAsyncIterable(result)) return;
      const mediaType = streamingMediaType(request.headers.get('accept'));
      if (mediaType === EVENT_STREAM) {
        const ids = (requestState(request).eventIds ??= []);
        setResultProcessor((stream, fetchAPI) => eventStream(stream as AsyncIterable<ExecutionResult>, fetchAPI, () => ids.shift() ?? null), EVENT_STREAM);
      } else if (mediaType === MULTIPART) {
        setResultProcessor((stream, fetchAPI) => multipartStream(stream as AsyncIterable<ExecutionResult>, fetchAPI), MULTIPART);
      } else {
        // No transport takes it: nobody will read it.
        void result[Symbol.asyncIterator]().return?.();
      }
    },
  };
}

type FetchAPI = { Response: typeof Response; ReadableStream: typeof ReadableStream; TextEncoder: typeof TextEncoder };

/**
 * A stream of results as an HTTP body, pulled as the client reads: `encode` turns
 * each result into bytes, `idle` is sent every `idleMs` while nothing else is, and
 * `opening`/`closing` frame it. Cancelled by the client, it returns the iterator, so
 * the subscription behind it ends.
 */
function streamBody(
  results: AsyncIterable<ExecutionResult>,
  fetchAPI: FetchAPI,
  parts: { opening: string; encode(result: ExecutionResult): string; idle: string; idleMs: number; closing: string },
): ReadableStream<Uint8Array> {
  const encoder = new fetchAPI.TextEncoder();
  const iterator = results[Symbol.asyncIterator]();
  let idle: ReturnType<typeof setInterval> | undefined;
  return new fetchAPI.ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(parts.opening));
      idle = setInterval(() => {
        // null: errored or closed; 0: the client is not reading, so nothing more is queued.
        if (controller.desiredSize === null) clearInterval(idle);
        else if (controller.desiredSize > 0) controller.enqueue(encoder.encode(parts.idle));
      }, parts.idleMs);
    },
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (!next.done && next.value != null) controller.enqueue(encoder.encode(parts.encode(next.value)));
        if (next.done) {
          clearInterval(idle);
          controller.enqueue(encoder.encode(parts.closing));
          controller.close();
        }
      } catch (error) {
        clearInterval(idle);
        controller.error(error);
      }
    },
    async cancel() {
      clearInterval(idle);
      await iterator.return?.();
    },
  });
}

/** GraphQL over SSE, yoga's protocol, with each log's cursor as the event's `id:` (EventSource resends it as Last-Event-ID). */
function eventStream(results: AsyncIterable<ExecutionResult>, fetchAPI: FetchAPI, nextId: () => string | null): Response {
  const body = streamBody(results, fetchAPI, {
    // A first comment: some browsers wait for a byte before they report the stream open.
    opening: ':\n\n',
    encode(result) {
      const id = result.data != null ? nextId() : null;
      return `event: next\n${id === null ? '' : `id: ${id}\n`}data: ${serialize(result)}\n\n`;
    },
    idle: ':\n\n',
    idleMs: SSE_KEEP_ALIVE_MS,
    closing: 'event: complete\ndata:\n\n',
  });
  return new fetchAPI.Response(body, {
    status: 200,
    headers: { 'content-type': 'text/event-stream', connection: 'keep-alive', 'cache-control': 'no-cache', 'content-encoding': 'none' },
  });
}

/**
 * Apollo's multipart HTTP subscriptions: each result a part `{"payload": …}`, `{}` as
 * heartbeat. Every part is followed by the boundary at once, so a client can read it
 * without waiting for the next one; `--` after the last boundary ends the stream.
 */
function multipartStream(results: AsyncIterable<ExecutionResult>, fetchAPI: FetchAPI): Response {
  const part = (json: string) => `\r\ncontent-type: application/json; charset=utf-8\r\n\r\n${json}\r\n--graphql`;
  const body = streamBody(results, fetchAPI, {
    opening: `\r\n--graphql${part('{}')}`,
    encode: (result) => part(`{"payload":${serialize(result)}}`),
    idle: part('{}'),
    idleMs: MULTIPART_HEARTBEAT_MS,
    closing: '--\r\n',
  });
  return new fetchAPI.Response(body, {
    status: 200,
    headers: { 'content-type': 'multipart/mixed;boundary="graphql";subscriptionSpec=1.0', connection: 'keep-alive', 'cache-control': 'no-cache', 'content-encoding': 'none' },
  });
}

/** A result as JSON, its errors without what only the server reads (`extensions.http`, as yoga leaves it out). */
function serialize(result: ExecutionResult): string {
  if (!result.errors?.length) return JSON.stringify(result);
  const errors = result.errors.map((error) => {
    const json = (error as GraphQLError).toJSON?.() ?? error;
    const { http: _http, ...extensions } = (json.extensions ?? {}) as Record<string, unknown>;
    return { ...json, extensions: Object.keys(extensions).length > 0 ? extensions : undefined };
  });
  return JSON.stringify({ ...result, errors });
}
