import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { subscribe } from '../../../support/sse.js';

/**
 * A live-tail subscriber that does what a frontend does when its stream ends (a
 * replica shut down): it subscribes again at once with the last cursor it saw, so it
 * should miss nothing and see nothing twice. Over SSE (a POST per stream) or
 * WebSocket (a new socket per stream, as graphql-ws clients reconnect).
 */

const TAIL = 'subscription ($after: String) { auditLogAdded(after: $after) { cursor node { auditLogId } } }';

export interface ResilientTail {
  /** Every log received, in order, across reconnections. */
  readonly ids: string[];
  /** Streams opened (the first and each reconnection). */
  readonly streams: number;
  /** Stops subscribing again; ends the current stream. */
  stop(): Promise<void>;
}

type Edge = { cursor: string; node: { auditLogId: string } };

export function resilientTail(kind: 'sse' | 'ws', url: string, headers: Record<string, string>): ResilientTail {
  const ids: string[] = [];
  let after: string | undefined;
  let streams = 0;
  let stopped = false;
  let closeCurrent: () => void = () => {};
  const take = (edge: Edge | undefined) => {
    if (!edge) return;
    ids.push(edge.node.auditLogId);
    after = edge.cursor;
  };

  const sseStream = async (): Promise<void> => {
    const sub = await subscribe(`${url}/graphql`, TAIL, after === undefined ? undefined : { after }, headers);
    if (sub.status !== 200) throw new Error(`SSE answered ${sub.status}`);
    closeCurrent = () => sub.close();
    await new Promise<void>((resolve) => sub.onResult((result) => (result === null ? resolve() : take(result.data?.auditLogAdded as Edge | undefined))));
  };

  const wsStream = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const client = createClient({
        url: `${url.replace(/^http/, 'ws')}/graphql`,
        connectionParams: { Authorization: headers.authorization, 'X-Tenant': headers['x-tenant'] },
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        shouldRetry: () => false,
      });
      const done = () => {
        void client.dispose();
        resolve();
      };
      closeCurrent = done;
      client.subscribe<{ auditLogAdded: Edge }>({ query: TAIL, variables: after === undefined ? {} : { after } }, {
        next: (result) => take(result.data?.auditLogAdded),
        error: done,
        complete: done,
      });
    });

  const loop = (async () => {
    while (!stopped) {
      streams += 1;
      try {
        await (kind === 'sse' ? sseStream() : wsStream());
      } catch {
        // Refused or cut before it opened (a replica going away): try again shortly.
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  })();

  return {
    ids,
    get streams() {
      return streams;
    },
    async stop() {
      stopped = true;
      closeCurrent();
      await loop;
    },
  };
}
