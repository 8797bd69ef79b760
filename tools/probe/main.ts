/**
 * `npm run probe -- --upstream <url | replay:dir> [--now <date-time>] [--record <dir>] [--with-auth-errors] [--pace-ms 200] [--max-calls 50]`
 *
 * Checks what the gateway assumes about the upstream (docs/real-api.md). The token
 * and tenant come from UPSTREAM_TOKEN and UPSTREAM_TENANT, never from the command
 * line, and are never printed. Exit 0: every assumption holds; 1: one differs;
 * 2: the probe could not run or finish. `replay:<dir>` probes a recording, served
 * as the gateway serves it; `--now` is then the time it was recorded at.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../../src/config.js';
import { dialectOf } from '../../src/upstream/index.js';
import { replayDirectory, startReplayServer, type RecordedWindow } from '../replay/index.js';
import { probeUpstream } from './probe.js';
import { createLinePrinter, probeSecrets } from './report.js';

const token = (process.env.UPSTREAM_TOKEN ?? '').replace(/^bearer\s+/i, '').trim();
const tenant = (process.env.UPSTREAM_TENANT ?? '').trim();
// Every line written goes through it: messages may quote upstream text, settings or paths.
const printLine = createLinePrinter(probeSecrets(token, tenant));

function fail(message: string): never {
  process.stderr.write(`${printLine(message)}\n`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    options: {
      upstream: { type: 'string' },
      record: { type: 'string' },
      'with-auth-errors': { type: 'boolean', default: false },
      'pace-ms': { type: 'string', default: '200' },
      'max-calls': { type: 'string', default: '50' },
      now: { type: 'string' },
    },
  }).values;
} catch (error) {
  fail((error as Error).message);
}
const upstreamUrl = args.upstream ?? fail('--upstream <url> is required');
if (token === '' || tenant === '') fail('UPSTREAM_TOKEN and UPSTREAM_TENANT must be set in the environment');
const paceMs = Number(args['pace-ms']);
const maxCalls = Number(args['max-calls']);
if (!Number.isInteger(paceMs) || paceMs < 0) fail('--pace-ms must be a whole number of milliseconds');
if (!Number.isInteger(maxCalls) || maxCalls < 1 || maxCalls > 50) fail('--max-calls must be between 1 and 50');
const now = args.now === undefined ? undefined : (parseDateTime(args.now) ?? fail(`--now must be a date-time with a zone, such as 2026-11-20T12:00:00Z (got ${args.now})`));
let dialect;
try {
  dialect = dialectOf(loadConfig(process.env));
} catch (error) {
  fail(error instanceof ConfigError ? error.message : String(error));
}

const replayDir = replayDirectory(upstreamUrl);
let replay;
try {
  replay = replayDir === undefined ? undefined : await startReplayServer({ dir: replayDir });
} catch (error) {
  fail(`cannot replay ${replayDir}: ${(error as Error).message}`);
}

try {
  const result = await probeUpstream({
    upstreamUrl: replay?.url ?? upstreamUrl,
    now,
    token,
    tenant,
    dialect,
    paceMs,
    maxCalls,
    withAuthErrors: args['with-auth-errors'],
    recordDir: args.record,
  });
  process.stdout.write(`${result.lines.join('\n')}\n`);
  if (args.record !== undefined) process.stdout.write(`${printLine(`recorded ${result.run.exchanges.length} calls in ${args.record}`)}\n`);
  const firstCall = result.run.exchanges[0];
  if (replay && firstCall?.status === 404) process.stdout.write(`${printLine(recordingTimeHint(replay.windows))}\n`);
  process.exitCode = result.exitCode;
} catch (error) {
  fail(`probe failed: ${(error as Error).message}`);
} finally {
  await replay?.close();
}

/** An ISO-8601 date-time with a zone (Z or ±hh:mm), as a Date; undefined for anything else, a plain date included. */
function parseDateTime(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(text)) return undefined;
  const date = new Date(text);
  return Number.isFinite(date.getTime()) ? date : undefined;
}

/** The probe's first window is the 30 days before its "now": a recording's such window says when it was made. */
function recordingTimeHint(windows: readonly RecordedWindow[]): string {
  const thirtyDays = 30 * 86_400_000;
  const probed = windows.filter((w) => Date.parse(w.endDate) - Date.parse(w.startDate) === thirtyDays).map((w) => w.endDate);
  return probed.length > 0
    ? `the recording holds no call for this "now": it was probed with --now ${probed.join(' or --now ')}`
    : 'the recording holds no call for this "now", and no probe run: a recording answers only the calls it holds';
}
