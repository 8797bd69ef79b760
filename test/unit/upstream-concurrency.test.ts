import { describe, expect, it } from 'vitest';
import { createConcurrencyLimiter, QueueTimeoutError } from '../../src/upstream/concurrency.js';

const never = new AbortController().signal;

describe('concurrency limiter', () => {
  it('admits up to the limit at once and queues the rest first come, first served', async () => {
    const limiter = createConcurrencyLimiter(2);
    const a = await limiter.acquire(never, 1000);
    const b = await limiter.acquire(never, 1000);
    const order: string[] = [];
    const c = limiter.acquire(never, 1000).then((release) => (order.push('c'), release));
    const d = limiter.acquire(never, 1000).then((release) => (order.push('d'), release));
    expect([limiter.active(), limiter.waiting()]).toEqual([2, 2]);
    a();
    a(); // releasing twice frees one slot only
    const releaseC = await c;
    expect([limiter.active(), limiter.waiting()]).toEqual([2, 1]);
    b();
    const releaseD = await d;
    expect(order).toEqual(['c', 'd']);
    releaseC();
    releaseD();
    expect([limiter.active(), limiter.waiting()]).toEqual([0, 0]);
  });

  it('gives up waiting after maxWaitMs and leaves the queue', async () => {
    const limiter = createConcurrencyLimiter(1);
    const release = await limiter.acquire(never, 1000);
    await expect(limiter.acquire(never, 20)).rejects.toBeInstanceOf(QueueTimeoutError);
    expect(limiter.waiting()).toBe(0);
    release();
    expect(limiter.active()).toBe(0);
  });

  it('leaves the queue with the signal reason when the signal aborts', async () => {
    const limiter = createConcurrencyLimiter(1);
    const release = await limiter.acquire(never);
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort(new Error('deadline'));
    await expect(waiting).rejects.toThrow('deadline');
    expect(limiter.waiting()).toBe(0);
    await expect(limiter.acquire(AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
    release();
  });
});
