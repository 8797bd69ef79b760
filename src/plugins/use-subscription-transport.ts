import { createGraphQLError, isAsyncIterable, type Plugin } from 'graphql-yoga';

/** Media types a subscription is streamed in over plain HTTP. */
export const STREAMING_MEDIA_TYPES: readonly string[] = ['text/event-stream'];

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

/** Whether a response to this Accept header can carry a stream of events. Pure. */
export function acceptsStream(accept: string | null, streaming: readonly string[] = STREAMING_MEDIA_TYPES): boolean {
  return acceptedMediaTypes(accept).some((type) => streaming.some((wanted) => covers(type, wanted)));
}

/**
 * A subscription starts only where it can be delivered. Over HTTP, a request whose
 * Accept admits no event stream is refused with 406 before the subscription runs:
 * yoga would otherwise start it (a live-tail slot and a poller), answer 406, and
 * never end it. A stream that still finds no way to the client (a processor refused
 * it after it started) is ended at once. Other transports (a WebSocket) carry no
 * HTTP request in the context and are left alone.
 */
export function useSubscriptionTransport(streaming: readonly string[] = STREAMING_MEDIA_TYPES): Plugin {
  return {
    onSubscribe({ args, setResultAndStopExecution }) {
      const request = (args.contextValue as { request?: Request }).request;
      if (request === undefined || acceptsStream(request.headers.get('accept'), streaming)) return;
      setResultAndStopExecution({
        errors: [
          createGraphQLError(`Subscriptions are sent as a stream: ask for one of ${streaming.join(', ')} in Accept.`, {
            extensions: { code: 'BAD_REQUEST', http: { status: 406, headers: { accept: streaming.join(', ') } } },
          }),
        ],
      });
    },
    onResultProcess({ result, resultProcessor }) {
      // Runs after yoga's own processors: none chose the stream, so nobody will read it.
      if (resultProcessor === undefined && isAsyncIterable(result)) void result[Symbol.asyncIterator]().return?.();
    },
  };
}
