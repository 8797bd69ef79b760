import { describe, expect, it } from 'vitest';
import { checkBadParameter, checkBadToken, checkOrder, checkPagination, checkStatuses, percentile, runChecks, shorten } from '../../tools/probe/checks.js';
import type { ProbeExchange, ProbeRun } from '../../tools/probe/exchange.js';
import { analyseItemKeys } from '../../tools/probe/item-keys.js';
import { createLinePrinter, formatReport, probeSecrets } from '../../tools/probe/report.js';
import { capDepth, MAX_JSON_DEPTH, TOO_DEEP } from '../../src/model/json-depth.js';
import { createScrubber, printable } from '../../tools/replay/scrub.js';
import { normaliseQuery } from '../../tools/replay/recording.js';
import { DOCUMENTED_DIALECT } from '../../src/model/dialect.js';

const item = (id: string, timestamp: string, status = 'Succeded') => ({ id, timestamp, status, operation: 'CreateOrder' });

function page(number: number, items: object[], pagination: object, size = 20): ProbeExchange {
  return {
    name: `page-${number}`,
    query: { PageNumber: String(number), PageSize: String(size) },
    credentials: 'given',
    status: 200,
    body: { items, paginationParameters: pagination },
    ms: 10,
  };
}

describe('the checks, over recorded exchanges', () => {
  it('see pagination that does not add up', () => {
    const run: ProbeRun = {
      exchanges: [page(1, [item('a', '2026-01-02T00:00:00Z')], { totalCount: 30, totalPages: 1, hasNextPage: false, hasPreviousPage: false })],
    };
    const result = checkPagination(run);
    expect(result.verdict).toBe('differs');
    expect(result.saw).toMatch(/totalPages 1, expected 2/);
    expect(result.saw).toMatch(/1 items, expected 20/);
  });

  it('see a 200 whose body is not a JSON object, instead of failing on it', () => {
    const run: ProbeRun = { exchanges: [{ ...page(1, [], {}), body: '<html>Maintenance</html>' }] };
    const result = checkPagination(run);
    expect(result.verdict).toBe('differs');
    expect(result.saw).toBe('page-1: the body is not a JSON object');
    expect(() => runChecks(run, DOCUMENTED_DIALECT)).not.toThrow();
  });

  it('see logs out of order across pages', () => {
    const run: ProbeRun = {
      exchanges: [
        page(1, [item('a', '2026-01-03T00:00:00Z'), item('b', '2026-01-02T00:00:00Z')], {}, 2),
        page(2, [item('c', '2026-01-02T00:00:00.0000001Z')], {}, 2),
      ],
    };
    const analysis = analyseItemKeys([], DOCUMENTED_DIALECT);
    const result = checkOrder(run, { ...analysis, findings: [{ key: 'timestamp', found: 'camel', as: 'timestamp', missingIn: 0 }] });
    expect(result.verdict).toBe('differs');
    expect(result.saw).toMatch(/2026-01-02T00:00:00.0000001Z follows/);
  });

  it('guess status spellings, and leave an unguessable one to be mapped by hand', () => {
    const items = [item('a', '2026-01-01T00:00:00Z', 'Success'), item('b', '2026-01-01T00:00:00Z', 'Weird')];
    const result = checkStatuses(items, analyseItemKeys(items, DOCUMENTED_DIALECT), DOCUMENTED_DIALECT);
    expect(result.verdict).toBe('differs');
    expect(result.settings).toEqual({ UPSTREAM_STATUS_MAP: 'SUCCEEDED:Success' });
    expect(result.gateway).toMatch(/no guess for Weird/);
  });

  it('guess a renamed timestamp by its values when the name is not a known one', () => {
    const items = [{ id: 'a', whenItHappened: '2026-01-01T00:00:00Z', operation: 'X', status: 'Failed' }];
    const analysis = analyseItemKeys(items, DOCUMENTED_DIALECT);
    expect(analysis.fieldMap).toEqual({ timestamp: 'whenItHappened' });
  });

  it('tell a 403 for a bad token from the expected 401', () => {
    const run: ProbeRun = { exchanges: [{ name: 'bad-token', query: {}, credentials: 'invalid', status: 403, body: '', ms: 1 }] };
    expect(checkBadToken(run)).toMatchObject({ verdict: 'differs', gateway: expect.stringMatching(/FORBIDDEN/) });
  });

  it('ask for --with-auth-errors only when it was not given', () => {
    const stopped: ProbeRun = { exchanges: [{ ...page(1, [], {}), status: 404, body: '' }], stoppedBecause: 'the first call was answered 404' };
    expect(checkBadToken(stopped).saw).toBe('not tried (pass --with-auth-errors)');
    expect(checkBadToken({ ...stopped, authErrorsAsked: true }).saw).toBe('not tried: the probe stopped before it');
  });

  it('report unknown, not ok, for what was never tried, and exit 2 when the run stopped early', () => {
    const run: ProbeRun = { exchanges: [{ ...page(1, [], {}), status: 429, body: '' }], stoppedBecause: 'the upstream answered 429 (too many requests)' };
    const results = runChecks(run, DOCUMENTED_DIALECT);
    expect(results.filter((r) => r.verdict === 'ok').map((r) => r.title)).toEqual(['latency']);
    const report = formatReport('http://upstream', run, results);
    expect(report.exitCode).toBe(2);
    expect(report.lines[0]).toMatch(/stopped early: the upstream answered 429/);
  });

  it('percentiles are nearest-rank', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([7], 99)).toBe(7);
  });
});

describe('printed lines', () => {
  it('show control characters as escapes and leave other text alone', () => {
    expect(printable('a\u001b[2Jb\u0007c\u009b31md\u007fe\nf\tg\u0000')).toBe('a\\u001b[2Jb\\u0007c\\u009b31md\\u007fe\\u000af\\u0009g\\u0000');
    expect(printable('Zoë → 日本 ok')).toBe('Zoë → 日本 ok');
  });

  it('carry neither the token, with or without Bearer, the tenant in any case, nor any bearer token', () => {
    const print = createLinePrinter(probeSecrets('tok-abcdef-123', 'Contoso.Example'));
    const line = print('sent tok-abcdef-123 as BEARER TOK-ABCDEF-123 for contoso.example, and bearer someone.else\u001b[0m');
    expect(line).not.toMatch(/tok-abcdef|contoso|someone/i);
    expect(line).not.toContain('\u001b');
    expect(line).toContain('\\u001b[0m');
  });

  it('cut long upstream text only where a word ends, so no secret shows in part', () => {
    expect(shorten('short', 80)).toBe('short');
    expect(shorten('one two three', 6)).toBe('one…');
    expect(shorten('one two three', 7)).toBe('one two…');
    const description = `${'word '.repeat(14)}tok-abcdef-123 was refused`;
    const bad: ProbeExchange = { name: 'bad-parameter', query: {}, credentials: 'given', status: 400, body: { description }, ms: 1 };
    const { saw } = checkBadParameter({ exchanges: [bad] });
    expect(saw).toContain(`"${'word '.repeat(14).trimEnd()}…"`);
    expect(saw).not.toContain('tok-');
  });
});

describe('recording', () => {
  it('scrubs secrets, personal fields and e-mail addresses with stable fakes', () => {
    const scrub = createScrubber({ secrets: ['tok-123456', 'tenant.example'] });
    const body = scrub.json({
      items: [
        { UserName: 'Alice Smith', details: 'mail bob@corp.example about tenant.example', Actor: 'x' },
        { userName: 'Alice Smith', note: 'token tok-123456' },
      ],
    }) as { items: Record<string, string>[] };
    const text = JSON.stringify(body);
    for (const secret of ['Alice', 'bob@corp.example', 'tok-123456', 'tenant.example']) expect(text).not.toContain(secret);
    expect(body.items[0]!.UserName).toBe(body.items[1]!.userName);
    expect(body.items[0]!.details).toMatch(/^mail email-[0-9a-f]{10} about \[redacted\]$/);
  });

  it('replaces the secrets in any case, in keys, values and query strings, and any bearer token', () => {
    const scrub = createScrubber({ secrets: ['tok-123456', 'Contoso.Example'] });
    const body = scrub.json({ 'contoso.example': { note: 'CONTOSO.EXAMPLE asked with TOK-123456', echoed: 'Authorization: bearer someone-elses.token' } });
    const text = JSON.stringify(body);
    expect(text).not.toMatch(/contoso\.example|tok-123456|someone-elses/i);
    expect(text).toContain('bearer [redacted]');
    const query = scrub.query('Customer=contoso.example&CONTOSO.EXAMPLE=1&PageNumber=1');
    expect(query).not.toMatch(/contoso/i);
    expect(query).toBe(normaliseQuery('Customer=[redacted]&[redacted]=1&PageNumber=1'));
  });

  it('finds e-mail addresses in a long run of letters without rescanning it from each letter', () => {
    const scrub = createScrubber({ secrets: [] });
    // A 1 MiB word with no "@": rescanned from each letter, this would take many minutes.
    const word = 'a'.repeat(1024 * 1024);
    expect(scrub.text(word)).toBe(word);
    expect(scrub.text(`<bob@corp.example>, ${word.slice(0, 10)}.c+d@x.y.z`)).toMatch(/^<email-[0-9a-f]{10}>, email-[0-9a-f]{10}$/);
  });

  it('normalises a query so the upstream-equal ones match', () => {
    expect(normaliseQuery('PageSize=5&pageNumber=1&Status=Failed')).toBe(normaliseQuery({ status: 'Failed', PAGENUMBER: '1', pagesize: '5' }));
    expect(normaliseQuery('EndDate=2026-11-20T10%3A15%3A30.123Z')).toBe('enddate=2026-11-20T10%3A15%3A30.123Z');
  });
});

describe('JSON nested 20,000 levels deep', () => {
  const DEPTH = 20_000;
  const deepArray = () => JSON.parse(`${'['.repeat(DEPTH)}1${']'.repeat(DEPTH)}`) as unknown;
  const deepObject = () => JSON.parse(`${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`) as unknown;

  it('is cut below the fixed depth, so it can be written and printed', () => {
    expect(JSON.stringify(capDepth(deepArray()))).toBe(`${'['.repeat(MAX_JSON_DEPTH)}"${TOO_DEEP}"${']'.repeat(MAX_JSON_DEPTH)}`);
    expect(JSON.stringify(capDepth(deepObject()))).toBe(`${'{"a":'.repeat(MAX_JSON_DEPTH)}"${TOO_DEEP}"${'}'.repeat(MAX_JSON_DEPTH)}`);
    expect(String(capDepth(deepArray()))).toBe(TOO_DEEP);
  });

  it('keeps JSON within the depth as it is', () => {
    const page = { items: [{ id: 'a', raw: { nested: [[{ x: [1, 2] }]] } }], paginationParameters: { totalCount: 1 } };
    expect(capDepth(page)).toEqual(page);
  });

  it('is scrubbed without overflowing the stack, and cut like the rest', () => {
    const scrub = createScrubber({ secrets: ['tok-123456'] });
    const scrubbed = scrub.json({ items: [{ id: 'tok-123456', details: deepArray(), raw: deepObject() }] });
    const text = JSON.stringify(scrubbed);
    expect(text).toContain(`"details":${'['.repeat(MAX_JSON_DEPTH - 3)}"${TOO_DEEP}"`);
    expect(text).not.toContain('tok-123456');
  });
});
