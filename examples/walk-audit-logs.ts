/**
 * A plain TypeScript client of the gateway: walks every page of a filter with `after`,
 * then refetches the newest log by its global id and prints a summary. Its documents
 * are those of operations/, typed by graphql-codegen's client preset (`npm run codegen`
 * writes examples/generated/) and sent by id alone, so it runs against a gateway with
 * PERSISTED_DOCUMENTS=examples/generated/persisted-documents.json, also with
 * TRUSTED_DOCUMENTS_ONLY=true.
 *
 *   npx tsx examples/walk-audit-logs.ts --status FAILED --operation CreateOrder --page-size 100
 *
 * Environment: GATEWAY_URL (default http://localhost:4000/graphql), AUTHORIZATION and
 * X_TENANT (default: the embedded sample upstream's credentials). `--json` prints the
 * summary as JSON.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  AuditLogByIdDocument,
  WalkAuditLogsDocument,
  type AuditLogFilter,
  type AuditLogStatus,
  type AuditLogSummaryFragment,
  type WalkAuditLogsQuery,
} from './generated/graphql.js';
import { createPersistedExecutor, GatewayErrors, type Execute } from './persisted-documents.js';

export interface WalkSummary {
  /** `totalCount` as the first page reported it (the same on every page of a walk). */
  totalCount: number;
  pages: number;
  logs: number;
  /** Distinct global ids seen: equal to `logs` when no page repeated an item. */
  distinctIds: number;
  newest: string | null;
  oldest: string | null;
  byOperation: Record<string, number>;
  byStatus: Record<string, number>;
}

/** Follows `pageInfo.endCursor` until `hasNextPage` is false, with the same filter on every page. */
export async function walkAuditLogs(
  execute: Execute,
  filter: AuditLogFilter,
  pageSize: number,
  onLog: (log: AuditLogSummaryFragment) => void = () => {},
): Promise<WalkSummary> {
  const summary: WalkSummary = { totalCount: 0, pages: 0, logs: 0, distinctIds: 0, newest: null, oldest: null, byOperation: {}, byStatus: {} };
  const ids = new Set<string>();
  let after: string | null = null;
  do {
    const { auditLogs }: WalkAuditLogsQuery = await execute(WalkAuditLogsDocument, { filter, first: pageSize, after });
    if (summary.pages === 0) summary.totalCount = auditLogs.totalCount;
    summary.pages += 1;
    for (const { node } of auditLogs.edges) {
      summary.logs += 1;
      ids.add(node.id);
      summary.newest ??= node.timestamp; // newest first
      summary.oldest = node.timestamp;
      count(summary.byOperation, node.operation ?? '(none)');
      count(summary.byStatus, node.status ?? '(unknown)');
      onLog(node);
    }
    after = auditLogs.pageInfo.hasNextPage ? auditLogs.pageInfo.endCursor : null;
  } while (after !== null);
  summary.distinctIds = ids.size;
  return summary;
}

function count(tally: Record<string, number>, key: string): void {
  tally[key] = (tally[key] ?? 0) + 1;
}

function readFilter(values: { status?: string; operation?: string[]; reseller?: string; customer?: string; since?: string; until?: string }): AuditLogFilter {
  const filter: AuditLogFilter = {};
  if (values.status) filter.status = values.status.toUpperCase() as AuditLogStatus;
  if (values.operation?.length) filter.operations = values.operation;
  if (values.reseller) filter.reseller = values.reseller;
  if (values.customer) filter.customer = values.customer;
  if (values.since) filter.startDate = readDateTime('--since', values.since);
  if (values.until) filter.endDate = readDateTime('--until', values.until);
  return filter;
}

const USAGE = `Usage: npx tsx examples/walk-audit-logs.ts [options]

Walks every page of a filter through the gateway and prints a summary.

  --status <status>        SUCCEEDED, FAILED or PROCESSING (any case)
  --operation <name>       an operation such as CreateOrder; repeat for several
  --reseller <name>        reseller name contains
  --customer <name>        customer name contains
  --since <date-time>      oldest log, e.g. 2026-11-01T00:00:00Z; a date (2026-11-01) is that day's start in UTC
  --until <date-time>      newest log, likewise (--until 2026-11-20 ends at the start of the 20th)
  --page-size <n>          logs per page, 1 to 2000 (default 100)
  --json                   print the summary as JSON
  -h, --help               this text

Environment: GATEWAY_URL (default http://localhost:4000/graphql), AUTHORIZATION and
X_TENANT (default: the embedded sample upstream's credentials).`;

/** A bad command line: the message and a pointer to --help, exit status 2. */
class UsageError extends Error {}

const gatewayUrl = () => process.env.GATEWAY_URL ?? 'http://localhost:4000/graphql';

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A date-time with a zone as given; a plain date as the start of that day in UTC. */
function readDateTime(option: string, value: string): string {
  const text = DATE.test(value) ? `${value}T00:00:00Z` : value;
  if (!DATE_TIME.test(text) || !Number.isFinite(Date.parse(text))) {
    throw new UsageError(`${option} must be a date-time with a zone, such as 2026-11-01T00:00:00Z, or a date such as 2026-11-01 (got ${value})`);
  }
  return text;
}

/** What went wrong, in one line a user can act on; the gateway's errors keep their code and correlation id. */
function describeFailure(error: unknown, gatewayUrl: string): string {
  if (error instanceof GatewayErrors) {
    return error.errors.map((e) => `${String(e.extensions?.code ?? 'ERROR')}: ${e.message} (correlation id ${String(e.extensions?.correlationId ?? '-')})`).join('\n');
  }
  // fetch's own failure ("fetch failed") says nothing; its cause names the refused or unresolved address.
  if (error instanceof TypeError && error.message === 'fetch failed') {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `cannot reach the gateway at ${gatewayUrl}${cause}: start it with \`npm start\`, or set GATEWAY_URL to where it runs`;
  }
  return error instanceof Error ? error.message : String(error);
}

function printSummary(filter: AuditLogFilter, summary: WalkSummary, newest: AuditLogSummaryFragment | null, seconds: number): void {
  const rows = (tally: Record<string, number>) =>
    Object.entries(tally)
      .sort(([, a], [, b]) => b - a)
      .map(([key, n]) => `  ${key.padEnd(24)} ${String(n).padStart(6)}`)
      .join('\n');
  console.log(`Filter: ${JSON.stringify(filter)}`);
  console.log(`Walked ${summary.pages} pages: ${summary.logs} audit logs (totalCount ${summary.totalCount}) in ${seconds.toFixed(2)} s`);
  if (summary.logs !== summary.totalCount || summary.distinctIds !== summary.logs) {
    console.log(`Warning: ${summary.distinctIds} distinct ids for ${summary.logs} logs and a totalCount of ${summary.totalCount}`);
  }
  console.log(`Newest: ${summary.newest ?? '-'}   Oldest: ${summary.oldest ?? '-'}`);
  if (summary.logs > 0) console.log(`By operation:\n${rows(summary.byOperation)}\nBy status:\n${rows(summary.byStatus)}`);
  if (newest) console.log(`Newest, refetched by id: ${newest.operation} by ${newest.userName} for ${newest.customerName}: ${newest.details}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      status: { type: 'string' },
      operation: { type: 'string', multiple: true },
      reseller: { type: 'string' },
      customer: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      'page-size': { type: 'string', default: '100' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return void console.log(USAGE);
  const execute = createPersistedExecutor(gatewayUrl(), {
    Authorization: process.env.AUTHORIZATION ?? 'Bearer sample-token',
    'X-Tenant': process.env.X_TENANT ?? 'sample.cloudcockpit.example',
  });
  const filter = readFilter(values);
  const started = performance.now();
  let newestId: string | null = null;
  const summary = await walkAuditLogs(execute, filter, Number(values['page-size']), (log) => {
    newestId ??= log.id;
  });
  const seconds = (performance.now() - started) / 1000;
  const newest = newestId === null ? null : (await execute(AuditLogByIdDocument, { id: newestId })).node;
  if (values.json) console.log(JSON.stringify({ filter, ...summary, newestRefetched: newest }));
  else printSummary(filter, summary, newest, seconds);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    // A bad command line (ours, or parseArgs' own) exits 2 and points to --help.
    if (error instanceof UsageError || String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
      console.error(`${(error as Error).message}\nSee --help.`);
      process.exit(2);
    }
    console.error(describeFailure(error, gatewayUrl()));
    process.exit(1);
  });
}
