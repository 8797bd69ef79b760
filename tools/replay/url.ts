import { REPLAY_PREFIX } from '../../src/config.js';

/** The directory of a `replay:<directory>` UPSTREAM_URL, or undefined for any other URL. */
export function replayDirectory(upstreamUrl: string | undefined): string | undefined {
  return upstreamUrl?.startsWith(REPLAY_PREFIX) ? upstreamUrl.slice(REPLAY_PREFIX.length) : undefined;
}
