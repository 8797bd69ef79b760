import { connect } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { CALLER } from '../../support/harness.js';
import { useHarness } from '../../support/use-harness.js';
import type { SseSubscription } from '../../support/sse.js';
import { eventually, idsOf, metric, openTail, pollsBy, sleep, TAIL, TAIL_CONFIG, waitForPolls } from './support.js';

/**
 * What a live-tail subscription holds when it never really started or its reader
 * stopped: nothing, or a bounded amount. Each shape here once left a cap slot and a
 * poller behind, or grew memory with every event.
 */

const h = useHarness({ config: { ...TAIL_CONFIG, tailMaxPerCaller: 5, tailMax: 6, tailMaxQueue: 20, upstreamMaxResponseBytes: 64 * 1024 * 1024 } });
const open: SseSubscription[] = [];

afterEach(async () => {
  h.sample.faults.clear();
  for (const sub of open.splice(0)) sub.close();
  await eventually(() => metric(h, 'gateway_tail_subscriptions'), 0);
  await eventually(() => metric(h, 'gateway_tail_pollers'), 0);
});

async function tail(headers: Record<string, string>, variables?: Record<string, unknown>) {
  const sub = await openTail(h, headers, variables);
  open.push(sub);
  return sub;
}

const caller = (name: string) => ({ authorization: `Bearer token-${name}`, 'x-tenant': `${name}.cloudcockpit.example` });

describe('live tail: nothing that fails to start holds anything', () => {
  it('refuses a subscription whose Accept admits no event stream with 406, before it starts', async () => {
    const lone = caller('lone');
    for (let i = 0; i < 7; i++) {
      const response = await request(`${h.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...lone },
        body: JSON.stringify({ query: TAIL }),
      });
      const body = (await response.body.json()) as { errors?: Array<{ extensions?: Record<string, unknown> }> };
      expect(response.statusCode).toBe(406);
      expect(response.headers.accept).toContain('text/event-stream');
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    }
    // Seven refusals, past both caps: no slot, no poller, and nobody polls for them.
    expect(await metric(h, 'gateway_tail_subscriptions')).toBe(0);
    expect(await metric(h, 'gateway_tail_pollers')).toBe(0);
    await sleep(3 * TAIL_CONFIG.tailPollMs);
    expect(pollsBy(h, lone.authorization)).toHaveLength(0);
    // Every other caller can still subscribe.
    const other = await tail(caller('other'));
    await waitForPolls(h, caller('other').authorization, 1);
    expect(other.results).toHaveLength(0);
  });

  it('holds no slot and starts no poller for a client that left while its cursor was resolved', async () => {
    const page = await h.graphql<{ auditLogs: { pageInfo: { endCursor: string } } }, unknown>('{ auditLogs(first: 3) { pageInfo { endCursor } } }');
    const after = page.body.data!.auditLogs.pageInfo.endCursor;
    const leaver = caller('leaver');
    // The read that places a page cursor is slow; the client gives up before it answers.
    h.sample.faults.add({ times: 1, action: { type: 'delay', ms: 1_500 } });
    const abort = new AbortController();
    const pending = request(`${h.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...leaver },
      body: JSON.stringify({ query: TAIL, variables: { after } }),
      signal: abort.signal,
    });
    await sleep(300);
    abort.abort();
    await pending.catch(() => undefined);
    await sleep(1_500 + 4 * TAIL_CONFIG.tailPollMs);
    expect(await metric(h, 'gateway_tail_subscriptions')).toBe(0);
    expect(await metric(h, 'gateway_tail_pollers')).toBe(0);
    // The read that placed the cursor (one timestamp, start = end) is the only upstream call: no poll.
    const calls = h.sample.requests.filter((r) => r.headers.authorization === leaver.authorization);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.query.StartDate).toBe(calls[0]!.query.EndDate);
    expect(h.logs.join('')).not.toMatch(/"msg":"live tail opened"[^\n]*"resumed":true/);
  });
});

describe('live tail: one caller however the headers are spelled', () => {
  it('counts every spelling of one token and tenant against one cap and shares one poller', async () => {
    const spellings = ['Bearer spelled-token', 'bearer spelled-token', 'BEARER spelled-token', 'Bearer   spelled-token', 'bEaReR spelled-token', 'BeArEr  spelled-token'];
    const tenants = ['spelled.cloudcockpit.example', 'SPELLED.CloudCockpit.Example'];
    const codes: string[] = [];
    for (const authorization of spellings) {
      for (const tenant of tenants) {
        const sub = await tail({ authorization, 'x-tenant': tenant });
        // A refused stream ends at once with its error; an open one stays open.
        const ended = await Promise.race([sub.finished.then(() => true), sleep(400).then(() => false)]);
        codes.push(ended ? (sub.results[0]?.errors?.[0]?.extensions?.code ?? 'ENDED') : 'OPEN');
      }
    }
    expect(codes.filter((code) => code === 'OPEN')).toHaveLength(5);
    expect(codes.filter((code) => code === 'RATE_LIMITED')).toHaveLength(7);
    expect(await metric(h, 'gateway_tail_pollers')).toBe(1);
    // The headers still go upstream exactly as the first subscriber sent them.
    await waitForPolls(h, 'Bearer spelled-token', 1);
    expect(h.sample.requests.filter((r) => /spelled-token/.test(String(r.headers.authorization))).every((r) => r.headers.authorization === 'Bearer spelled-token')).toBe(true);
  });
});

describe('live tail: a reader that stops reading', () => {
  // A short lookback keeps each poll small while large logs fill the socket's buffers.
  const slowHarness = useHarness({ config: { ...TAIL_CONFIG, tailLookbackMs: 1_000, tailMaxQueue: 20, upstreamMaxResponseBytes: 64 * 1024 * 1024 } });

  it('ends its stream once TAIL_MAX_QUEUE events wait unread, and frees its slot and poller', async () => {
    const g = slowHarness;
    const slow = caller('slow');
    // The large field selected, so each event is as large as its log.
    const body = JSON.stringify({ query: 'subscription { auditLogAdded { cursor node { auditLogId details } } }' });
    const socket = connect(Number(new URL(g.url).port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\n` +
        `Authorization: ${slow.authorization}\r\nX-Tenant: ${slow['x-tenant']}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    // Never read what the gateway sends: the socket's buffers fill, then the stream's queue.
    socket.pause();
    try {
      await eventually(() => metric(g, 'gateway_tail_subscriptions'), 1);
      await waitForPolls(g, slow.authorization, 1);
      const details = 'x'.repeat(64 * 1024);
      let written = 0;
      // Large logs, a few per poll, until the gateway gives up on the reader (or far past the buffers' size).
      while ((await metric(g, 'gateway_tail_subscriptions')) > 0 && written < 5_000) {
        for (let i = 0; i < 50; i++) g.sample.store.insert({ details });
        written += 50;
        await sleep(2 * TAIL_CONFIG.tailPollMs);
      }
      expect(await metric(g, 'gateway_tail_subscriptions')).toBe(0);
      await eventually(() => metric(g, 'gateway_tail_pollers'), 0);
      expect(g.logs.join('')).toMatch(/"reason":"reader too slow"/);
      // What was handed to the socket before the queue filled: the buffers', not the gateway's, memory.
      expect(await metric(g, 'gateway_tail_events_total')).toBeLessThan(written);
    } finally {
      socket.destroy();
    }
  }, 120_000);
});

describe('live tail: a large group of logs sharing one timestamp', () => {
  it('is delivered to every subscriber in order, once, without stalling the server', async () => {
    const ties = caller('ties');
    const subs = await Promise.all(Array.from({ length: 5 }, () => tail(ties)));
    await waitForPolls(h, ties.authorization, 1);
    const at = new Date(Date.now() + 500).toISOString();
    const ids = new Set<string>();
    for (let i = 0; i < 8_000; i++) ids.add(h.sample.store.insert({ timestamp: at }).id);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    for (const sub of subs) await sub.waitForResults(8_000, 60_000);
    delay.disable();
    for (const sub of subs) {
      expect(new Set(idsOf(sub))).toEqual(ids);
      expect(idsOf(sub)).toHaveLength(8_000);
      expect(sub.results.every((result) => result.errors === undefined)).toBe(true);
    }
    // Linear work: handing 5 × 8000 tied logs out never blocks the event loop for seconds.
    console.log(`8000 tied logs to 5 subscribers: longest event-loop stall ${Math.round(delay.max / 1e6)} ms`);
    expect(delay.max / 1e6).toBeLessThan(1_500);
  }, 120_000);
});
