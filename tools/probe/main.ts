/**
 * `npm run probe -- --upstream <url> [--record <dir>] [--with-auth-errors] [--pace-ms 200] [--max-calls 50]`
 *
 * Checks what the gateway assumes about the upstream (docs/real-api.md). The token
 * and tenant come from UPSTREAM_TOKEN and UPSTREAM_TENANT, never from the command
 * line, and are never printed. Exit 0: every assumption holds; 1: one differs;
 * 2: the probe could not run or finish.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../../src/config.js';
import { dialectOf } from '../../src/upstream/index.js';
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
let dialect;
try {
  dialect = dialectOf(loadConfig(process.env));
} catch (error) {
  fail(error instanceof ConfigError ? error.message : String(error));
}

try {
  const result = await probeUpstream({
    upstreamUrl,
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
  process.exitCode = result.exitCode;
} catch (error) {
  fail(`probe failed: ${(error as Error).message}`);
}
