import { describe, expect, it } from 'vitest';
import { createConcurrencyLimiter, QueueTimeoutError, tenantShare } from '../../src/upstream/concurrency.js';

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

describe('fair shares between tenants', () => {
  const signal = new AbortController().signal;

  it('keeps a quarter of the slots from any one tenant', async () => {
    expect(tenantShare(64)).toBe(48);
    expect(tenantShare(4)).toBe(3);
    expect(tenantShare(1)).toBe(1);
    const limiter = createConcurrencyLimiter(4);
    const held = await Promise.all([0, 1, 2].map(() => limiter.acquire(signal, undefined, 'slow-tenant')));
    let fourthOfSlowTenant = false;
    void limiter.acquire(signal, undefined, 'slow-tenant').then(() => (fourthOfSlowTenant = true));
    // Another tenant still gets a slot at once, although one is free for the slow tenant's fourth call.
    const other = await limiter.acquire(signal, 1, 'other-tenant');
    await Promise.resolve();
    expect(fourthOfSlowTenant).toBe(false);
    expect(limiter.active()).toBe(4);
    other();
    held[0]!();
    await new Promise((resolve) => setImmediate(resolve));
    expect(fourthOfSlowTenant).toBe(true);
  });

  it('gives a freed slot to the waiting tenant holding the fewest', async () => {
    const limiter = createConcurrencyLimiter(4);
    const a = await Promise.all([0, 1, 2].map(() => limiter.acquire(signal, undefined, 'a')));
    const b = await limiter.acquire(signal, undefined, 'b');
    const order: string[] = [];
    void limiter.acquire(signal, undefined, 'b').then(() => order.push('b'));
    void limiter.acquire(signal, undefined, 'c').then(() => order.push('c'));
    a[0]!(); // b holds 1, c holds 0: c goes first although b asked first
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['c']);
    b();
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['c', 'b']);
  });
});
