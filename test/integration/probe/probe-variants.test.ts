import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { dialectOf as dialectOfConfig } from '../../../src/upstream/index.js';
import { probeUpstream, type ProbeResult } from '../../../tools/probe/probe.js';
import { SAMPLE_VARIANTS, startSampleUpstream, type SampleUpstream, type SampleVariantName } from '../../../tools/sample-upstream/index.js';
import type { UpstreamDialect } from '../../../src/model/dialect.js';
import { parseInstant } from '../../../src/model/instant.js';
import type { AuditLogFilter, AuditLogStatus } from '../../generated/operations.js';
import { startHarness } from '../../support/harness.js';
import { walkPage, type WalkPage } from '../../support/walk.js';

const NOW = new Date('2026-11-20T12:00:00.000Z');
const TOKEN = 'variant-probe-token';
const TENANT = 'variant.cloudcockpit.example';

async function probe(sample: SampleUpstream, dialect?: UpstreamDialect): Promise<ProbeResult> {
  return probeUpstream({ upstreamUrl: sample.url, token: TOKEN, tenant: TENANT, paceMs: 0, withAuthErrors: true, now: NOW, dialect });
}

const line = (result: ProbeResult, title: string) => result.lines.find((l) => l.includes(`${title}:`)) ?? '';

/** The gateway configured with `settings` as environment variables, as main.ts would be. */
function dialectOf(settings: Record<string, string>): UpstreamDialect {
  return dialectOfConfig(loadConfig(settings));
}

/** Logs of the store in [from, to] at full precision, newest first: what a walk over that window must return. */
function expectedIds(sample: SampleUpstream, from: string, to: string, status?: string): string[] {
  const [lo, hi] = [parseInstant(from)!, parseInstant(to)!];
  return sample.store
    .all()
    .filter((log) => {
      const at = parseInstant(log.timestamp)!;
      const after = at.ms > lo.ms || (at.ms === lo.ms && at.ns >= lo.ns);
      const before = at.ms < hi.ms || (at.ms === hi.ms && at.ns <= hi.ns);
      return after && before && (status === undefined || log.status === status);
    })
    .map((log) => log.id);
}

/** A window whose two ends are exactly the timestamps of real logs (with millisecond timestamps). */
function windowOnLogs(sample: SampleUpstream): { startDate: string; endDate: string } {
  const plain = sample.store.all().filter((log) => log.timestamp.length === 24);
  return { endDate: plain[30]!.timestamp, startDate: plain[150]!.timestamp };
}

async function walk(upstreamUrl: string, settings: Record<string, string>, filter: AuditLogFilter): Promise<WalkPage['edges'][number]['node'][]> {
  const { upstreamStartDateExclusive, upstreamEndDateExclusive, upstreamFieldMap, upstreamStatusMap, upstreamKeyCase } = loadConfig(settings);
  const config = { upstreamStartDateExclusive, upstreamEndDateExclusive, upstreamFieldMap, upstreamStatusMap, upstreamKeyCase };
  const h = await startHarness({ upstreamUrl, sampleOptions: { count: 1 }, config });
  try {
    const nodes: WalkPage['edges'][number]['node'][] = [];
    let after: string | null | undefined;
    for (let i = 0; i < 20; i++) {
      const page = await walkPage(h, { filter, first: 40, after });
      nodes.push(...page.edges.map((edge) => edge.node));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    return nodes;
  } finally {
    await h.close();
  }
}

describe('the probe against the sample upstream', () => {
  let sample: SampleUpstream;
  beforeAll(async () => {
    sample = await startSampleUpstream({ now: NOW, precise: true });
  });
  afterAll(() => sample.close());

  it('reports every assumption ok and exits 0, within the call budget', async () => {
    const result = await probe(sample);
    const verdicts = result.results.map((r) => `${r.verdict} ${r.title}`);
    expect(verdicts.filter((v) => !v.startsWith('ok '))).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.lines.at(-2)).toBe('settings: none needed');
    expect(result.run.exchanges.length).toBeLessThanOrEqual(50);
    // It tested at full precision and found logs sharing a timestamp.
    expect(line(result, 'EndDate inclusive at full precision')).toMatch(/7 fractional digits/);
    expect(line(result, 'equal timestamps in the same order on every call')).toMatch(/^ok +equal timestamps.*\d+ logs at/);
  });

  it('stops at the first 429 and says so', async () => {
    sample.faults.add({ action: { type: 'status', status: 429 } });
    try {
      const result = await probe(sample);
      expect(result.run.exchanges.map((e) => e.status)).toEqual([429]);
      expect(result.run.stoppedBecause).toMatch(/429/);
      expect(result.exitCode).toBe(2);
    } finally {
      sample.faults.clear();
    }
  });
});

interface VariantCase {
  title: string;
  settings: Record<string, string>;
  /** Checks of the gateway's walk with the printed settings. */
  absorbed?: boolean;
}

const CASES: Record<SampleVariantName, VariantCase> = {
  'end-exclusive': { title: 'EndDate inclusive at full precision', settings: { UPSTREAM_END_DATE_EXCLUSIVE: 'true' }, absorbed: true },
  'start-exclusive': { title: 'StartDate inclusive at full precision', settings: { UPSTREAM_START_DATE_EXCLUSIVE: 'true' }, absorbed: true },
  'renamed-fields': { title: 'item keys', settings: { UPSTREAM_FIELD_MAP: 'timestamp:createdAt,operation:action' }, absorbed: true },
  'pascal-case': { title: 'item keys', settings: { UPSTREAM_KEY_CASE: 'pascal' }, absorbed: true },
  'status-spellings': { title: 'status values', settings: { UPSTREAM_STATUS_MAP: 'PROCESSING:InProgress,SUCCEEDED:Success,FAILED:Error' }, absorbed: true },
  'shuffled-ties': { title: 'equal timestamps in the same order on every call', settings: {} },
  'page-size-cap': { title: 'PageSize 2000 accepted, 2001 refused', settings: {} },
};

describe.each(Object.entries(CASES) as [SampleVariantName, VariantCase][])('the probe against the %s variant', (name, expected) => {
  let sample: SampleUpstream;
  let result: ProbeResult;
  beforeAll(async () => {
    sample = await startSampleUpstream({ now: NOW, precise: true, variant: SAMPLE_VARIANTS[name] });
    result = await probe(sample);
  });
  afterAll(() => sample.close());

  it('reports the difference, prints the settings and exits 1', () => {
    const differing = result.results.filter((r) => r.verdict === 'differs').map((r) => r.title);
    expect(differing).toEqual([expected.title]);
    expect(line(result, expected.title)).toMatch(/^differs /);
    expect(result.settings).toEqual(expected.settings);
    expect(result.exitCode).toBe(1);
  });

  it.runIf(expected.absorbed)('with the printed settings, the probe finds nothing left to differ', async () => {
    const again = await probe(sample, dialectOf(result.settings));
    expect(again.results.filter((r) => r.verdict !== 'ok').map((r) => r.title)).toEqual([]);
    expect(again.exitCode).toBe(0);
  });

  it.runIf(expected.absorbed)('with the printed settings, a multi-page walk through the gateway returns exactly the window', async () => {
    const window = windowOnLogs(sample);
    const nodes = await walk(sample.url, result.settings, window);
    const ids = expectedIds(sample, window.startDate, window.endDate);
    expect(ids.length).toBeGreaterThan(100);
    expect(nodes.map((n) => n.auditLogId)).toEqual(ids);
    const stored = new Map(sample.store.all().map((log) => [log.id, log]));
    for (const node of nodes) {
      const log = stored.get(node.auditLogId)!;
      expect(Date.parse(node.timestamp)).toBe(parseInstant(log.timestamp)!.ms);
      expect(node.operation).toBe(log.operation);
      expect(node.status).toBe({ Succeded: 'SUCCEEDED', Failed: 'FAILED', Processing: 'PROCESSING' }[log.status!]);
    }
  });

  it.runIf(name === 'status-spellings')('with the printed settings, the status filter is sent in the upstream spelling', async () => {
    const window = windowOnLogs(sample);
    const nodes = await walk(sample.url, result.settings, { ...window, status: 'FAILED' as AuditLogStatus });
    expect(nodes.map((n) => n.auditLogId)).toEqual(expectedIds(sample, window.startDate, window.endDate, 'Failed'));
    expect(nodes.length).toBeGreaterThan(0);
  });

  it.runIf(name === 'end-exclusive' || name === 'start-exclusive')('without the setting, the walk misses the log on the bound', async () => {
    const window = windowOnLogs(sample);
    const nodes = await walk(sample.url, {}, window);
    const ids = expectedIds(sample, window.startDate, window.endDate);
    const missed = name === 'end-exclusive' ? ids[0] : ids.at(-1);
    expect(nodes.map((n) => n.auditLogId)).not.toContain(missed);
  });
});
