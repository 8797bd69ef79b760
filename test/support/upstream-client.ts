import { defaultConfig } from '../../src/config.js';
import { createUpstreamClient, type UpstreamClientDependencies, type UpstreamClientSettings } from '../../src/upstream/client.js';
import type { UpstreamClient } from '../../src/upstream/types.js';

/** A real upstream client with every setting at its default but those given: for tests that talk to an upstream without the gateway. */
export function upstreamClient(settings: Partial<UpstreamClientSettings>, deps: UpstreamClientDependencies): UpstreamClient {
  return createUpstreamClient({ ...defaultConfig(), ...settings }, deps);
}
