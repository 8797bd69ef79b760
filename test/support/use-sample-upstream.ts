import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startSampleUpstream, type SampleUpstream, type SampleUpstreamOptions } from '../../src/sample-upstream/index.js';

/**
 * Starts one sample upstream for the enclosing `describe` (or file), clears its faults
 * and recorded requests before each test, and closes it after the last one. The handle
 * can be used at once, at the top of the file; it reaches the upstream only once
 * `beforeAll` has started it.
 */
export function useSampleUpstream(options: SampleUpstreamOptions = {}): SampleUpstream {
  let started: SampleUpstream | undefined;

  beforeAll(async () => {
    started = await startSampleUpstream(options);
  });
  // Registered first, so it runs after the caller's own afterAll hooks (vitest runs
  // them in reverse): those may still stop what talks to the upstream.
  afterAll(async () => {
    await started?.close();
  });
  beforeEach(() => {
    started?.faults.clear();
    started?.resetRequests();
  });

  return new Proxy({} as SampleUpstream, {
    get(_target, property) {
      if (property === 'then') return undefined; // not a promise, even when returned from an async function
      if (!started) throw new Error(`sample.${String(property)} used outside the tests of the describe that called useSampleUpstream()`);
      const value = Reflect.get(started, property);
      return typeof value === 'function' ? value.bind(started) : value;
    },
  });
}
