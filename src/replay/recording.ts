import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { capDepth } from './json-depth.js';

/**
 * A recording: a directory with `exchanges.jsonl`, one upstream call per line,
 * already scrubbed (see scrub.ts). Replay answers a request by its normalised query.
 * Bodies are cut below MAX_JSON_DEPTH levels when written and when read.
 */
export interface RecordedExchange {
  /** The query string, normalised by `normaliseQuery`. */
  query: string;
  /** The HTTP status, or NO_ANSWER. */
  status: number;
  /** The body, parsed JSON, or text when it was not JSON. */
  body: unknown;
  /** `invalid`: made with a deliberately wrong token; replay never serves it. */
  credentials?: 'invalid';
}

export const EXCHANGES_FILE = 'exchanges.jsonl';

/** The status of a call that got no answer at all (refused, reset, timed out): replayed as none. */
export const NO_ANSWER = 0;

/**
 * A query string in one canonical form: names lower-cased (the upstream binds them
 * case-insensitively), pairs sorted, values decoded and re-encoded alike. Two
 * requests the upstream reads the same way give the same string.
 */
export function normaliseQuery(search: string | URLSearchParams | Record<string, string>): string {
  const params = search instanceof URLSearchParams ? search : new URLSearchParams(search);
  return [...params]
    .map(([name, value]) => [name.toLowerCase(), value] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('&');
}

export async function readRecording(dir: string): Promise<RecordedExchange[]> {
  const text = await readFile(join(dir, EXCHANGES_FILE), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as RecordedExchange)
    .map((exchange) => ({ ...exchange, body: capDepth(exchange.body) }));
}

/** Writes `exchanges` after the ones already in `dir` (when `append`), one line each. */
export async function writeRecording(dir: string, exchanges: readonly RecordedExchange[], append = false): Promise<void> {
  await mkdir(dir, { recursive: true });
  const before = append ? await readRecording(dir).catch(() => []) : [];
  // Cut first: JSON.stringify recurses once per level of the body.
  const lines = [...before, ...exchanges].map((exchange) => JSON.stringify({ ...exchange, body: capDepth(exchange.body) }));
  await writeFile(join(dir, EXCHANGES_FILE), `${lines.join('\n')}\n`);
}
