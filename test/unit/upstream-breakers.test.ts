import { describe, expect, it } from 'vitest';
import { createBreakers } from '../../src/upstream/breakers.js';

const caller = (i: number) => ({ tenant: `tenant-${i}.example`, authorization: `Bearer token-${i}` });

describe('createBreakers', () => {
  it('keeps at most maxTenants tenant breakers, even when all are open, and evicts the least recently used', () => {
    const config = { failureThreshold: 1, minimumCalls: 1, cooldownMs: 60_000 };
    const breakers = createBreakers({ config, clock: () => 1_000, maxTenants: 3 });
    const fail = (i: number) => {
      const admitted = breakers.tryAcquire(caller(i));
      if (typeof admitted === 'string') return admitted;
      admitted.settle({ tenant: 'failure', upstream: 'success' });
      return 'admitted';
    };
    for (let i = 0; i < 3; i++) expect(fail(i)).toBe('admitted');
    expect(breakers.openTenants()).toBe(3);
    // Tenant 0 is used again (fails fast), so tenant 1 is now the least recently used.
    expect(fail(0)).toBe('tenant');
    for (let i = 3; i < 20; i++) fail(i);
    expect(breakers.openTenants()).toBe(3);
    // Tenant 0 was evicted long ago; a fresh breaker admits it again.
    expect(fail(0)).toBe('admitted');
  });

  it('keeps a tenant that keeps calling when others come and go', () => {
    const config = { failureThreshold: 1, minimumCalls: 1, cooldownMs: 60_000 };
    const breakers = createBreakers({ config, clock: () => 1_000, maxTenants: 2 });
    const first = breakers.tryAcquire(caller(0));
    if (typeof first === 'string') throw new Error('not admitted');
    first.settle({ tenant: 'failure', upstream: 'success' });
    for (let i = 1; i < 10; i++) {
      expect(breakers.tryAcquire(caller(0))).toBe('tenant'); // still open: remembered
      const other = breakers.tryAcquire(caller(i));
      if (typeof other !== 'string') other.settle({ tenant: 'success', upstream: 'success' });
    }
  });
});
