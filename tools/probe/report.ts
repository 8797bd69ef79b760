import { createScrubber, printable } from '../replay/scrub.js';
import type { CheckResult } from './checks.js';
import type { ProbeRun } from './exchange.js';

export interface ProbeReport {
  lines: string[];
  /** 0: every assumption holds; 1: one differs; 2: the probe could not finish (and nothing differs). */
  exitCode: 0 | 1 | 2;
  /** The settings that make the gateway fit this upstream, by name. */
  settings: Record<string, string>;
}

/** The settings every check asks for, merged (later checks add, never remove). */
export function fittingSettings(results: readonly CheckResult[]): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const result of results) Object.assign(settings, result.settings);
  return settings;
}

/** The printed report: one line per assumption, what the gateway does, the settings, the verdict. Pure. */
export function formatReport(upstream: string, run: ProbeRun, results: readonly CheckResult[]): ProbeReport {
  const lines = [`probe of ${upstream}: ${run.exchanges.length} calls${run.stoppedBecause ? `, stopped early: ${run.stoppedBecause}` : ''}`];
  for (const result of results) {
    lines.push(`${result.verdict.padEnd(8)}${result.title}: ${result.saw}`);
    if (result.gateway !== undefined) lines.push(`${''.padEnd(8)}→ the gateway ${result.gateway}`);
  }
  const settings = fittingSettings(results);
  const assignments = Object.entries(settings).map(([name, value]) => `${name}=${value}`);
  lines.push(assignments.length > 0 ? `settings: ${assignments.join(' ')}` : 'settings: none needed');
  const differs = results.filter((r) => r.verdict === 'differs').length;
  const unknowns = results.filter((r) => r.verdict === 'unknown').length;
  const exitCode = differs > 0 ? 1 : run.stoppedBecause ? 2 : 0;
  lines.push(`result: ${results.length - differs - unknowns} ok, ${differs} differ, ${unknowns} unknown`);
  return { lines, exitCode, settings };
}

/** The upstream URL as printed: scheme, host and path only (never credentials or a query). */
export function printableUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, '')}`;
}

/** What no printed line or recording may show: the token, alone and as the header value, and the tenant. */
export function probeSecrets(token: string, tenant: string): string[] {
  return [token, `Bearer ${token}`, tenant];
}

/**
 * Makes one line safe to print: the secrets (in any case) and any bearer token
 * replaced as in a recording, and control characters shown as escapes. Lines
 * carry upstream text (error descriptions, keys, status values), which may echo
 * the request or hold terminal escape sequences.
 */
export function createLinePrinter(secrets: readonly string[]): (line: string) => string {
  const scrubber = createScrubber({ secrets });
  return (line) => printable(scrubber.text(line));
}
