import { expect, it } from 'vitest';
import { CALLER } from '../../support/harness.js';
import { useHarness } from '../../support/use-harness.js';

/** The caller's tracestate goes upstream only well-formed and with a valid traceparent, else not at all (docs/limits.md). */

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const PAGE = '{ auditLogs(first: 1) { totalCount } }';

const h = useHarness();

/** What the upstream received for one operation sent with these trace headers. */
async function sentUpstream(trace: Record<string, string>) {
  const before = h.sample.requests.length;
  const response = await h.graphql(PAGE, undefined, { ...CALLER, ...trace });
  expect(response.body.errors).toBeUndefined();
  const sent = h.sample.requests.slice(before);
  expect(sent).toHaveLength(1);
  return sent[0]!.headers;
}

it('passes a well-formed tracestate with a valid traceparent on verbatim', async () => {
  const tracestate = 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7';
  const headers = await sentUpstream({ traceparent: TRACEPARENT, tracestate });
  expect(headers.tracestate).toBe(tracestate);
  expect(String(headers.traceparent)).toContain('4bf92f3577b34da6a3ce929d0e0e4736');
});

it.each([
  ['a malformed member', 'congo=t61rcWkgMzE,Not A Member,rojo=1'],
  ['33 members', Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(',')],
  ['more than 512 characters', `a=${'x'.repeat(255)},b=${'y'.repeat(255)},c=z`],
  ['a duplicate key', 'rojo=1,rojo=2'],
])('drops a tracestate with %s, and keeps the trace', async (_name, tracestate) => {
  const headers = await sentUpstream({ traceparent: TRACEPARENT, tracestate });
  expect(headers.tracestate).toBeUndefined();
  expect(String(headers.traceparent)).toContain('4bf92f3577b34da6a3ce929d0e0e4736');
});

it.each([
  ['no traceparent', {}],
  ['an invalid traceparent', { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-not-a-span-01' }],
])('drops a well-formed tracestate sent with %s', async (_name, trace) => {
  const headers = await sentUpstream({ ...trace, tracestate: 'congo=t61rcWkgMzE' });
  expect(headers.tracestate).toBeUndefined();
  expect(String(headers.traceparent)).not.toContain('4bf92f3577b34da6a3ce929d0e0e4736');
});
