import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { readBodyWithin } from '../replay/body-limit.js';
import { capDepth } from '../../src/model/json-depth.js';
import { DOCUMENTED_DIALECT, type UpstreamDialect } from '../../src/model/dialect.js';
import { AUDIT_LOG_STATUSES } from '../../src/model/audit-log.js';
import { auditLogsPath } from '../../src/upstream/query.js';
import { compareInstants, formatInstant, parseInstant, shiftInstant } from '../../src/model/instant.js';
import { itemsOf, paginationOf, type ProbeExchange, type ProbeRun } from './exchange.js';
import { analyseItemKeys, readKey, type KeyAnalysis } from './item-keys.js';
import { guessStatus, mappedStatus, STATUS_FILTER_TRIES, STATUS_GUESSES } from './statuses.js';

export interface ProbeOptions {
  upstreamUrl: string;
  /** The caller's token (without "Bearer ") and tenant; sent, never printed. */
  token: string;
  tenant: string;
  /** Also send one call with a wrong token, to see the 401. */
  withAuthErrors?: boolean;
  /** Pause between calls. Default 200 ms. */
  paceMs?: number;
  /** Hard cap on calls. Default 50. */
  maxCalls?: number;
  /** Per-call deadline. Default 15 s. */
  timeoutMs?: number;
  /** The settings in force, so guesses start from them. */
  dialect?: UpstreamDialect;
  /** "Now", the end of the main window (`--now`; a recording answers only the "now" it was made at). Default the real time. */
  now?: Date;
}

/** Items per page of the main window: small, so a recording stays small. */
export const PROBE_PAGE_SIZE = 20;
/** Extra pages read at most to find logs sharing a timestamp. */
const MAX_TIE_SEARCH_PAGES = 4;
const DAY_MS = 86_400_000;
/** Half-width of the windows around one log's timestamp: narrow, so it is on their first page. */
const NEAR_TICKS = 10_000; // 1 ms

class StopProbe extends Error {}

/**
 * Makes the probe's calls, in order, each paced and counted, and records them.
 * Read-only GETs only. Stops at the first 429 or when the budget is spent.
 */
export async function runProbe(options: ProbeOptions): Promise<ProbeRun> {
  const paceMs = options.paceMs ?? 200;
  const maxCalls = options.maxCalls ?? 50;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const dialect = options.dialect ?? DOCUMENTED_DIALECT;
  const base = new URL(options.upstreamUrl);
  const path = auditLogsPath(base);
  const run: ProbeRun = { exchanges: [], ...(options.withAuthErrors ? { authErrorsAsked: true } : {}) };

  const call = async (name: string, query: Record<string, string>, credentials: 'given' | 'invalid' = 'given'): Promise<ProbeExchange> => {
    if (run.exchanges.length >= maxCalls) throw new StopProbe(`the budget of ${maxCalls} calls was spent`);
    if (run.exchanges.length > 0 && paceMs > 0) await sleep(paceMs);
    const started = performance.now();
    const exchange: ProbeExchange = { name, query, credentials, status: 0, body: undefined, ms: 0 };
    run.exchanges.push(exchange);
    try {
      const response = await request(new URL(`${path}?${new URLSearchParams(query)}`, base.origin), {
        method: 'GET',
        headers: {
          // The wrong credentials are a Bearer scheme without a token: no upstream can take them for valid ones.
          authorization: credentials === 'given' ? `Bearer ${options.token}` : 'Bearer',
          'x-tenant': options.tenant,
          'x-correlation-id': randomUUID(),
          accept: 'application/json',
        },
        signal: AbortSignal.timeout(timeoutMs),
      });
      const read = await readBodyWithin(response.body, response.headers['content-length']);
      exchange.status = response.statusCode;
      // Cut once here, so no check, report line or recording walks a hostile depth.
      exchange.body = read.complete ? capDepth(parseJson(read.text)) : read.note;
    } catch (error) {
      exchange.body = `no response: ${(error as Error).message}`;
    }
    exchange.ms = performance.now() - started;
    if (exchange.status === 429) throw new StopProbe('the upstream answered 429 (too many requests)');
    return exchange;
  };

  try {
    await plan(call, options, dialect, run);
  } catch (error) {
    if (!(error instanceof StopProbe)) throw error;
    run.stoppedBecause = error.message;
  }
  return run;
}

type Call = (name: string, query: Record<string, string>, credentials?: 'given' | 'invalid') => Promise<ProbeExchange>;

async function plan(call: Call, options: ProbeOptions, dialect: UpstreamDialect, run: ProbeRun): Promise<void> {
  const nowMs = (options.now ?? new Date()).getTime();
  const window = { StartDate: new Date(nowMs - 30 * DAY_MS).toISOString(), EndDate: new Date(nowMs).toISOString() };
  const page = (n: number, size = PROBE_PAGE_SIZE) => ({ PageNumber: String(n), PageSize: String(size), ...window });

  const first = await call('page-1', page(1));
  if (first.status !== 200) throw new StopProbe(`the first call was answered ${first.status || 'with no response'}`);
  const totalPages = Number(paginationOf(first)?.totalPages);
  const analysis = analyseItemKeys(itemsOf(first), dialect);
  const seen = [...itemsOf(first)];
  if (totalPages >= 2) seen.push(...itemsOf(await call('page-2', page(2))));
  if (Number.isSafeInteger(totalPages) && totalPages >= 0) await call('page-past-end', page(totalPages + 1));

  await tryStatusSpellings(call, page(1, 1), seen, analysis, dialect);

  // Logs sharing one timestamp: read their window twice and compare the order.
  let tie = findTie(seen, analysis);
  for (let n = 3; tie === undefined && n < 3 + MAX_TIE_SEARCH_PAGES && n <= totalPages; n++) {
    seen.push(...itemsOf(await call(`page-${n}`, page(n))));
    tie = findTie(seen, analysis);
  }
  if (tie !== undefined) {
    // One tick either side, so an upstream with exclusive bounds still answers with the tied logs.
    const at = parseInstant(tie.trim())!;
    const tieWindow = { PageNumber: '1', PageSize: '50', StartDate: formatInstant(shiftInstant(at, -1)), EndDate: formatInstant(shiftInstant(at, +1)) };
    await call('ties-1', tieWindow);
    await call('ties-2', tieWindow);
  } else {
    run.noTiesFound = true;
  }

  // One log at the finest precision seen, and windows that end or start exactly on it.
  const log = finestLog(seen, analysis);
  if (log !== undefined) {
    const at = parseInstant(log.trim())!;
    const iso = (ticks: number) => formatInstant(shiftInstant(at, ticks));
    const near = (startDate: string, endDate: string) => ({ PageNumber: '1', PageSize: '50', StartDate: startDate, EndDate: endDate });
    await call('ends-on', near(iso(-NEAR_TICKS), log));
    await call('ends-before', near(iso(-NEAR_TICKS), iso(-1)));
    await call('ends-after', near(iso(-NEAR_TICKS), iso(+1)));
    await call('starts-on', near(log, iso(+NEAR_TICKS)));
    await call('starts-after', near(iso(+1), iso(+NEAR_TICKS)));
    await call('starts-before', near(iso(-1), iso(+NEAR_TICKS)));
    await call('page-size-2000', { PageNumber: '1', PageSize: '2000', StartDate: iso(-1), EndDate: iso(+1) });
    await call('page-size-2001', { PageNumber: '1', PageSize: '2001', StartDate: iso(-1), EndDate: iso(+1) });
  }
  await call('bad-parameter', { PageNumber: '1', PageSize: '1', StartDate: 'not-a-date', EndDate: window.EndDate });
  if (options.withAuthErrors) await call('bad-token', page(1, 1), 'invalid');
}

/**
 * When the statuses seen are not the documented ones, the statuses not seen yet
 * (rare ones, such as Processing) may be spelt otherwise too: try the likely
 * spellings as a Status filter, so the report can map them as well.
 */
async function tryStatusSpellings(
  call: Call,
  query: Record<string, string>,
  seen: readonly Record<string, unknown>[],
  analysis: KeyAnalysis,
  dialect: UpstreamDialect,
): Promise<void> {
  const values = [...new Set(seen.map((item) => readKey(item, analysis, 'status')).filter((v): v is string => typeof v === 'string'))];
  if (values.every((value) => mappedStatus(value, dialect) !== undefined)) return;
  const covered = new Set(values.map((value) => mappedStatus(value, dialect) ?? guessStatus(value)));
  for (const status of AUDIT_LOG_STATUSES) {
    if (covered.has(status)) continue;
    for (const spelling of STATUS_GUESSES[status].slice(0, STATUS_FILTER_TRIES)) {
      const answer = await call(`status-${spelling}`, { ...query, Status: spelling });
      if (itemsOf(answer).length > 0) break;
    }
  }
}

/** The raw timestamp text shared by two or more of the items, newest first; undefined when none is. */
export function findTie(items: readonly Record<string, unknown>[], analysis: KeyAnalysis): string | undefined {
  const counts = new Map<string, { text: string; count: number }>();
  for (const item of items) {
    const text = readKey(item, analysis, 'timestamp');
    if (typeof text !== 'string') continue;
    const instant = parseInstant(text.trim());
    if (instant === null) continue;
    const key = formatInstant(instant);
    const entry = counts.get(key) ?? { text, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  for (const { text, count } of counts.values()) if (count >= 2) return text;
  return undefined;
}

/** The timestamp text with the most fractional digits (the newest of those), as received. */
export function finestLog(items: readonly Record<string, unknown>[], analysis: KeyAnalysis): string | undefined {
  let best: { text: string; digits: number } | undefined;
  for (const item of items) {
    const text = readKey(item, analysis, 'timestamp');
    if (typeof text !== 'string' || parseInstant(text.trim()) === null) continue;
    const digits = fractionDigits(text);
    if (best === undefined || digits > best.digits) best = { text, digits };
  }
  return best?.text;
}

export function fractionDigits(text: string): number {
  return /[.,](\d+)/.exec(text)?.[1]?.length ?? 0;
}

/** Whether `a` is the same instant as or later than `b` (both date-time texts). */
export function notBefore(a: string, b: string): boolean {
  const x = parseInstant(a.trim());
  const y = parseInstant(b.trim());
  return x !== null && y !== null && compareInstants(x, y) >= 0;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
