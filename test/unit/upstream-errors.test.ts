import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors.js';
import { errorForTransportFailure, parseRetryAfter, statusFailure } from '../../src/upstream/errors.js';

/** The error a non-200 answer becomes. */
const errorForStatus = (...args: Parameters<typeof statusFailure>) => statusFailure(...args).error;

const NOW = Date.parse('2026-11-20T10:00:00.000Z');

const errorBody = {
  statusCode: 400,
  type: 'ValidationError',
  description: 'One or more validation errors occurred.',
  correlationId: '0b7c6a0e-0000-4000-8000-000000000003',
  errors: [{ field: 'PageSize', message: 'must be between 1 and 2000' }],
};

describe('the error of a non-200 answer', () => {
  it('maps 400 to BAD_USER_INPUT and keeps the upstream errors list', () => {
    const err = errorForStatus(400, JSON.stringify(errorBody), { 'content-type': 'application/json' });
    expect(err).toBeInstanceOf(GatewayError);
    expect(err.code).toBe('BAD_USER_INPUT');
    expect(err.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      upstream: {
        status: 400,
        type: 'ValidationError',
        description: 'One or more validation errors occurred.',
        errors: errorBody.errors,
      },
    });
  });

  it('accepts an already parsed body and a Buffer', () => {
    expect(errorForStatus(400, errorBody, {}).extensions.upstream).toMatchObject({ errors: errorBody.errors });
    expect(errorForStatus(400, Buffer.from(JSON.stringify(errorBody)), {}).extensions.upstream).toMatchObject({
      errors: errorBody.errors,
    });
  });

  it('keeps only the keys the upstream sent, nulls included', () => {
    expect(errorForStatus(400, '{"type":null,"errors":null}', {}).extensions.upstream).toEqual({
      status: 400,
      type: null,
      errors: null,
    });
    expect(errorForStatus(500, '{"description":"Boom"}', {}).extensions.upstream).toEqual({
      status: 500,
      description: 'Boom',
    });
  });

  it('reads PascalCase keys and ignores keys of the wrong type', () => {
    expect(errorForStatus(400, '{"Type":"T","Description":"D","Errors":[1]}', {}).extensions.upstream).toEqual({
      status: 400,
      type: 'T',
      description: 'D',
      errors: [1],
    });
    expect(errorForStatus(400, '{"type":5,"description":{},"errors":"many"}', {}).extensions.upstream).toEqual({
      status: 400,
    });
  });

  it.each([
    [401, 'UNAUTHENTICATED'],
    [403, 'FORBIDDEN'],
  ] as const)('maps a bodiless %i to %s with { status } only', (status, code) => {
    for (const body of [undefined, '', Buffer.alloc(0)]) {
      const err = errorForStatus(status, body, {});
      expect(err.code).toBe(code);
      expect(err.extensions).toEqual({ code, upstream: { status } });
    }
  });

  it.each([
    ['HTML', '<html><body>Unauthorized</body></html>'],
    ['plain text', 'Bearer secret-token is invalid'],
    ['a JSON array', '[1,2]'],
    ['a JSON string', '"denied"'],
    ['truncated JSON', '{"type":"x"'],
  ])('keeps { status } only for a %s body', (_name, body) => {
    for (const status of [401, 403, 500]) {
      const err = errorForStatus(status, body, {});
      expect(err.extensions.upstream).toEqual({ status });
      expect(err.message).not.toContain('secret');
    }
  });

  it('maps 429 to RATE_LIMITED with Retry-After in delta-seconds', () => {
    const err = errorForStatus(429, undefined, { 'retry-after': '120' }, NOW);
    expect(err.code).toBe('RATE_LIMITED');
    expect(err.extensions).toEqual({ code: 'RATE_LIMITED', upstream: { status: 429 }, retryAfterSeconds: 120 });
  });

  it('maps 429 with Retry-After as an HTTP-date, rounding up', () => {
    const err = errorForStatus(429, undefined, { 'retry-after': 'Fri, 20 Nov 2026 10:00:30 GMT' }, NOW - 500);
    expect(err.extensions.retryAfterSeconds).toBe(31);
  });

  it('maps 429 with a Retry-After date in the past to 0', () => {
    const err = errorForStatus(429, undefined, { 'retry-after': 'Fri, 20 Nov 2026 09:00:00 GMT' }, NOW);
    expect(err.extensions.retryAfterSeconds).toBe(0);
  });

  it('maps 429 without Retry-After, or with an unreadable one, without retryAfterSeconds', () => {
    for (const headers of [{}, { 'retry-after': 'soon' }, { 'retry-after': '' }, { 'retry-after': '-5' }]) {
      const err = errorForStatus(429, '{"description":"slow down"}', headers, NOW);
      expect(err.code).toBe('RATE_LIMITED');
      expect(err.extensions).not.toHaveProperty('retryAfterSeconds');
      expect(err.extensions.upstream).toEqual({ status: 429, description: 'slow down' });
    }
  });

  it('reads Retry-After case-insensitively and from a repeated header', () => {
    expect(errorForStatus(429, undefined, { 'Retry-After': '7' }, NOW).extensions.retryAfterSeconds).toBe(7);
    expect(errorForStatus(429, undefined, { 'retry-after': ['3', '9'] }, NOW).extensions.retryAfterSeconds).toBe(3);
  });

  it.each([500, 502, 503, 504, 418, 404, 409, 302, 204])('maps %i to UPSTREAM_ERROR', (status) => {
    const err = errorForStatus(status, JSON.stringify({ ...errorBody, statusCode: status }), {});
    expect(err.code).toBe('UPSTREAM_ERROR');
    expect(err.extensions.upstream).toMatchObject({ status, type: 'ValidationError' });
  });

  it('uses fixed messages that never repeat the body or headers', () => {
    const secretBody = JSON.stringify({ description: 'token Bearer abc.def.ghi rejected', type: 'https://api.example' });
    for (const status of [400, 401, 403, 429, 500, 503]) {
      const err = errorForStatus(status, secretBody, { 'retry-after': '1', 'www-authenticate': 'Bearer realm=x' }, NOW);
      expect(err.message).not.toMatch(/abc|https|realm/);
    }
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['0', 0],
    ['5', 5],
    [' 5 ', 5],
    ['1.2', 2],
    ['99999999999999999999', 604800],
    ['Fri, 20 Nov 2026 10:01:00 GMT', 60],
    ['Friday, 20-Nov-26 10:01:00 GMT', 60],
    ['Fri Nov 20 10:01:00 2026', 60],
    ['soon', undefined],
    ['1 2', undefined],
    [undefined, undefined],
  ])('%j → %j', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});

function withCode(code: string, message = 'boom'): Error {
  return Object.assign(new Error(message), { code });
}

describe('errorForTransportFailure', () => {
  it.each([
    'ECONNREFUSED',
    'ECONNRESET',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EPIPE',
    'EHOSTUNREACH',
    'UND_ERR_SOCKET',
    'UND_ERR_CLOSED',
    'UND_ERR_DESTROYED',
  ])('maps %s to UPSTREAM_UNAVAILABLE, keeping the original', (code) => {
    const original = withCode(code, 'connect ECONNREFUSED 10.0.0.1:443 https://secret.example');
    const err = errorForTransportFailure(original);
    expect(err.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(err.extensions).toEqual({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(err.cause).toBe(original);
    expect(err.message).not.toMatch(/secret|10\.0\.0\.1/);
  });

  it.each(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])(
    'maps %s to UPSTREAM_TIMEOUT, keeping the original',
    (code) => {
      const original = withCode(code);
      const err = errorForTransportFailure(original);
      expect(err.code).toBe('UPSTREAM_TIMEOUT');
      expect(err.cause).toBe(original);
    },
  );

  it('maps our own deadline (AbortSignal.timeout) to UPSTREAM_TIMEOUT', async () => {
    const signal = AbortSignal.timeout(1);
    await new Promise((resolve) => signal.addEventListener('abort', resolve));
    expect(signal.reason).toBeInstanceOf(DOMException);
    const err = errorForTransportFailure(signal.reason);
    expect(err.code).toBe('UPSTREAM_TIMEOUT');
    expect(err.cause).toBe(signal.reason);
    expect(errorForTransportFailure(new DOMException('x', 'TimeoutError')).code).toBe('UPSTREAM_TIMEOUT');
  });

  it('maps a code found on the cause (fetch-style wrapping)', () => {
    const wrapped = new TypeError('fetch failed', { cause: withCode('ECONNREFUSED') });
    expect(errorForTransportFailure(wrapped).code).toBe('UPSTREAM_UNAVAILABLE');
    const timedOut = new TypeError('fetch failed', { cause: withCode('UND_ERR_HEADERS_TIMEOUT') });
    expect(errorForTransportFailure(timedOut).code).toBe('UPSTREAM_TIMEOUT');
  });

  it('passes a GatewayError through unchanged', () => {
    const original = new GatewayError('RATE_LIMITED', 'x', { retryAfterSeconds: 3 });
    expect(errorForTransportFailure(original)).toBe(original);
  });

  it.each([
    ['an unknown code', withCode('EWHATEVER')],
    ['a caller abort', new DOMException('This operation was aborted', 'AbortError')],
    ['a plain Error', new Error('x')],
    ['a string', 'boom'],
    ['undefined', undefined],
    ['null', null],
  ])('maps %s to UPSTREAM_UNAVAILABLE', (_name, value) => {
    const err = errorForTransportFailure(value);
    expect(err).toBeInstanceOf(GatewayError);
    expect(err.code).toBe('UPSTREAM_UNAVAILABLE');
  });
});
