import { formatFieldMap, formatStatusMap, type UpstreamDialect } from '../../src/model/dialect.js';
import { AUDIT_LOG_STATUSES, type AuditLogStatus } from '../../src/model/audit-log.js';
import { formatInstant, parseInstant, shiftInstant } from '../../src/model/instant.js';
import { findExchange, findExchanges, isObject, itemsOf, paginationOf, type ProbeExchange, type ProbeRun } from './exchange.js';
import { analyseItemKeys, isRequired, readKey, type KeyAnalysis } from './item-keys.js';
import { fractionDigits, notBefore, PROBE_PAGE_SIZE } from './runner.js';
import { guessStatus, mappedStatus } from './statuses.js';

export type Verdict = 'ok' | 'differs' | 'unknown';

/** One assumption of the gateway about the upstream, as the probe found it. */
export interface CheckResult {
  title: string;
  verdict: Verdict;
  /** What the probe saw. */
  saw: string;
  /** What the gateway does about it (set for `differs`). */
  gateway?: string;
  /** Settings that make the gateway fit, by name. */
  settings?: Record<string, string>;
}

/** Every check, in report order. Pure: reads the recorded exchanges and the settings in force. */
export function runChecks(run: ProbeRun, dialect: UpstreamDialect): CheckResult[] {
  const items = run.exchanges.filter((e) => e.credentials === 'given').flatMap((e) => itemsOf(e));
  const analysis = analyseItemKeys(items, dialect);
  return [
    checkItemKeys(analysis, dialect),
    checkStatuses(items, analysis, dialect),
    checkBound(run, analysis, dialect, 'end'),
    checkBound(run, analysis, dialect, 'start'),
    checkOrder(run, analysis),
    checkTieOrder(run, analysis),
    checkPagination(run),
    checkPageSizeLimit(run),
    checkPastEnd(run),
    checkBadParameter(run),
    checkBadToken(run),
    checkLatency(run),
  ];
}

const unknown = (title: string, saw: string): CheckResult => ({ title, verdict: 'unknown', saw });

export function checkItemKeys(analysis: KeyAnalysis, dialect: UpstreamDialect): CheckResult {
  const title = 'item keys';
  if (analysis.itemCount === 0) return unknown(title, 'no items were returned');
  const missing = analysis.findings.filter((f) => f.found === 'missing');
  const renamed = analysis.findings.filter((f) => f.found === 'mapped' || f.found === 'guessed');
  const requiredGaps = analysis.findings.filter((f) => isRequired(f.key) && f.found !== 'missing' && f.missingIn > 0);
  const others = analysis.otherKeys.length > 0 ? analysis.otherKeys.join(', ') : 'none';
  const parts = [
    `${analysis.findings.length - missing.length} of ${analysis.findings.length} read keys present, ${analysis.casing}Case`,
    ...(renamed.length > 0 ? [`under other names: ${renamed.map((f) => `${f.key} as ${f.as}`).join(', ')}`] : []),
    ...(missing.length > 0 ? [`missing: ${missing.map((f) => f.key).join(', ')}`] : []),
    ...requiredGaps.map((f) => `${f.missingIn} of ${analysis.itemCount} items without ${f.key}`),
    `other keys (kept in raw): ${others}`,
  ];
  const saw = parts.join('; ');
  const settings: Record<string, string> = {};
  if (Object.keys(analysis.fieldMap).length > 0) settings.UPSTREAM_FIELD_MAP = formatFieldMap(analysis.fieldMap);
  const guessed = renamed.some((f) => f.found === 'guessed');
  const caseDiffers = analysis.casing !== dialect.keyCase;
  if (analysis.casing === 'pascal' || caseDiffers) settings.UPSTREAM_KEY_CASE = analysis.casing;
  if (missing.length === 0 && requiredGaps.length === 0 && !guessed && !caseDiffers) return { title, verdict: 'ok', saw, settings };
  const actions: string[] = [];
  if (guessed) actions.push('reads the renamed keys once UPSTREAM_FIELD_MAP names them (check the guesses)');
  if (missing.some((f) => isRequired(f.key)) || requiredGaps.length > 0) {
    actions.push('fails pages without id or timestamp with UPSTREAM_BAD_RESPONSE until UPSTREAM_FIELD_MAP names them');
  }
  const optionalMissing = missing.filter((f) => !isRequired(f.key));
  if (optionalMissing.length > 0) actions.push(`returns null for ${optionalMissing.map((f) => f.key).join(', ')} (map them with UPSTREAM_FIELD_MAP if they exist under another name)`);
  if (caseDiffers) actions.push(`reads ${analysis.casing}Case keys as they are; UPSTREAM_KEY_CASE=${analysis.casing} records that it is expected`);
  return { title, verdict: 'differs', saw, gateway: actions.join('; '), settings };
}

export function checkStatuses(items: readonly Record<string, unknown>[], analysis: KeyAnalysis, dialect: UpstreamDialect): CheckResult {
  const title = 'status values';
  const seen = new Map<string, number>();
  for (const item of items) {
    const value = readKey(item, analysis, 'status');
    if (typeof value === 'string') seen.set(value, (seen.get(value) ?? 0) + 1);
  }
  if (seen.size === 0) return unknown(title, 'no item carried a status');
  const mapping = new Map<string, AuditLogStatus | undefined>();
  const suggested: Partial<Record<AuditLogStatus, string[]>> = {};
  for (const [status, list] of Object.entries(dialect.statusMap)) suggested[status as AuditLogStatus] = [...list];
  const unmapped: string[] = [];
  for (const value of seen.keys()) {
    const known = mappedStatus(value, dialect);
    mapping.set(value, known);
    if (known !== undefined) continue;
    unmapped.push(value);
    const guess = guessStatus(value);
    if (guess !== undefined) (suggested[guess] ??= []).push(value);
  }
  const saw = [...seen.entries()].map(([value, count]) => `${value} (${count}) → ${mapping.get(value) ?? 'unmapped'}`).join(', ');
  const settings: Record<string, string> = {};
  const statusMap = formatStatusMap(suggested);
  if (statusMap !== '') settings.UPSTREAM_STATUS_MAP = statusMap;
  if (unmapped.length === 0) return { title, verdict: 'ok', saw, settings };
  const unguessed = unmapped.filter((value) => !Object.values(suggested).some((list) => list?.includes(value)));
  return {
    title,
    verdict: 'differs',
    saw,
    gateway:
      `returns status null (and logs a warning) for ${unmapped.join(', ')}; UPSTREAM_STATUS_MAP maps them, the first spelling of each status is sent as the Status filter` +
      (unguessed.length > 0 ? `; no guess for ${unguessed.join(', ')}: add them by hand` : ''),
    settings,
  };
}

/** Whether the log with timestamp `text` is among the items of `exchange`; undefined when that cannot be told. */
function contains(exchange: ProbeExchange | undefined, analysis: KeyAnalysis, text: string): boolean | undefined {
  if (exchange === undefined || exchange.status !== 200) return undefined;
  const target = parseInstant(text.trim());
  const items = itemsOf(exchange);
  const found = items.some((item) => {
    const value = readKey(item, analysis, 'timestamp');
    const at = typeof value === 'string' ? parseInstant(value.trim()) : null;
    return at !== null && target !== null && at.ms === target.ms && at.ns === target.ns;
  });
  // A full page may have pushed the log to a later page: then absence says nothing.
  if (!found && Number(paginationOf(exchange)?.totalCount) > items.length) return undefined;
  return found;
}

export function checkBound(run: ProbeRun, analysis: KeyAnalysis, dialect: UpstreamDialect, bound: 'start' | 'end'): CheckResult {
  const name = bound === 'end' ? 'EndDate' : 'StartDate';
  const setting = bound === 'end' ? 'UPSTREAM_END_DATE_EXCLUSIVE' : 'UPSTREAM_START_DATE_EXCLUSIVE';
  const configuredExclusive = bound === 'end' ? dialect.endDateExclusive : dialect.startDateExclusive;
  const title = `${name} inclusive at full precision`;
  const on = findExchange(run, bound === 'end' ? 'ends-on' : 'starts-on');
  const inside = findExchange(run, bound === 'end' ? 'ends-before' : 'starts-after');
  const widened = findExchange(run, bound === 'end' ? 'ends-after' : 'starts-before');
  const at = on?.query[name];
  if (at === undefined) return unknown(title, 'no log to test with');
  const digits = fractionDigits(at);
  const atOn = contains(on, analysis, at);
  const atInside = contains(inside, analysis, at);
  const atWidened = contains(widened, analysis, at);
  if (atOn === undefined || atInside === undefined) return unknown(title, `the windows around ${at} were not answered with a complete page`);
  const precision = `a log at ${at} (${digits} fractional digits)`;
  if (atInside) {
    return {
      title,
      verdict: 'differs',
      saw: `${precision} is inside a window whose ${name} is one tick (100 ns) ${bound === 'end' ? 'before' : 'after'} it: the upstream compares at a coarser precision`,
      gateway: 'cannot absorb this by a setting: windows may take in logs up to the coarser unit beyond their bounds, so a walk that pages by exact timestamps may repeat a log',
    };
  }
  const exclusive = !atOn;
  const saw = exclusive
    ? `${precision} is left out of the window ${bound === 'end' ? 'ending' : 'starting'} on it${atWidened ? `, and in when ${name} moves one tick outwards` : ''}`
    : `${precision} is in the window ${bound === 'end' ? 'ending' : 'starting'} on it, and out when ${name} moves one tick ${bound === 'end' ? 'earlier' : 'later'}`;
  if (exclusive === configuredExclusive) return { title, verdict: 'ok', saw: configuredExclusive ? `${saw} (${setting}=true is set)` : saw, settings: exclusive ? { [setting]: 'true' } : {} };
  if (exclusive && atWidened === false) {
    return { title, verdict: 'differs', saw: `${saw}; moving ${name} one tick outwards did not take it in either`, gateway: 'cannot absorb this by a setting' };
  }
  return {
    title,
    verdict: 'differs',
    saw,
    gateway: exclusive
      ? `misses logs at exactly ${name}; with ${setting}=true it sends ${name} one tick ${bound === 'end' ? 'later' : 'earlier'}`
      : `${setting}=true is set but the upstream is inclusive: remove it, or windows take in logs one tick beyond them`,
    settings: exclusive ? { [setting]: 'true' } : {},
  };
}

function timestampsOf(exchange: ProbeExchange | undefined, analysis: KeyAnalysis): string[] {
  return itemsOf(exchange)
    .map((item) => readKey(item, analysis, 'timestamp'))
    .filter((value): value is string => typeof value === 'string');
}

export function checkOrder(run: ProbeRun, analysis: KeyAnalysis): CheckResult {
  const title = 'order newest first';
  const pages = findExchanges(run, 'page-').filter((e) => /^page-\d+$/.test(e.name) && e.status === 200);
  const walk = pages.sort((a, b) => Number(a.query.PageNumber) - Number(b.query.PageNumber)).flatMap((e) => timestampsOf(e, analysis));
  if (walk.length < 2) return unknown(title, 'fewer than two logs were returned');
  for (let i = 1; i < walk.length; i++) {
    if (!notBefore(walk[i - 1]!, walk[i]!)) {
      return {
        title,
        verdict: 'differs',
        saw: `${walk[i]} follows ${walk[i - 1]} (item ${i + 1} of ${walk.length} over ${pages.length} pages)`,
        gateway: 'cannot absorb this by a setting: pages and cursors assume newest first',
      };
    }
  }
  return { title, verdict: 'ok', saw: `${walk.length} logs over ${pages.length} pages, each no newer than the one before` };
}

export function checkTieOrder(run: ProbeRun, analysis: KeyAnalysis): CheckResult {
  const title = 'equal timestamps in the same order on every call';
  const [first, second] = [findExchange(run, 'ties-1'), findExchange(run, 'ties-2')];
  if (first === undefined || second === undefined) {
    return unknown(title, run.noTiesFound ? 'no two logs shared a timestamp in the pages read' : 'not tried');
  }
  const ids = (e: ProbeExchange) => itemsOf(e).map((item) => String(readKey(item, analysis, 'id')));
  const [a, b] = [ids(first), ids(second)];
  const end = parseInstant((first.query.EndDate ?? '').trim());
  const at = end === null ? first.query.EndDate : formatInstant(shiftInstant(end, -1));
  if (a.length < 2) return unknown(title, `the window of ${at} held ${a.length} log(s)`);
  if (a.join('\n') === b.join('\n')) return { title, verdict: 'ok', saw: `${a.length} logs at ${at}, same order on two calls` };
  return {
    title,
    verdict: 'differs',
    saw: `${a.length} logs at ${at} came back in another order on the second call`,
    gateway: 'cannot absorb this by a setting: a walk may repeat or skip logs that share a timestamp across a page boundary',
  };
}

export function checkPagination(run: ProbeRun): CheckResult {
  const title = 'totalCount/totalPages/hasNextPage consistent with PageSize';
  const pages = run.exchanges.filter((e) => /^page-(\d+|past-end)$/.test(e.name) && e.status === 200);
  if (pages.length === 0) return unknown(title, 'no page was answered');
  const problems: string[] = [];
  let totalCount: number | undefined;
  for (const exchange of pages) {
    const p = paginationOf(exchange);
    // A 200 that is not a JSON object (an HTML page, a body too large to read) has no pagination to check.
    if (p === undefined) {
      problems.push(`${exchange.name}: the body is not a JSON object`);
      continue;
    }
    const size = Number(exchange.query.PageSize);
    const number = Number(exchange.query.PageNumber);
    const count = p.totalCount as number;
    if (typeof count !== 'number') {
      problems.push(`${exchange.name}: no totalCount`);
      continue;
    }
    totalCount ??= count;
    if (count !== totalCount) problems.push(`${exchange.name}: totalCount ${count}, ${totalCount} before`);
    const pagesExpected = Math.ceil(count / size);
    if (p.totalPages !== pagesExpected) problems.push(`${exchange.name}: totalPages ${String(p.totalPages)}, expected ${pagesExpected}`);
    if (p.hasNextPage !== number < pagesExpected) problems.push(`${exchange.name}: hasNextPage ${String(p.hasNextPage)}`);
    if (p.hasPreviousPage !== undefined && p.hasPreviousPage !== number > 1) problems.push(`${exchange.name}: hasPreviousPage ${String(p.hasPreviousPage)}`);
    const expectedItems = Math.max(0, Math.min(size, count - (number - 1) * size));
    const items = itemsOf(exchange).length;
    if (items !== expectedItems) problems.push(`${exchange.name}: ${items} items, expected ${expectedItems}`);
  }
  if (problems.length > 0) {
    return {
      title,
      verdict: 'differs',
      saw: problems.join('; '),
      gateway: 'cannot absorb this by a setting: pageInfo and the offsets of later pages are computed from totalCount and PageSize',
    };
  }
  return { title, verdict: 'ok', saw: `totalCount ${totalCount} at PageSize ${PROBE_PAGE_SIZE} over ${pages.length} calls` };
}

function describeAnswer(exchange: ProbeExchange): string {
  if (exchange.status === 0) return 'no response';
  if (exchange.status !== 200) return `${exchange.status}${errorSummary(exchange.body)}`;
  return `200 with ${itemsOf(exchange).length} items`;
}

function errorSummary(body: unknown): string {
  if (!isObject(body)) return typeof body === 'string' && body !== '' ? ` "${shorten(body, 80)}"` : '';
  const description = body.description ?? body.Description ?? body.title ?? body.message;
  return typeof description === 'string' ? ` "${shorten(description, 80)}"` : '';
}

/**
 * At most `max` characters of upstream text, cut where a word ends: a word cut in
 * two is left out whole, so an echoed secret is never shown in part (a part would
 * no longer be recognised, and replaced, when the line is printed).
 */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = /\s/.test(text[max]!) ? text.slice(0, max) : text.slice(0, max).replace(/\S+$/, '');
  return `${cut.trimEnd()}…`;
}

export function checkPageSizeLimit(run: ProbeRun): CheckResult {
  const title = 'PageSize 2000 accepted, 2001 refused';
  const [max, over] = [findExchange(run, 'page-size-2000'), findExchange(run, 'page-size-2001')];
  if (max === undefined || over === undefined) return unknown(title, 'not tried');
  const saw = `PageSize 2000: ${describeAnswer(max)}; PageSize 2001: ${describeAnswer(over)}`;
  if (max.status !== 200) {
    return {
      title,
      verdict: 'differs',
      saw,
      gateway: 'asks for up to 2000 logs per call (first/last up to 2000): pages above the upstream\'s cap fail with BAD_USER_INPUT; ask callers to keep first/last below it',
    };
  }
  if (over.status === 400) return { title, verdict: 'ok', saw };
  return { title, verdict: 'differs', saw, gateway: 'nothing to do: the gateway never asks for more than 2000' };
}

export function checkPastEnd(run: ProbeRun): CheckResult {
  const title = 'a page past the end';
  const past = findExchange(run, 'page-past-end');
  if (past === undefined) return unknown(title, 'not tried');
  const p = paginationOf(past);
  const first = paginationOf(findExchange(run, 'page-1'));
  const saw = `PageNumber ${past.query.PageNumber}: ${describeAnswer(past)}${p ? `, totalCount ${String(p.totalCount)}, hasNextPage ${String(p.hasNextPage)}` : ''}`;
  if (past.status === 200 && itemsOf(past).length === 0 && p?.hasNextPage === false && p.totalCount === first?.totalCount) {
    return { title, verdict: 'ok', saw };
  }
  return {
    title,
    verdict: 'differs',
    saw,
    gateway: 'a walk that reaches past the last page (logs deleted meanwhile) then fails or repeats logs; no setting absorbs this',
  };
}

const ERROR_BODY_KEYS = ['statusCode', 'type', 'description', 'correlationId', 'errors'];

export function checkBadParameter(run: ProbeRun): CheckResult {
  const title = 'error body for a bad parameter';
  const bad = findExchange(run, 'bad-parameter');
  if (bad === undefined) return unknown(title, 'not tried');
  const keys = isObject(bad.body) ? Object.keys(bad.body) : [];
  const lower = new Set(keys.map((k) => k.toLowerCase()));
  const missing = ERROR_BODY_KEYS.filter((k) => !lower.has(k.toLowerCase()));
  const saw = `StartDate=not-a-date: ${describeAnswer(bad)}; body keys: ${keys.length > 0 ? keys.join(', ') : 'none (not a JSON object)'}`;
  if (bad.status === 400 && missing.length === 0) return { title, verdict: 'ok', saw };
  return {
    title,
    verdict: 'differs',
    saw: missing.length > 0 ? `${saw}; documented keys missing: ${missing.join(', ')}` : saw,
    gateway:
      bad.status === 400
        ? 'answers BAD_USER_INPUT either way; the body only fills extensions.upstream'
        : `maps ${bad.status || 'no response'} by its status, not as BAD_USER_INPUT`,
  };
}

export function checkBadToken(run: ProbeRun): CheckResult {
  const title = 'error for a bad token';
  const bad = findExchange(run, 'bad-token');
  if (bad === undefined) return unknown(title, run.authErrorsAsked ? 'not tried: the probe stopped before it' : 'not tried (pass --with-auth-errors)');
  const saw = `${describeAnswer(bad)}${isObject(bad.body) ? `; body keys: ${Object.keys(bad.body).join(', ')}` : ''}`;
  if (bad.status === 401) return { title, verdict: 'ok', saw };
  return {
    title,
    verdict: 'differs',
    saw,
    gateway: bad.status === 403 ? 'answers FORBIDDEN instead of UNAUTHENTICATED' : 'does not answer UNAUTHENTICATED for a rejected token',
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function checkLatency(run: ProbeRun): CheckResult {
  const title = 'latency';
  const times = run.exchanges.filter((e) => e.status !== 0).map((e) => e.ms).sort((a, b) => a - b);
  if (times.length === 0) return unknown(title, 'no call was answered');
  const ms = (value: number) => `${Math.round(value)} ms`;
  return {
    title,
    verdict: 'ok',
    saw: `${times.length} calls: p50 ${ms(percentile(times, 50))}, p90 ${ms(percentile(times, 90))}, p99 ${ms(percentile(times, 99))}, max ${ms(times.at(-1)!)}`,
  };
}

