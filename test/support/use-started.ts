import { afterAll, beforeAll } from 'vitest';

/**
 * Starts one `T` for the enclosing `describe` (or file) and closes it after its last
 * test. The handle can be used at once, at the top of the file; it reaches the started
 * value only once `beforeAll` has run. `name` says what it is in the error for a use
 * outside those tests.
 */
export function useStarted<T extends object>(name: string, start: () => Promise<T>, close: (started: T) => Promise<void>): T {
  let started: T | undefined;

  beforeAll(async () => {
    started = await start();
  });
  // Registered first, so it runs after the caller's own afterAll hooks (vitest runs
  // them in reverse): those may still read what it recorded, or stop what talks to it.
  afterAll(async () => {
    if (started) await close(started);
  });

  return new Proxy({} as T, {
    get(_target, property) {
      if (property === 'then') return undefined; // not a promise, even when returned from an async function
      if (!started) throw new Error(`${name}.${String(property)} used outside the tests of the describe that started it`);
      const value = Reflect.get(started, property);
      return typeof value === 'function' ? value.bind(started) : value;
    },
  });
}
