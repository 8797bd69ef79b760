import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { causeOfMaskedError, GatewayError, maskUnexpectedError, withheldFromClients } from '../../src/errors.js';

/** maskUnexpectedError decides what every error a client receives looks like. */

const MESSAGE = 'Unexpected error.';
const mask = (error: unknown) => maskUnexpectedError(error, MESSAGE) as GraphQLError;

describe('maskUnexpectedError', () => {
  it('passes a deliberate error with a code through unchanged', () => {
    const error = new GatewayError('BAD_USER_INPUT', 'first must be 1..2000.');
    expect(mask(error)).toBe(error);
  });

  it('masks a graphql-js field error without a code (a defect of ours) as INTERNAL_SERVER_ERROR', () => {
    const error = new GraphQLError('Abstract type "Node" must resolve to an Object type at runtime for field "Query.node".', { path: ['b'] });
    const masked = mask(error);
    expect(masked.message).toBe(MESSAGE);
    expect(masked.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(masked.path).toEqual(['b']);
    expect(causeOfMaskedError(masked)).toBe(error);
  });

  it('gives an operation-level graphql-js error without a code BAD_USER_INPUT, message kept', () => {
    const error = new GraphQLError('Schema is not configured to execute subscription operation.');
    const coded = mask(error);
    expect(coded.message).toBe(error.message);
    expect(coded.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('masks a crash whatever its message', () => {
    const masked = mask(new TypeError('x is undefined at /srv/app.js:1'));
    expect(masked.message).toBe(MESSAGE);
    expect(masked.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  });

  it('drops originalError (the JSON parser quotes the body) and the flag that would turn the 400 into a 200', () => {
    const error = new GraphQLError('POST body sent invalid JSON.', {
      extensions: { code: 'BAD_REQUEST', http: { spec: true, status: 400 }, originalError: { name: 'SyntaxError', message: '"{secret" is not valid JSON' } },
    });
    const safe = mask(error);
    expect(safe.extensions).toStrictEqual({ code: 'BAD_REQUEST', http: { status: 400 } });
  });

  it('withholds an upstream 5xx description and errors from the client and keeps them, scrubbed, for the log', () => {
    const error = new GatewayError('UPSTREAM_ERROR', 'The audit-log service failed to handle the request.', {
      upstream: { status: 503, type: 'ServiceUnavailable', description: 'node db-7 down; token Bearer abcdefghijkl', errors: [{ host: '10.0.0.7' }] },
    });
    const safe = mask(error);
    expect(safe.extensions).toStrictEqual({ code: 'UPSTREAM_ERROR', upstream: { status: 503, type: 'ServiceUnavailable' } });
    expect(withheldFromClients({ errors: [safe] })).toEqual({
      upstreamWithheld: [{ status: 503, description: 'node db-7 down; token Bearer [redacted]', errors: [{ host: '10.0.0.7' }] }],
    });
  });

  it('scrubs tokens quoted inside upstream errors and credential-named keys, without failing the mask', () => {
    const error = new GatewayError('UPSTREAM_ERROR', 'The audit-log service failed to handle the request.', {
      upstream: { status: 500, errors: [{ message: 'Invalid token "Bearer xyz"', request: { Authorization: 'Token abc', path: '/v1/AuditLogs' } }] },
    });
    const safe = mask(error);
    expect(safe.extensions).toStrictEqual({ code: 'UPSTREAM_ERROR', upstream: { status: 500 } });
    expect(withheldFromClients({ errors: [safe] })).toEqual({
      upstreamWithheld: [{ status: 500, errors: [{ message: 'Invalid token "Bearer [redacted]"', request: { Authorization: '[redacted]', path: '/v1/AuditLogs' } }] }],
    });
  });

  it('keeps a 4xx upstream body for the client', () => {
    const upstream = { status: 400, type: 'ValidationError', description: 'PageSize must be 1..2000', errors: [{ field: 'PageSize' }] };
    const error = new GatewayError('BAD_USER_INPUT', 'The audit-log service rejected the request.', { upstream });
    expect(mask(error).extensions.upstream).toEqual(upstream);
    expect(withheldFromClients({ errors: [mask(error)] })).toEqual({});
  });
});
