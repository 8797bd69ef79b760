import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { subscribe } from '../support/sse.js';
import { startGatewayProcess, type GatewayProcess } from './support/gateway-process.js';

/**
 * The live tail in the real gateway process, on the embedded sample upstream (which
 * writes new logs on its own): a subscription sees them arrive, and SIGTERM
 * completes every open stream before the process exits 0.
 */

const CALLER = { authorization: 'Bearer tail-token', 'x-tenant': 'tail.cloudcockpit.example' };
const TAIL = 'subscription { auditLogAdded { cursor node { auditLogId timestamp operation } } }';

let gateway: GatewayProcess | undefined;

afterEach(async () => {
  await gateway?.stop('SIGKILL');
  gateway = undefined;
});

describe('live tail in the gateway process', () => {
  it('streams the embedded upstream\'s new logs, and SIGTERM completes every open stream, over SSE and WebSocket', async () => {
    gateway = await startGatewayProcess({ UPSTREAM_URL: '', TAIL_POLL_MS: '1000', SHUTDOWN_TIMEOUT_MS: '20000' });
    const endpoint = `${gateway.url}/graphql`;
    const watching = await subscribe(endpoint, TAIL, undefined, CALLER);
    const other = await subscribe(endpoint, TAIL, undefined, { ...CALLER, authorization: 'Bearer another-token' });
    // A WebSocket subscriber (graphql-transport-ws, as graphql-ws clients speak it).
    const socket = new WebSocket(endpoint.replace('http', 'ws'), 'graphql-transport-ws');
    const messages: Array<{ type: string }> = [];
    const acknowledged = new Promise<void>((resolve) =>
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as { type: string };
        messages.push(message);
        if (message.type === 'connection_ack') resolve();
      }),
    );
    const socketClosed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await new Promise((resolve) => socket.on('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: 'Bearer ws-tail-token', 'X-Tenant': CALLER['x-tenant'] } }));
    // The protocol's order: a subscribe sent before the server's ack is closed with 4401.
    await acknowledged;
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: TAIL } }));
    expect(watching.status).toBe(200);
    // The sample upstream writes a log every few seconds; generous for a busy machine.
    await watching.waitForResults(1, 60_000);
    expect(watching.results[0]!.errors).toBeUndefined();
    expect(watching.results[0]!.data!.auditLogAdded.node.auditLogId).toEqual(expect.any(String));

    const exited = gateway.stop('SIGTERM');
    expect(await watching.finished).toBe('complete');
    expect(await other.finished).toBe('complete');
    // The socket's subscription completes, then the socket closes as "going away".
    expect(await socketClosed).toBe(1001);
    expect(messages.map((message) => message.type)).toContain('complete');
    expect(await exited).toBe(0);
    const ended = gateway.output.filter((line) => line.includes('live tail ended'));
    expect(ended).toHaveLength(3);
    for (const line of ended) expect(JSON.parse(line)).toMatchObject({ reason: 'server shutting down' });
    // Never a token in the log.
    for (const line of gateway.output) expect(line).not.toMatch(/tail-token|another-token|ws-tail-token/);
  });
});
