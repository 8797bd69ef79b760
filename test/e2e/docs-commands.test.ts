import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildSchema, isObjectType, isTypeSystemDefinitionNode, parse, print, type FieldDefinitionNode } from 'graphql';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_HEADERS } from '../../src/graphiql/page.js';
import { fencedBlocks, shellCommands, shownOutputPattern, type DocBlock } from '../support/doc-blocks.js';
import { graphiqlFirstScreen } from '../support/graphiql-page.js';
import { startGatewayProcess, type GatewayProcess } from './support/gateway-process.js';

/**
 * Every shell command and GraphQL example of README.md and docs/*.md, taken from
 * the pages themselves and run, so a page cannot go stale unnoticed:
 *
 * - ```graphql blocks run against a gateway on the embedded sample upstream with the
 *   sample's headers and must answer without errors. Those of one page run in order,
 *   so an example can go on from the one before: `$after` gets the last page's
 *   `endCursor`, `$before` its `startCursor`. A schema excerpt (type definitions)
 *   must agree with schema.graphql field by field.
 * - ```sh blocks run in bash from the repository root, with `localhost:4000` (and
 *   GATEWAY_URL, the example client's default) pointing at that gateway instead.
 *   A block that starts the gateway (`npm start`) gets a free port, must listen,
 *   and its GraphiQL's default query must work with its headers; a stream
 *   (`curl -N`) must deliver a first event (the test writes a log into the sample
 *   upstream so one comes at once); any other block must exit 0 and print what the
 *   page shows in `# ` comment lines after a command, numbers aside.
 *
 * A block that cannot run here (Docker, kubectl, the real API, a long run, one that
 * would reinstall or re-record the repository) says why with
 * `<!-- not run: <why> -->` right before it.
 */

const ROOT = join(import.meta.dirname, '../..');
const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).sort().map((name) => `docs/${name}`)];
const RUN = new Set(['sh', 'graphql']);
const blocks = PAGES.flatMap((page) => fencedBlocks(page, readFileSync(join(ROOT, page), 'utf8')));
const publicSchema = buildSchema(readFileSync(join(ROOT, 'schema.graphql'), 'utf8'));

/** The block's commands without their trailing comments. */
const commandsOf = (block: DocBlock) => shellCommands(block.code).map(({ command }) => command.replace(/\s+#.*$/, ''));
const starts = (block: DocBlock) => commandsOf(block).some((command) => /(^|\s)npm start$/.test(command));
const streams = (block: DocBlock) => commandsOf(block).some((command) => /^curl -N /.test(command));

let gateway: GatewayProcess;
let sampleUrl: string;

beforeAll(async () => {
  // The poll floor of the environment, so a stream's first event comes within a second or two;
  // the example client's manifest, since it sends its documents by id.
  gateway = await startGatewayProcess({ TAIL_POLL_MS: '1000', PERSISTED_DOCUMENTS: join(ROOT, 'examples/generated/persisted-documents.json') });
  const announced = gateway.output.map((line) => /"upstreamUrl":"([^"]+)"/.exec(line)?.[1]).find(Boolean);
  expect(announced).toBeDefined();
  sampleUrl = announced!;
});

afterAll(async () => {
  expect(await gateway?.stop()).toBe(0);
});

describe('the docs\' blocks', () => {
  it('are run, or marked with why not; no runnable block hides under another language name', () => {
    for (const block of blocks) {
      const where = `${block.page}:${block.line}`;
      expect(['bash', 'shell', 'console', 'zsh', 'gql'], `${where}: name it sh or graphql so it is run`).not.toContain(block.lang);
      if (block.notRun !== undefined) expect(RUN.has(block.lang), `${where}: a not-run mark on a ${block.lang || 'plain'} block`).toBe(true);
    }
    const run = blocks.filter((block) => RUN.has(block.lang) && block.notRun === undefined);
    const notRun = blocks.filter((block) => block.notRun !== undefined);
    expect(run.length).toBeGreaterThanOrEqual(10);
    // A short, explicit list: each names what it needs that this machine lacks, or why running it would do harm.
    expect(notRun.length).toBeLessThanOrEqual(13);
    console.log(`docs: ${run.length} blocks run, ${notRun.length} not:\n${notRun.map((b) => `  ${b.page}:${b.line}: ${b.notRun}`).join('\n')}`);
  });
});

describe.concurrent('the docs\' docker commands, without a Docker engine', () => {
  const dockerBlocks = blocks.filter((block) => block.lang === 'sh' && /^docker run /m.test(block.code));

  it.each(dockerBlocks.map((block) => [`${block.page}:${block.line}`, block] as const))(
    '%s: the image it runs is the one it builds, and the image\'s command starts with the image\'s environment and the -e variables',
    async (_where, block) => {
      const calls = await dockerCalls(block.code);
      const built = calls.find((args) => args[0] === 'build');
      const ran = calls.find((args) => args[0] === 'run');
      const tag = built?.[built.indexOf('-t') + 1];
      expect(tag).toMatch(/^cloudcockpit-audit-gateway:\S+$/);
      expect(ran?.at(-1)).toBe(tag);
      const env = { ...dockerfileEnv(), ...runEnv(ran!) };
      // The published port is docker's business: the process listens where the test can reach it.
      delete env.PORT;
      delete env.HOST;
      expect(env.NODE_ENV).toBe('production');
      const container = await startGatewayProcess(env);
      expect((await request(`${container.url}/healthz`)).statusCode).toBe(200);
      expect(await container.stop()).toBe(0);
    },
  );
});

/** Each docker command of the block, its words as bash expands them: the block runs with `docker` standing for a recorder. */
async function dockerCalls(code: string): Promise<string[][]> {
  // One line per call, its words NUL-separated; `-e NAME` as docker reads it: NAME=<its value in this shell>.
  const recorder = String.raw`docker() {
  local previous='' word
  for word in "$@"; do
    if [[ ( $previous == -e || $previous == --env ) && $word != *=* ]]; then word="$word=${'$'}{!word-}"; fi
    printf '%s\0' "$word"
    previous=$word
  done
  printf '\n'
}`;
  const run = startBash(`set -e\n${recorder}\n${code}`, { PATH: process.env.PATH ?? '' });
  expect(await run.exited, run.lines.join('\n')).toBe(0);
  return run.lines.filter((line) => line !== '').map((line) => line.split('\0').filter((word) => word !== ''));
}

/** The `-e NAME=value` variables of a `docker run`. */
function runEnv(args: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  args.forEach((arg, i) => {
    if (args[i - 1] !== '-e' && args[i - 1] !== '--env') return;
    const [name, ...value] = arg.split('=');
    env[name!] = value.join('=');
  });
  return env;
}

/** The runtime stage's ENV of the Dockerfile. */
function dockerfileEnv(): Record<string, string> {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const env: Record<string, string> = {};
  for (const [, assignments] of runtime.matchAll(/^ENV (.+)$/gm)) {
    for (const [, name, value] of assignments!.matchAll(/(\w+)=(\S+)/g)) env[name!] = value!;
  }
  return env;
}

// Pages run side by side, and so do the blocks of a page, but for the order their
// GraphQL examples go on from each other and the builds `npm start` makes.
for (const page of PAGES) {
  const runnable = blocks.filter((block) => block.page === page && RUN.has(block.lang) && block.notRun === undefined);
  if (runnable.length === 0) continue;
  describe.concurrent(page, () => {
    // What the blocks before have returned, for the next to go on from.
    const chain: { endCursor?: string; startCursor?: string } = {};
    let before: Promise<void> = Promise.resolve();
    for (const block of runnable) {
      const title = `line ${block.line}: ${block.lang} ${firstLine(block.code)}`;
      if (block.lang === 'graphql') {
        const after = before;
        let done!: () => void;
        before = new Promise((resolve) => (done = resolve));
        it(title, async () => {
          try {
            await after;
            await runGraphQL(block, chain);
          } finally {
            done();
          }
        });
      } else if (starts(block)) it(title, () => oneBuildAtATime(() => runStart(block)), 240_000);
      else if (streams(block)) it(title, () => runStream(block));
      else it(title, () => runShell(block));
    }
  });
}

/** `npm start` builds dist/ first: two builds at once would write the same files. */
let builds: Promise<unknown> = Promise.resolve();
function oneBuildAtATime<T>(run: () => Promise<T>): Promise<T> {
  const result = builds.then(run, run);
  builds = result.catch(() => {});
  return result;
}

function firstLine(code: string): string {
  const line = code.split('\n').find((l) => l.trim() !== '' && !l.trim().startsWith('#')) ?? '';
  return line.length > 70 ? `${line.slice(0, 70)}…` : line;
}

async function postGraphQL(url: string, headers: Record<string, string>, query: string, variables?: Record<string, unknown>) {
  const response = await request(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.body.json()) as { data?: Record<string, unknown> | null; errors?: unknown[] };
}

async function runGraphQL(block: DocBlock, chain: { endCursor?: string; startCursor?: string }): Promise<void> {
  const document = parse(block.code);
  if (document.definitions.every(isTypeSystemDefinitionNode)) return checkSchemaExcerpt(block.code);

  const variables: Record<string, unknown> = {};
  for (const definition of document.definitions) {
    if (definition.kind !== 'OperationDefinition') continue;
    for (const { variable } of definition.variableDefinitions ?? []) {
      const name = variable.name.value;
      const value = name === 'after' ? chain.endCursor : name === 'before' ? chain.startCursor : undefined;
      expect(value, `$${name}: an earlier block of the page gives the cursor it goes on from`).toBeDefined();
      variables[name] = value;
    }
  }
  const result = await postGraphQL(gateway.url, SAMPLE_HEADERS, block.code, variables);
  expect(result.errors).toBeUndefined();
  expect(result.data).toBeTruthy();
  for (const pageInfo of pageInfos(result.data)) {
    if (typeof pageInfo.endCursor === 'string') chain.endCursor = pageInfo.endCursor;
    if (typeof pageInfo.startCursor === 'string') chain.startCursor = pageInfo.startCursor;
  }
}

function pageInfos(value: unknown): Record<string, unknown>[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === 'pageInfo' && typeof inner === 'object' && inner !== null ? [inner as Record<string, unknown>] : pageInfos(inner)));
}

/** Each field the excerpt shows is in schema.graphql with the same arguments and type. */
function checkSchemaExcerpt(code: string): void {
  for (const definition of parse(code).definitions) {
    if (!('fields' in definition) || definition.fields === undefined) continue;
    const type = publicSchema.getType(definition.name.value);
    expect(isObjectType(type), `${definition.name.value} in schema.graphql`).toBe(true);
    const fields = isObjectType(type) ? type.getFields() : {};
    for (const field of definition.fields as readonly FieldDefinitionNode[]) {
      const real = fields[field.name.value];
      expect(real, `${definition.name.value}.${field.name.value} in schema.graphql`).toBeDefined();
      expect(print(field.type)).toBe(String(real!.type));
      expect((field.arguments ?? []).map((arg) => `${arg.name.value}: ${print(arg.type)}`)).toEqual(real!.args.map((arg) => `${arg.name}: ${String(arg.type)}`));
    }
  }
}

/** The block with the documented gateway address pointing at the test's gateway. */
function pointedAtTestGateway(code: string): string {
  return code.replaceAll('localhost:4000', new URL(gateway.url).host);
}

function shellEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, GATEWAY_URL: `${gateway.url}/graphql`, ...extra };
}

/** bash running the block, in a process group of its own so the test can end it with everything it started. */
function startBash(code: string, env: NodeJS.ProcessEnv): { child: ChildProcess; lines: string[]; exited: Promise<number | null> } {
  const child = spawn('bash', ['-c', code], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
  createInterface({ input: child.stderr! }).on('line', (line) => lines.push(line));
  // 'close', not 'exit': by then every line it printed has been read.
  const exited = once(child, 'close').then(([code]) => code as number | null);
  return { child, lines, exited };
}

/** SIGTERM to the block's process group, SIGKILL if it has not ended within the bound, then wait for bash. */
async function endGroup(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  const group = -child.pid!;
  const alive = () => {
    try {
      process.kill(group, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (alive()) process.kill(group, 'SIGTERM');
  for (let waited = 0; alive() && waited < 30_000; waited += 100) await sleep(100);
  if (alive()) process.kill(group, 'SIGKILL');
  await exited;
}

async function waitFor<T>(what: string, lines: string[], find: () => T | undefined, exited: Promise<unknown>, boundMs: number): Promise<T> {
  let ended = false;
  void exited.then(() => (ended = true));
  for (let waited = 0; waited < boundMs; waited += 100) {
    const found = find();
    if (found !== undefined) return found;
    if (ended) break;
    await sleep(100);
  }
  throw new Error(`${what} did not happen${ended ? ' (the command ended)' : ''}:\n${lines.slice(-30).join('\n')}`);
}

/**
 * `npm start` as the page writes it, on a free port: it must listen, serve /healthz, and
 * open GraphiQL on a query that works; or, locked to its trusted documents, refuse that
 * query as it refuses every document outside its manifest.
 */
async function runStart(block: DocBlock): Promise<void> {
  expect(shellCommands(block.code), 'a block that starts the gateway holds that command alone').toHaveLength(1);
  // The dependencies are installed already: a second `npm ci` would pull node_modules from under the tests beside it.
  const code = block.code.replace(/^npm ci && /m, '');
  const run = startBash(pointedAtTestGateway(code), shellEnv({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' }));
  try {
    // The build (prestart) comes first: the bound only catches a hang.
    const port = await waitFor('the "ready" log line', run.lines, () => run.lines.map(readyPort).find((p) => p !== undefined), run.exited, 110_000);
    const url = `http://127.0.0.1:${port}`;
    expect((await request(`${url}/healthz`)).statusCode).toBe(200);
    const graphiql = await graphiqlFirstScreen(url);
    expect(graphiql.headers).toBeDefined();
    const result = await postGraphQL(url, graphiql.headers!, graphiql.defaultQuery);
    if (/(^|\s)TRUSTED_DOCUMENTS_ONLY=true\s/.test(block.code)) {
      expect(result.errors?.map((error) => (error as { extensions?: { code?: string } }).extensions?.code)).toEqual(['PERSISTED_QUERY_ONLY']);
      return;
    }
    expect(result.errors).toBeUndefined();
    expect(result.data).toBeTruthy();
  } finally {
    await endGroup(run.child, run.exited);
  }
}

function readyPort(line: string): number | undefined {
  try {
    const entry = JSON.parse(line) as { port?: unknown; msg?: unknown };
    return typeof entry.port === 'number' && typeof entry.msg === 'string' && entry.msg.includes('ready at') ? entry.port : undefined;
  } catch {
    return undefined;
  }
}

/** A `curl -N` subscription: its first event arrives and carries a log. */
async function runStream(block: DocBlock): Promise<void> {
  const run = startBash(pointedAtTestGateway(block.code), shellEnv());
  // New logs every half second, of a kind every documented filter takes, so the first event need not wait for the sample's own.
  const writer = setInterval(() => {
    void request(`${sampleUrl}/__sample/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ operation: 'CreateOrder', status: 'Failed', customerName: 'Fabrikam Ltd', details: 'CreateOrder failed for Fabrikam Ltd' }),
    }).then((response) => response.body.dump(), () => {});
  }, 500);
  try {
    const data = await waitFor(
      'a first event',
      run.lines,
      () => {
        const at = run.lines.findIndex((line) => line === 'event: next');
        return at >= 0 ? run.lines.slice(at + 1).find((line) => line.startsWith('data: ')) : undefined;
      },
      run.exited,
      60_000,
    );
    const event = JSON.parse(data.slice('data: '.length)) as { data?: { auditLogAdded?: { cursor?: string; node?: { timestamp?: string } } }; errors?: unknown };
    expect(event.errors).toBeUndefined();
    expect(event.data?.auditLogAdded?.cursor).toMatch(/^ev1\./);
    expect(event.data?.auditLogAdded?.node?.timestamp).toBeDefined();
  } finally {
    clearInterval(writer);
    await endGroup(run.child, run.exited);
  }
}

/** Any other block: it exits 0 and prints what the page shows. */
async function runShell(block: DocBlock): Promise<void> {
  const run = startBash(`set -e\n${pointedAtTestGateway(block.code)}`, shellEnv());
  const timer = setTimeout(() => void endGroup(run.child, run.exited), 90_000);
  const code = await run.exited.finally(() => clearTimeout(timer));
  const output = run.lines.join('\n');
  expect(code, output).toBe(0);
  for (const { command, shownOutput } of shellCommands(block.code)) {
    for (const line of shownOutput) expect(output, `${command} prints "${line}"`).toMatch(shownOutputPattern(line));
  }
}
