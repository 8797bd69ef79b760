import { beforeEach } from 'vitest';
import { startSampleUpstream, type SampleUpstream, type SampleUpstreamOptions } from '../../tools/sample-upstream/index.js';
import { useStarted } from './use-started.js';

/**
 * Starts one sample upstream for the enclosing `describe` (or file), clears its faults
 * and recorded requests before each test, and closes it after the last one. The handle
 * can be used at once, at the top of the file.
 */
export function useSampleUpstream(options: SampleUpstreamOptions = {}): SampleUpstream {
  const sample = useStarted('sample', () => startSampleUpstream(options), (started) => started.close());
  beforeEach(() => {
    sample.faults.clear();
    sample.resetRequests();
  });
  return sample;
}
