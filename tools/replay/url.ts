import { z } from 'zod';

const PREFIX = 'replay:';

/** `replay:<directory>` as UPSTREAM_URL: serve recorded responses from that directory. */
export const REPLAY_URL = z.string().regex(/^replay:.+/);

/** The directory of a `replay:<directory>` URL, or undefined for any other URL. */
export function replayDirectory(upstreamUrl: string | undefined): string | undefined {
  return upstreamUrl?.startsWith(PREFIX) ? upstreamUrl.slice(PREFIX.length) : undefined;
}
