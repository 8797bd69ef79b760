import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, decideRetry, isRetryable, retryPolicy, type AttemptFailure } from '../../src/upstream/retry.js';

const policy = retryPolicy(2);
const plenty = 10_000;

describe('which failures are retried', () => {
  it.each([502, 503, 504])('retries %i', (status) => {
    expect(isRetryable({ kind: 'status', status })).toBe(true);
  });

  it.each([400, 401, 403, 404, 409, 418, 500, 501, 505])('never retries %i', (status) => {
    expect(isRetryable({ kind: 'status', status })).toBe(false);
    expect(isRetryable({ kind: 'status', status, retryAfterSeconds: 1 })).toBe(false);
  });

  it('retries a 429 only when it says when', () => {
    expect(isRetryable({ kind: 'status', status: 429 })).toBe(false);
    expect(isRetryable({ kind: 'status', status: 429, retryAfterSeconds: 1 })).toBe(true);
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'])('retries a %s', (code) => {
    expect(isRetryable({ kind: 'transport', code })).toBe(true);
  });

  it.each(['ENOTFOUND', 'UND_ERR_CLOSED', undefined])('does not retry transport failure %s', (code) => {
    expect(isRetryable({ kind: 'transport', code })).toBe(false);
  });

  it('never retries a timeout or a final failure', () => {
    expect(isRetryable({ kind: 'timeout' })).toBe(false);
    expect(isRetryable({ kind: 'final' })).toBe(false);
  });
});

describe('decideRetry', () => {
  const failure: AttemptFailure = { kind: 'status', status: 503 };

  it('allows at most `retries` retries', () => {
    expect(decideRetry({ failure, attempt: 1, remainingMs: plenty, random: 0.5, policy }).retry).toBe(true);
    expect(decideRetry({ failure, attempt: 2, remainingMs: plenty, random: 0.5, policy }).retry).toBe(true);
    expect(decideRetry({ failure, attempt: 3, remainingMs: plenty, random: 0.5, policy })).toEqual({
      retry: false,
      reason: 'out-of-retries',
    });
    expect(decideRetry({ failure, attempt: 1, remainingMs: plenty, random: 0.5, policy: { ...policy, retries: 0 } }).retry).toBe(false);
  });

  it('waits exactly Retry-After on 429 and 503 when it fits the deadline', () => {
    expect(decideRetry({ failure: { kind: 'status', status: 429, retryAfterSeconds: 2 }, attempt: 1, remainingMs: 5000, random: 0.9, policy })).toEqual({
      retry: true,
      delayMs: 2000,
      reason: 'retry-after',
    });
    expect(decideRetry({ failure: { kind: 'status', status: 503, retryAfterSeconds: 0 }, attempt: 1, remainingMs: 5000, random: 0.9, policy })).toEqual({
      retry: true,
      delayMs: 0,
      reason: 'retry-after',
    });
  });

  it('gives up when Retry-After does not fit the deadline', () => {
    expect(decideRetry({ failure: { kind: 'status', status: 429, retryAfterSeconds: 5 }, attempt: 1, remainingMs: 5000, random: 0, policy })).toEqual({
      retry: false,
      reason: 'no-time-left',
    });
  });

  it('ignores Retry-After on a 502', () => {
    const decision = decideRetry({ failure: { kind: 'status', status: 502, retryAfterSeconds: 60 }, attempt: 1, remainingMs: 5000, random: 0, policy });
    expect(decision).toEqual({ retry: true, delayMs: 50, reason: 'backoff' });
  });

  it('never plans a wait that outlives the deadline', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.record({ kind: fc.constant('status' as const), status: fc.integer({ min: 100, max: 599 }), retryAfterSeconds: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }) }),
          fc.record({ kind: fc.constant('transport' as const), code: fc.constantFrom('ECONNRESET', 'ECONNREFUSED', 'ENOTFOUND') }),
          fc.constant({ kind: 'timeout' as const }),
        ),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (failure, attempt, remainingMs, random) => {
          const decision = decideRetry({ failure, attempt, remainingMs, random, policy });
          if (decision.retry) {
            expect(decision.delayMs + policy.minAttemptMs).toBeLessThanOrEqual(remainingMs);
            expect(attempt).toBeLessThanOrEqual(policy.retries);
            expect(failure.kind).not.toBe('timeout');
          }
        },
      ),
    );
  });
});

describe('backoffDelay', () => {
  it('doubles from the base with equal jitter and is capped', () => {
    expect(backoffDelay(1, 0, policy)).toBe(50);
    expect(backoffDelay(1, 0.999, policy)).toBe(100);
    expect(backoffDelay(2, 0, policy)).toBe(100);
    expect(backoffDelay(3, 0, policy)).toBe(200);
    expect(backoffDelay(20, 0.999, policy)).toBe(1000);
  });

  it('stays within [step/2, step]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, random) => {
        const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
        const delay = backoffDelay(attempt, random, policy);
        expect(delay).toBeGreaterThanOrEqual(step / 2);
        expect(delay).toBeLessThanOrEqual(step);
      }),
    );
  });
});
