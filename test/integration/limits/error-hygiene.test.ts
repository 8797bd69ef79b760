import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLER, startHarness, type Harness } from '../../support/harness.js';

/**
 * Error hygiene at the edges: what an upstream server failure may tell a client, request
 * errors that are the caller's (400, not a masked 200), nothing of the request echoed
 * back, and a code on every error, whatever raised it.
 */

let h: Harness;
let savedNodeEnv: string | undefined;

beforeAll(async () => {
  // What an operator runs: yoga and the gateway read NODE_ENV when built.
  savedNodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  h = await startHarness();
});

afterAll(async () => {
  await h.close();
  process.env.NODE_ENV = savedNodeEnv;
});

interface LogLine {
  msg: string;
  correlationId?: string;
  upstreamWithheld?: Array<{ status: number; description?: string; errors?: unknown }>;
  [key: string]: unknown;
}

const logLines = (): LogLine[] =>
  h.logs.flatMap((chunk) => chunk.split('\n').filter(Boolean)).map((line) => JSON.parse(line) as LogLine);

const PAGE = '{ auditLogs(first: 2) { nodes { id } } }';

describe('an upstream 5xx', () => {
  const internals = 'SqlException: timeout on db-primary.internal:1433';
  const detail = { field: 'connection', message: 'pool exhausted on 10.20.30.40' };

  it('reaches the client as { status, type } only, and its description and errors reach the log line with the correlation id', async () => {
    h.sample.faults.add({
      action: { type: 'status', status: 500, body: { statusCode: 500, type: 'InternalServerError', description: internals, correlationId: null, errors: [detail] } },
    });
    try {
      const response = await h.graphql(PAGE);
      const [error, ...more] = response.body.errors ?? [];
      expect(more).toEqual([]);
      expect(error?.extensions?.code).toBe('UPSTREAM_ERROR');
      expect(error?.extensions?.upstream).toStrictEqual({ status: 500, type: 'InternalServerError' });
      const text = h.exchanges.at(-1)!.body;
      expect(text).not.toContain('SqlException');
      expect(text).not.toContain('10.20.30.40');

      const correlationId = String(response.headers['x-correlation-id']);
      const line = logLines().find((l) => l.msg === 'graphql operation' && l.correlationId === correlationId);
      expect(line?.upstreamWithheld).toEqual([{ path: ['auditLogs'], status: 500, description: internals, errors: [detail] }]);
    } finally {
      h.sample.faults.clear();
    }
  });

  it('keeps a 4xx body for the client (it is about the caller\'s request)', async () => {
    h.sample.faults.add({ action: { type: 'status', status: 400 }, times: 1 });
    try {
      const [error] = (await h.graphql(PAGE)).body.errors ?? [];
      expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(error?.extensions?.upstream).toMatchObject({ status: 400, description: expect.any(String) });
    } finally {
      h.sample.faults.clear();
    }
  });
});

describe('request errors', () => {
  it('GET with variables that are not JSON is a 400 request error', async () => {
    const before = h.sample.requests.length;
    const url = `${h.url}/graphql?query=${encodeURIComponent('query($n: Int) { auditLogs(first: $n) { totalCount } }')}&variables=${encodeURIComponent('{"n": 1')}`;
    const response = await request(url, { headers: { ...CALLER, accept: 'application/graphql-response+json, application/json' } });
    const body = (await response.body.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(response.statusCode).toBe(400);
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]!.extensions.code).toBe('BAD_REQUEST');
    expect(body.errors[0]!.message).toContain('variables');
    expect(h.sample.requests.length).toBe(before);
  });

  it('GET with valid JSON variables still works', async () => {
    const url = `${h.url}/graphql?query=${encodeURIComponent('query($n: Int) { auditLogs(first: $n) { nodes { id } } }')}&variables=${encodeURIComponent('{"n": 1}')}`;
    const response = await request(url, { headers: { ...CALLER, accept: 'application/graphql-response+json' } });
    const body = (await response.body.json()) as { data?: { auditLogs: { nodes: unknown[] } }; errors?: unknown };
    expect(response.statusCode).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.auditLogs.nodes).toHaveLength(1);
  });

  it.each(['application/json', 'application/graphql-response+json'])(
    'a malformed JSON body (Accept: %s) is a 400 that does not echo the body back',
    async (accept) => {
      const secret = 'do-not-echo-4f7c2a';
      const response = await request(`${h.url}/graphql`, {
        method: 'POST',
        headers: { ...CALLER, 'content-type': 'application/json', accept },
        body: `{"query": "{ __typename }", "${secret}": `,
      });
      const text = await response.body.text();
      expect(response.statusCode).toBe(400);
      expect(text).not.toContain(secret);
      expect(text).not.toContain('originalError');
      const body = JSON.parse(text) as { errors: Array<{ extensions: Record<string, unknown> }> };
      expect(body.errors.map((e) => e.extensions.code)).toEqual(['BAD_REQUEST']);
    },
  );
});

describe('every error has a code', () => {
  const codesOf = (errors: Array<{ extensions?: Record<string, unknown> }> | undefined) => (errors ?? []).map((e) => e.extensions?.code);

  it.each([
    ['a subscription the schema does not serve', 'subscription { nope }'],
    ['an operation name the document does not hold', { query: 'query A { __typename }', operationName: 'B' }],
    ['two operations and no name', 'query A { __typename } query B { __typename }'],
    ['a variable of the wrong type', { query: 'query($n: Int!) { auditLogs(first: $n) { totalCount } }', variables: { n: 'x' } }],
    ['a missing required variable', 'query($n: Int!) { auditLogs(first: $n) { totalCount } }'],
    ['a field that does not exist', '{ auditLogs { nope } }'],
    ['a syntax error', '{ auditLogs('],
  ] as const)('%s', async (_name, operation) => {
    const body = typeof operation === 'string' ? { query: operation } : operation;
    const response = await request(`${h.url}/graphql`, {
      method: 'POST',
      headers: { ...CALLER, 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify(body),
    });
    const parsed = (await response.body.json()) as { errors?: Array<{ extensions?: Record<string, unknown> }> };
    expect(parsed.errors?.length).toBeGreaterThan(0);
    for (const code of codesOf(parsed.errors)) expect(code, JSON.stringify(parsed.errors)).toEqual(expect.any(String));
  });


  it('an operationName that is not a string is a 400 request error (it crashed the operation log)', async () => {
    const response = await request(`${h.url}/graphql`, {
      method: 'POST',
      headers: { ...CALLER, 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: '{ __typename }', operationName: 5 }),
    });
    expect(response.statusCode).toBe(400);
    const body = (await response.body.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(body.errors.map((e) => e.extensions.code)).toEqual(['BAD_REQUEST']);
    expect(body.errors[0]!.message).toContain('operationName');
  });

  it('an error streamed over SSE has a code too', async () => {
    const response = await request(`${h.url}/graphql`, {
      method: 'POST',
      headers: { ...CALLER, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: 'subscription { __typename }' }),
    });
    const text = await response.body.text();
    const events = text
      .split('\n')
      .filter((line) => line.startsWith('data: {'))
      .map((line) => JSON.parse(line.slice('data: '.length)) as { errors?: Array<{ extensions?: Record<string, unknown> }> });
    const errors = events.flatMap((event) => event.errors ?? []);
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error.extensions?.code, JSON.stringify(error)).toEqual(expect.any(String));
  });
});
