import { createScrubber } from '../replay/scrub.js';
import { writeRecording, type RecordedExchange } from '../replay/recording.js';
import { DOCUMENTED_DIALECT } from '../../src/model/dialect.js';
import { runChecks, type CheckResult } from './checks.js';
import type { ProbeRun } from './exchange.js';
import { createLinePrinter, formatReport, printableUrl, probeSecrets, type ProbeReport } from './report.js';
import { runProbe, type ProbeOptions } from './runner.js';

export interface ProbeResult extends ProbeReport {
  run: ProbeRun;
  results: CheckResult[];
}

/** Runs the probe's calls, checks them, and (with `recordDir`) stores them scrubbed; the report's lines are safe to print. */
export async function probeUpstream(options: ProbeOptions & { recordDir?: string }): Promise<ProbeResult> {
  const run = await runProbe(options);
  const results = runChecks(run, options.dialect ?? DOCUMENTED_DIALECT);
  const secrets = probeSecrets(options.token, options.tenant);
  const report = formatReport(printableUrl(options.upstreamUrl), run, results);
  if (options.recordDir !== undefined) await recordRun(options.recordDir, run, secrets);
  return { ...report, lines: report.lines.map(createLinePrinter(secrets)), run, results };
}

/** Every exchange of the run, scrubbed of the secrets and of personal data, into `dir`. */
export async function recordRun(dir: string, run: ProbeRun, secrets: readonly string[]): Promise<void> {
  const scrub = createScrubber({ secrets });
  const exchanges: RecordedExchange[] = run.exchanges.map((exchange) => ({
    query: scrub.query(exchange.query),
    status: exchange.status,
    body: scrub.json(exchange.body),
    ...(exchange.credentials === 'invalid' ? { credentials: 'invalid' as const } : {}),
  }));
  await writeRecording(dir, exchanges);
}
