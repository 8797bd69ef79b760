import { startHarness, type Harness, type HarnessOptions } from './harness.js';
import { useStarted } from './use-started.js';

/**
 * Starts one harness for the enclosing `describe` (or file) and closes it after its
 * last test. The handle can be used at once, at the top of the file; it reaches the
 * harness only once `beforeAll` has started it.
 *
 * `options` may be a function when they depend on something another `beforeAll`
 * registered earlier starts (a fake upstream's port, say).
 */
export function useHarness(options: HarnessOptions | (() => HarnessOptions) = {}): Harness {
  return useStarted(
    'harness',
    () => startHarness(typeof options === 'function' ? options() : options),
    (harness) => harness.close(),
  );
}
