import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import WebSocket from 'ws';
import { useHarness } from '../../support/use-harness.js';
import { TAIL_CLIENTS, TAIL_DOCUMENT, type TailClient } from '../../support/tail-clients.js';
import { eventually, metric, pollsBy, POLL_MS, sleep, waitForPolls } from './support.js';

/**
 * The same live tail through every transport a frontend client uses, each driven by
 * the real client library as docs/clients.md sets it up: SSE (distinct and single
 * connection, and an EventSource), Apollo's multipart HTTP subscriptions (Apollo
 * Client's HttpLink), and WebSocket (Apollo Client's GraphQLWsLink, urql, Relay).
 */

const h = useHarness({ config: { tailPollMs: POLL_MS, tailMaxPerCaller: 4 } });
const open: TailClient[] = [];

afterEach(async () => {
  h.sample.faults.clear();
  for (const client of open.splice(0)) client.close();
  await eventually(() => metric(h, 'gateway_tail_subscriptions'), 0);
});

const caller = (name: string) => ({ authorization: `Bearer ${name}-token`, 'x-tenant': `${name}.cloudcockpit.example` });

function tail(kind: string, headers: Record<string, string>, variables?: { after?: string }): TailClient {
  const client = TAIL_CLIENTS[kind]!(`${h.url}/graphql`, headers, variables);
  open.push(client);
  return client;
}

/** Logs written now, with distinct timestamps a few ms apart, newest last. */
function write(count: number): string[] {
  const base = Date.now();
  return Array.from({ length: count }, (_, i) => h.sample.store.insert({ timestamp: new Date(base + i).toISOString() }).id);
}

describe.each(Object.keys(TAIL_CLIENTS))('the live tail over %s', (kind) => {
  it('delivers the logs written after it began, oldest first, once; a new subscription with the last cursor gets exactly those missed', async () => {
    const who = caller(`${kind}-delivery`);
    const first = tail(kind, who);
    await waitForPolls(h, who.authorization, 1);
    await eventually(() => metric(h, 'gateway_tail_subscriptions'), 1);
    const before = write(2);
    await first.waitForEvents(2);
    // Later polls read the same logs again: still once each.
    await waitForPolls(h, who.authorization, 2);
    expect(first.events.map((event) => event.auditLogId)).toEqual(before);
    expect(first.errors).toEqual([]);
    if (kind === 'sse' || kind === 'event-source') {
      // Each SSE event that carries a log has its cursor as the event's id.
      expect(first.events.map((event) => event.eventId)).toEqual(first.events.map((event) => event.cursor));
    }

    first.close();
    await eventually(() => metric(h, 'gateway_tail_subscriptions'), 0);
    const missed = write(3);
    const again = tail(kind, who, { after: first.events.at(-1)!.cursor });
    await again.waitForEvents(3);
    await waitForPolls(h, who.authorization, 2);
    expect(again.events.map((event) => event.auditLogId)).toEqual(missed);
  });

  it('ends a subscription with a malformed token at once, UNAUTHENTICATED (a socket closed 4401, a stream reservation refused 401), with no upstream call', async () => {
    const requests = h.sample.requests.length;
    const refused = tail(kind, { authorization: 'Bearer', 'x-tenant': 'bad.cloudcockpit.example' });
    await refused.ended;
    expect(refused.errors).toEqual([kind.endsWith('-ws') ? 'WS_4401' : kind === 'single-sse' ? 'HTTP_401' : 'UNAUTHENTICATED']);
    expect(refused.events).toEqual([]);
    expect(h.sample.requests.length).toBe(requests);
  });

  it('ends the stream with UNAUTHENTICATED when the upstream refuses the token', async () => {
    const who = caller(`${kind}-rejected`);
    h.sample.faults.add({ action: { type: 'status', status: 401 } });
    const rejected = tail(kind, who);
    await rejected.ended;
    expect(rejected.errors).toEqual(['UNAUTHENTICATED']);
  });
});

describe('transports together', () => {
  it('count every transport against one per-caller cap, and share one poller', async () => {
    const who = caller('shared');
    const kinds = ['sse', 'apollo-http', 'apollo-ws', 'single-sse'];
    for (const kind of kinds) tail(kind, who);
    await eventually(() => metric(h, 'gateway_tail_subscriptions'), 4);
    expect(await metric(h, 'gateway_tail_pollers')).toBe(1);
    for (const kind of ['event-source', 'urql-ws']) {
      const over = tail(kind, who);
      await over.ended;
      expect(over.errors).toEqual(['RATE_LIMITED']);
    }
    // One poller for them all: the upstream sees one caller's polls, one per interval.
    h.sample.resetRequests();
    await sleep(10 * POLL_MS);
    expect(pollsBy(h, who.authorization).length).toBeLessThanOrEqual(11);
  });

  it('resumes an EventSource that reconnects with Last-Event-ID exactly where it left off', async () => {
    const who = caller('reconnect');
    const first = tail('event-source', who);
    await waitForPolls(h, who.authorization, 1);
    const seen = write(2);
    await first.waitForEvents(2);
    first.close();
    await eventually(() => metric(h, 'gateway_tail_subscriptions'), 0);
    const missed = write(2);
    // What a browser's EventSource does when its connection drops: the same request again, with Last-Event-ID.
    const url = new URL(`${h.url}/graphql`);
    url.searchParams.set('query', TAIL_DOCUMENT);
    const abort = new AbortController();
    const response = await request(url, { headers: { accept: 'text/event-stream', ...who, 'last-event-id': first.events.at(-1)!.eventId! }, signal: abort.signal });
    let text = '';
    for await (const chunk of response.body) {
      text += String(chunk);
      if (missed.every((id) => text.includes(id))) break;
    }
    abort.abort();
    expect(seen.some((id) => text.includes(id))).toBe(false);
    expect(missed.map((id) => text.indexOf(id))).toEqual([...missed.map((id) => text.indexOf(id))].sort((a, b) => a - b));
  });

  it('closes a socket without X-Tenant with 4403 and one with a malformed Authorization with 4401, reading credentials from connection_init or the upgrade', async () => {
    const closeCode = (headers: Record<string, string>, payload: Record<string, unknown>) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(`${h.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', { headers });
        socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload })));
        socket.on('close', (code) => resolve(code));
      });
    expect(await closeCode({}, { AUTHORIZATION: 'Bearer t' })).toBe(4403);
    expect(await closeCode({}, { 'x-tenant': 't.example' })).toBe(4401);
    expect(await closeCode({ authorization: 'Basic abc' }, { 'X-TENANT': 't.example' })).toBe(4401);
    // From the upgrade request's headers, where the payload has none: accepted (an ack, not a close).
    const acked = await new Promise<string>((resolve) => {
      const socket = new WebSocket(`${h.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', { headers: caller('upgrade') });
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
      socket.on('message', (data) => {
        resolve(JSON.parse(String(data)).type);
        socket.close();
      });
    });
    expect(acked).toBe('connection_ack');
  });
});

describe('transport details', () => {
  const tight = useHarness({ config: { tailPollMs: POLL_MS, tailMax: 2 } });

  it('sends Apollo multipart heartbeats while nothing happens', async () => {
    const abort = new AbortController();
    const response = await request(`${tight.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'multipart/mixed;boundary="graphql";subscriptionSpec=1.0,application/json', ...caller('heartbeat') },
      body: JSON.stringify({ query: TAIL_DOCUMENT }),
      signal: abort.signal,
    });
    expect(response.headers['content-type']).toBe('multipart/mixed;boundary="graphql";subscriptionSpec=1.0');
    let text = '';
    for await (const chunk of response.body) {
      text += String(chunk);
      // One at once, one after the heartbeat interval: each an empty JSON object, each followed by the boundary.
      if (text.split('\r\n\r\n{}\r\n--graphql').length - 1 >= 2) break;
    }
    abort.abort();
    expect(text.startsWith('\r\n--graphql\r\ncontent-type: application/json')).toBe(true);
  }, 30_000);

  it('reserves single-connection SSE streams only for well-formed credentials, and not past the caps', async () => {
    const reserve = async (headers: Record<string, string>) => {
      const response = await request(`${tight.url}/graphql`, { method: 'PUT', headers });
      return { status: response.statusCode, body: await response.body.text() };
    };
    const anonymous = await reserve({});
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.body).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const first = await reserve(caller('reserve'));
    const second = await reserve(caller('reserve'));
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(first.body).toMatch(/^[0-9a-f-]{36}$/);
    // Reserved and not yet opened, the streams count against TAIL_MAX: a third is refused.
    const third = await reserve(caller('reserve'));
    expect(third.status).toBe(503);
    expect(JSON.parse(third.body).errors[0].extensions.code).toBe('RATE_LIMITED');
    // Anything else at the endpoint is still the GraphQL endpoint's.
    const plain = await tight.graphql('{ __typename }');
    expect(plain.body.data).toEqual({ __typename: 'Query' });
  });
});
