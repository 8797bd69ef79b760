import { afterAll, beforeAll } from 'vitest';
import { startHarness, type Harness, type HarnessOptions } from './harness.js';

/**
 * Starts one harness for the enclosing `describe` (or file) and closes it after its
 * last test. The handle can be used at once, at the top of the file; it reaches the
 * harness only once `beforeAll` has started it.
 *
 * `options` may be a function when they depend on something another `beforeAll`
 * registered earlier starts (a fake upstream's port, say).
 */
export function useHarness(options: HarnessOptions | (() => HarnessOptions) = {}): Harness {
  let started: Harness | undefined;

  beforeAll(async () => {
    started = await startHarness(typeof options === 'function' ? options() : options);
  });
  // Registered first, so it runs after the caller's own afterAll hooks (vitest runs
  // them in reverse): those may still read the harness's logs and exchanges.
  afterAll(async () => {
    await started?.close();
  });

  return new Proxy({} as Harness, {
    get(_target, property) {
      if (property === 'then') return undefined; // not a promise, even when returned from an async function
      if (!started) throw new Error(`harness.${String(property)} used outside the tests of the describe that called useHarness()`);
      const value = Reflect.get(started, property);
      return typeof value === 'function' ? value.bind(started) : value;
    },
  });
}
