import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { capDepth } from '../../src/model/json-depth.js';

/**
 * A recording: a directory with `exchanges.jsonl`, one upstream call per line,
 * already scrubbed (see scrub.ts). Replay answers a request by its normalised query.
 * Bodies are cut below MAX_JSON_DEPTH levels when written and when read.
 */
export interface RecordedExchange {
  /** The query string, normalised by `normaliseQuery`. */
  query: string;
  /** The HTTP status (100..599), or NO_ANSWER. */
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

/** Whether a recorded status can be replayed: no answer, or a status an HTTP server can send. */
export function isReplayableStatus(status: unknown): status is number {
  return typeof status === 'number' && Number.isInteger(status) && (status === NO_ANSWER || (status >= 100 && status <= 599));
}

/**
 * One line of a recording, checked, its body cut below MAX_JSON_DEPTH levels.
 * A line the replay could not answer by is refused, naming `where` (file and
 * line): replaying it would fail later, inside a serving gateway.
 */
export function parseExchangeLine(line: string, where: string): RecordedExchange {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new Error(`${where}: not JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where}: not a JSON object`);
  const { query, status, body, credentials } = value as Record<string, unknown>;
  if (typeof query !== 'string') throw new Error(`${where}: query must be a string`);
  if (!isReplayableStatus(status)) {
    throw new Error(`${where}: status must be ${NO_ANSWER} (no answer) or a whole number from 100 to 599, not ${shown(status)}`);
  }
  if (credentials !== undefined && credentials !== 'invalid') throw new Error(`${where}: credentials must be "invalid" or absent`);
  return { query, status, body: capDepth(body), ...(credentials === 'invalid' ? { credentials } : {}) };
}

/** A recorded value in an error message: short, and never walked (it may be nested deep). */
function shown(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

/** Every exchange of the recording in `dir`, checked line by line (see parseExchangeLine). */
export async function readRecording(dir: string): Promise<RecordedExchange[]> {
  const file = join(dir, EXCHANGES_FILE);
  const lines = (await readFile(file, 'utf8')).split('\n');
  return lines.flatMap((line, index) => (line.trim() === '' ? [] : [parseExchangeLine(line, `${file} line ${index + 1}`)]));
}

/** Writes `exchanges` after the ones already in `dir` (when `append`), one line each. */
export async function writeRecording(dir: string, exchanges: readonly RecordedExchange[], append = false): Promise<void> {
  await mkdir(dir, { recursive: true });
  // Only a missing file counts as empty: one that cannot be read is refused, not overwritten.
  const before = append ? await readRecording(dir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : Promise.reject(error))) : [];
  // Cut first: JSON.stringify recurses once per level of the body.
  const lines = [...before, ...exchanges].map((exchange) => JSON.stringify({ ...exchange, body: capDepth(exchange.body) }));
  await writeFile(join(dir, EXCHANGES_FILE), `${lines.join('\n')}\n`);
}
