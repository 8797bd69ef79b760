import { afterAll, describe, expect, it } from 'vitest';
import { type RecordedRequest, type SampleLog, SAMPLE_RESELLERS } from '../../../tools/sample-upstream/index.js';
import {
  GatewayWalkPageDocument,
  type AuditLogFilter,
  type GatewayWalkPageQuery,
} from '../../generated/operations.js';
import { useHarness } from '../../support/use-harness.js';
import { expectNoBearerTokenLeaks } from '../../support/secrecy.js';

/**
 * Every filter field reaches the upstream under its documented name and spelling,
 * the time window is always sent, and what comes back is really filtered.
 */

const h = useHarness();

afterAll(async () => {
  expect(expectNoBearerTokenLeaks(h)).toBeGreaterThan(0);
});

/** One page through the gateway, and the single upstream request it made. */
async function pageWithRequest(
  filter: AuditLogFilter,
  first = 2000,
): Promise<{ page: GatewayWalkPageQuery['auditLogs']; sent: RecordedRequest }> {
  const before = h.sample.requests.length;
  const response = await h.graphql(GatewayWalkPageDocument, { filter, first });
  expect(response.body.errors).toBeUndefined();
  const sent = h.sample.requests.slice(before);
  expect(sent).toHaveLength(1);
  return { page: response.body.data!.auditLogs, sent: sent[0]! };
}

/** The sample upstream's own logs in the request's window that pass `keep`, newest first. */
function expectedIds(sent: RecordedRequest, keep: (log: SampleLog) => boolean): string[] {
  const start = Date.parse(sent.query.StartDate!);
  const end = Date.parse(sent.query.EndDate!);
  return h.sample.store
    .all()
    .filter((log) => {
      const ms = Date.parse(log.timestamp);
      return ms >= start && ms <= end && keep(log);
    })
    .map((log) => log.id);
}

const ids = (page: GatewayWalkPageQuery['auditLogs']) => page.edges.map((edge) => edge.node.auditLogId);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const contoso = SAMPLE_RESELLERS[0]!;

describe('filters reaching the upstream', () => {
  it('sends only PageNumber, PageSize and the pinned StartDate/EndDate without a filter', async () => {
    const startedAt = Date.now();
    const { sent } = await pageWithRequest({}, 25);
    expect(Object.keys(sent.query).sort()).toEqual(['EndDate', 'PageNumber', 'PageSize', 'StartDate']);
    expect(sent.query.PageNumber).toBe('1');
    expect(sent.query.PageSize).toBe('26'); // the page and one more, which tells whether another follows
    expect(sent.query.StartDate).toMatch(ISO);
    expect(sent.query.EndDate).toMatch(ISO);
    // EndDate is "now" of the operation, StartDate one calendar month before it.
    const end = Date.parse(sent.query.EndDate!);
    expect(end).toBeGreaterThanOrEqual(startedAt);
    expect(end).toBeLessThanOrEqual(Date.now());
    const start = new Date(sent.query.StartDate!);
    const monthAfterStart = new Date(start);
    monthAfterStart.setUTCMonth(start.getUTCMonth() + 1);
    expect(Math.abs(monthAfterStart.getTime() - end)).toBeLessThanOrEqual(3 * 86_400_000);
    expect(start.getUTCHours()).toBe(new Date(end).getUTCHours());
  });

  it('maps SUCCEEDED to Status=Succeded and returns only succeeded logs', async () => {
    const { page, sent } = await pageWithRequest({ status: 'SUCCEEDED', customer: 'Winery' });
    expect(sent.query.Status).toBe('Succeded');
    expect(page.edges.every((edge) => edge.node.status === 'SUCCEEDED')).toBe(true);
    expect(ids(page)).toEqual(expectedIds(sent, (log) => log.status === 'Succeded' && log.customerName === 'Coho Winery'));
  });

  it.each([
    ['PROCESSING', 'Processing'],
    ['FAILED', 'Failed'],
  ] as const)('maps %s to Status=%s', async (status, upstream) => {
    const { page, sent } = await pageWithRequest({ status });
    expect(sent.query.Status).toBe(upstream);
    expect(page.totalCount).toBe(expectedIds(sent, (log) => log.status === upstream).length);
    expect(page.edges.every((edge) => edge.node.status === status)).toBe(true);
  });

  it('joins operations with "|" and returns only those operations', async () => {
    const { page, sent } = await pageWithRequest({ operations: ['CancelOrder', 'SuspendSubscription'] });
    expect(sent.query.Operations).toBe('CancelOrder|SuspendSubscription');
    const operations = new Set(page.edges.map((edge) => edge.node.operation));
    expect(operations).toEqual(new Set(['CancelOrder', 'SuspendSubscription']));
    expect(ids(page)).toEqual(
      expectedIds(sent, (log) => log.operation === 'CancelOrder' || log.operation === 'SuspendSubscription'),
    );
  });

  it('sends Reseller and Customer as substrings, exactly as given', async () => {
    const { page, sent } = await pageWithRequest({ reseller: 'Traders', customer: 'Ski ' });
    expect(sent.query.Reseller).toBe('Traders');
    expect(sent.query.Customer).toBe('Ski ');
    expect(page.totalCount).toBeGreaterThan(0);
    expect(page.edges.every((edge) => edge.node.resellerName === 'Northwind Traders')).toBe(true);
    expect(page.edges.every((edge) => edge.node.customerName === 'Alpine Ski House')).toBe(true);
    expect(ids(page)).toEqual(expectedIds(sent, (log) => log.customerName === 'Alpine Ski House'));
  });

  it('sends resellerId and returns only that reseller', async () => {
    const { page, sent } = await pageWithRequest({ resellerId: contoso.id });
    expect(sent.query.resellerId).toBe(contoso.id);
    expect(page.edges.every((edge) => edge.node.resellerId === contoso.id)).toBe(true);
    expect(ids(page)).toEqual(expectedIds(sent, (log) => log.resellerId === contoso.id));
  });

  it('sends startDate and endDate as given (endDate capped at now) and returns only that window', async () => {
    const startDate = new Date(Date.now() - 5 * 86_400_000).toISOString();
    const endDate = new Date(Date.now() - 2 * 86_400_000).toISOString();
    const { page, sent } = await pageWithRequest({ startDate, endDate });
    expect(sent.query.StartDate).toBe(startDate);
    expect(sent.query.EndDate).toBe(endDate);
    expect(page.totalCount).toBeGreaterThan(0);
    for (const edge of page.edges) {
      expect(edge.node.timestamp >= startDate && edge.node.timestamp <= endDate).toBe(true);
    }
    expect(ids(page)).toEqual(expectedIds(sent, () => true).slice(0, 2000));

    const future = new Date(Date.now() + 86_400_000).toISOString();
    const capped = await pageWithRequest({ startDate, endDate: future }, 1);
    expect(Date.parse(capped.sent.query.EndDate!)).toBeLessThanOrEqual(Date.now());
  });

  it('combines every filter field in one upstream call', async () => {
    const filter: AuditLogFilter = {
      status: 'SUCCEEDED',
      operations: ['CreateOrder', 'AssignLicense'],
      reseller: 'Contoso',
      customer: 'Fabrikam',
      resellerId: contoso.id,
      startDate: new Date(Date.now() - 20 * 86_400_000).toISOString(),
    };
    const { page, sent } = await pageWithRequest(filter, 7);
    expect(sent.query).toMatchObject({
      PageNumber: '1',
      PageSize: '8',
      Status: 'Succeded',
      Operations: 'CreateOrder|AssignLicense',
      Reseller: 'Contoso',
      Customer: 'Fabrikam',
      resellerId: contoso.id,
      StartDate: filter.startDate,
    });
    expect(sent.query.EndDate).toMatch(ISO);
    const keep = (log: SampleLog) =>
      log.status === 'Succeded' &&
      (log.operation === 'CreateOrder' || log.operation === 'AssignLicense') &&
      log.customerName === 'Fabrikam Ltd' &&
      log.resellerId === contoso.id;
    const expected = expectedIds(sent, keep);
    expect(expected.length).toBeGreaterThan(7);
    expect(page.totalCount).toBe(expected.length);
    expect(ids(page)).toEqual(expected.slice(0, 7));
  });
});
