import { request } from 'undici';
import { afterEach } from 'vitest';
import type { Harness } from '../../support/harness.js';
import { subscribe, type SseSubscription } from '../../support/sse.js';

/** Test poll interval: well under the floor the environment may set, which the factory does not apply. */
export const POLL_MS = 250;
export const TAIL_CONFIG = { tailPollMs: POLL_MS } as const;

export const TAIL = /* GraphQL */ `
  subscription Tail($filter: AuditLogFilter, $after: String) {
    auditLogAdded(filter: $filter, after: $after) { cursor node { id auditLogId timestamp operation status } }
  }
`;

export function openTail(h: Harness, headers: Record<string, string>, variables?: Record<string, unknown>): Promise<SseSubscription> {
  return subscribe(`${h.url}/graphql`, TAIL, variables, headers);
}

/**
 * Opens tail subscriptions on `h` for the tests of the enclosing `describe` (or file)
 * and closes every one a test opened once it ends.
 */
export function useTailSubscriptions(h: Harness): (headers: Record<string, string>, variables?: Record<string, unknown>) => Promise<SseSubscription> {
  const open: SseSubscription[] = [];
  afterEach(() => {
    for (const sub of open.splice(0)) sub.close();
  });
  return async (headers, variables) => {
    const sub = await openTail(h, headers, variables);
    open.push(sub);
    return sub;
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Upstream requests that were polls (the tail reads pages of 2000) made with this Authorization. */
export function pollsBy(h: Harness, authorization: string) {
  return h.sample.requests.filter((r) => r.headers.authorization === authorization && r.query.PageSize === '2000');
}

/** Waits until `count` more polls by `authorization` reached the sample upstream than `before`. */
export async function waitForPolls(h: Harness, authorization: string, count: number, timeoutMs = 20_000): Promise<void> {
  const start = pollsBy(h, authorization).length;
  const deadline = Date.now() + timeoutMs;
  while (pollsBy(h, authorization).length < start + count) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${count} polls`);
    await sleep(50);
  }
}

/** The value of one series of the gateway's /metrics (0 when absent). */
export async function metric(h: Harness, series: string): Promise<number> {
  const text = await (await request(`${h.url}/metrics`)).body.text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/** Polls `read` until it returns `expected`; fails after `timeoutMs`. */
export async function eventually<T>(read: () => Promise<T> | T, expected: T, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  while ((last = await read()) !== expected) {
    if (Date.now() > deadline) throw new Error(`expected ${String(expected)}, still ${String(last)} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

export const nodesOf = (sub: SseSubscription) => sub.results.map((r) => r.data?.auditLogAdded?.node as { auditLogId: string } | undefined);
export const idsOf = (sub: SseSubscription) => nodesOf(sub).map((n) => n?.auditLogId);
