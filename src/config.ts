import { z } from 'zod';
import type { AuditLogStatus } from './model/audit-log.js';
import { parseFieldMap, parseStatusMap } from './model/dialect.js';
import type { TraceExporterKind } from './observability/tracing-types.js';

/**
 * Every setting of the gateway, one row each: the environment variable, its
 * default, what it accepts and what it is for. The `Config` type, the parser and its
 * error messages are derived from the rows, so a setting is written once here and
 * read where it is used. The only module that reads the environment.
 */

/** One row: how a variable is read, and the value it gives when unset or empty. */
interface Setting<T> {
  env: string;
  description: string;
  /** What a value must be, as the start-up error says it ("a whole number (1-100)"). */
  expect: string;
  default: T;
  /** The value of a set variable; throws (any error) when the text does not fit. */
  parse(text: string): T;
  /** A secret: a refused value is described by its shape, never quoted. */
  secret?: boolean;
}

const refuse = (): never => {
  throw new Error('does not fit');
};

function integer(env: string, fallback: number, min: number, max: number, description: string, unit?: 'milliseconds' | 'bytes', expect?: string): Setting<number> {
  return {
    env,
    description,
    default: fallback,
    expect: expect ?? `a whole number${unit ? ` of ${unit}` : ''} (${min}-${max})`,
    parse: (text) => {
      const value = Number(text.trim());
      return /^\s*-?\d+\s*$/.test(text) && value >= min && value <= max ? value : refuse();
    },
  };
}

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off'];

function flag(env: string, fallback: boolean, description: string): Setting<boolean> {
  return {
    env,
    description,
    default: fallback,
    expect: 'true or false',
    parse: (text) => (TRUE.includes(text.trim().toLowerCase()) ? true : FALSE.includes(text.trim().toLowerCase()) ? false : refuse()),
  };
}

function text<T = string>(env: string, fallback: T, expect: string, description: string, parse: (text: string) => T = (t) => t as T): Setting<T> {
  return { env, description, default: fallback, expect, parse };
}

/** Marks a row as a secret: a refused value is described by its shape, never quoted. */
const secretSetting = <T>(setting: Setting<T>): Setting<T> => ({ ...setting, secret: true });

const ms = 'milliseconds';
const bytes = 'bytes';

/** Levels of the logger, most severe first. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The built-in cursor key; a deployment sets its own (see CURSOR_SECRET). */
export const DEFAULT_CURSOR_SECRET = 'cloudcockpit-audit-gateway-cursor-v1';

/** Shortest cursor secret accepted, each one when CURSOR_SECRET lists several. */
export const MIN_CURSOR_SECRET_LENGTH = 16;

/**
 * CURSOR_SECRET as its list of secrets: comma-separated, spaces around each ignored,
 * empty entries dropped. Cursors are signed with the first and accepted under any,
 * so a secret can be rotated without breaking the walks in flight. Pure.
 */
export function cursorSecretList(text: string): string[] {
  return text.split(',').map((secret) => secret.trim()).filter((secret) => secret !== '');
}

function cursorSecrets(text: string): string[] {
  const list = cursorSecretList(text);
  return list.length > 0 && list.every((secret) => secret.length >= MIN_CURSOR_SECRET_LENGTH) ? list : refuse();
}

/** `replay:<directory>` as UPSTREAM_URL: serve recorded responses from that directory. */
export const REPLAY_PREFIX = 'replay:';

/** A positive decimal number within [min, max], such as `2` or `0.5`. */
function decimal(min: number, max: number) {
  return (text: string): number => {
    const value = Number(text.trim());
    return /^\s*\d+(\.\d+)?\s*$/.test(text) && value >= min && value <= max ? value : refuse();
  };
}

/** A redis:// or rediss:// URL (host, optional port, password and database number). */
function redisUrl(value: string): string {
  const url = new URL(value.trim());
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') refuse();
  if (url.hostname === '' || !/^(\/\d*)?$/.test(url.pathname)) refuse();
  return value.trim();
}

function upstreamUrl(value: string): string {
  if (value.startsWith(REPLAY_PREFIX) && value.length > REPLAY_PREFIX.length) return value;
  return z.url({ protocol: /^https?$/ }).parse(value.trim()).replace(/\/+$/, '');
}

function origins(value: string): string[] {
  const list = value.split(',').map((origin) => origin.trim()).filter((origin) => origin !== '');
  if (list.length === 0) refuse();
  return list.map((origin) => (origin === '*' ? origin : new URL(z.url({ protocol: /^https?$/ }).parse(origin)).origin));
}

/** An HTTP field name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Comma-separated header names, lower-cased, each once; `*` is refused (it would not cover Authorization, and says nothing). */
function headerNames(value: string): string[] {
  const list = value.split(',').map((name) => name.trim().toLowerCase()).filter((name) => name !== '');
  if (list.length === 0 || list.some((name) => name === '*' || !HEADER_NAME.test(name))) refuse();
  return [...new Set(list)];
}

function port(value: string): number {
  const number = Number(value.trim());
  return /^\s*\d+\s*$/.test(value) && number <= 65535 ? number : refuse();
}

const oneOf = <const T extends string>(values: readonly T[]) => (value: string): T =>
  values.includes(value.trim() as T) ? (value.trim() as T) : refuse();

export const SETTINGS = {
  port: integer('PORT', 4000, 0, 65535, 'listen port', undefined, 'a port number (0-65535)'),
  host: text('HOST', '0.0.0.0', 'a listen address', 'listen address'),
  upstreamUrl: text<string | undefined>('UPSTREAM_URL', undefined, 'an http(s) URL such as https://api.cloudcockpit.com, or replay:<directory>', 'base URL of the CloudCockpit API; unset starts the embedded sample upstream; replay:<directory> serves a recording', upstreamUrl),
  upstreamTimeoutMs: integer('UPSTREAM_TIMEOUT_MS', 10_000, 1, 600_000, 'deadline for one upstream call: slot wait, attempts and backoffs together', ms),
  // How the upstream differs from the documented API, as `npm run probe` reports it (docs/real-api.md).
  upstreamStartDateExclusive: flag('UPSTREAM_START_DATE_EXCLUSIVE', false, 'the upstream leaves out logs at exactly StartDate: send it one tick (100 ns) earlier'),
  upstreamEndDateExclusive: flag('UPSTREAM_END_DATE_EXCLUSIVE', false, 'the upstream leaves out logs at exactly EndDate: send it one tick (100 ns) later'),
  upstreamFieldMap: text<Record<string, string>>('UPSTREAM_FIELD_MAP', {}, 'ourKey:theirKey pairs such as timestamp:createdAt,operation:action', 'item keys the upstream names otherwise', parseFieldMap),
  upstreamStatusMap: text<Partial<Record<AuditLogStatus, string[]>>>('UPSTREAM_STATUS_MAP', {}, 'STATUS:Spelling pairs such as SUCCEEDED:Success,FAILED:Error', 'status spellings of the upstream; the first of each is sent as the Status filter', parseStatusMap),
  upstreamKeyCase: text<'camel' | 'pascal'>('UPSTREAM_KEY_CASE', 'camel', 'camel or pascal', 'casing of the upstream item keys (both are read; the probe checks against this)', oneOf(['camel', 'pascal'])),
  introspection: flag('INTROSPECTION', true, 'false turns introspection off'),
  graphiql: flag('GRAPHIQL', true, 'false turns GraphiQL off'),
  // Trusted documents (persisted operations): the manifest is read and checked against the schema at start-up.
  persistedDocuments: text<string | undefined>('PERSISTED_DOCUMENTS', undefined, "a path to a manifest file (graphql-codegen's persisted-documents.json or an Apollo persisted query manifest)", 'the trusted documents, which requests may name by id (documentId or extensions.persistedQuery)'),
  trustedDocumentsOnly: flag('TRUSTED_DOCUMENTS_ONLY', false, 'only documents of the PERSISTED_DOCUMENTS manifest run (by id or by their exact text); any other is refused with PERSISTED_QUERY_ONLY'),
  trustedDocumentsFastPath: flag('TRUSTED_DOCUMENTS_FAST_PATH', true, 'a request for a manifest document takes what was worked out for it at start-up (parsed, validated, limits checked) instead of doing it again; false: the generic path, with the same responses'),
  compiledExecution: flag('COMPILED_EXECUTION', true, 'queries run as functions compiled once per document (graphql-jit); false: the standard executor only'),
  shutdownTimeoutMs: integer('SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000, 'how long SIGTERM waits for in-flight operations', ms),
  shutdownDelayMs: integer('SHUTDOWN_DELAY_MS', 0, 0, 600_000, 'after SIGTERM, how long requests are still served while /readyz already answers 503', ms),
  logLevel: text<LogLevel>('LOG_LEVEL', 'info', `one of ${LOG_LEVELS.join(', ')}`, 'log level', oneOf(LOG_LEVELS)),
  cursorSecret: secretSetting(text<string[]>('CURSOR_SECRET', [DEFAULT_CURSOR_SECRET], `a secret of at least ${MIN_CURSOR_SECRET_LENGTH} characters, or several separated by commas (the first signs, any verifies)`, "keys of the cursors' integrity tag: the first signs new cursors, every one is accepted", cursorSecrets)),
  redisUrl: { ...text<string | undefined>('REDIS_URL', undefined, 'a redis:// or rediss:// URL such as redis://127.0.0.1:6379/0', 'Redis that replicas share: one live-tail poller per tail in the deployment, 429 cool-downs and UPSTREAM_RATE_LIMIT for all; unset: each replica works alone', redisUrl), secret: true },
  upstreamMaxConcurrency: integer('UPSTREAM_MAX_CONCURRENCY', 64, 1, 10_000, 'concurrent upstream requests (and keep-alive connections)'),
  upstreamMaxQueueMs: integer('UPSTREAM_MAX_QUEUE_MS', 2_000, 0, 600_000, 'longest wait for a free upstream slot', ms),
  // A 2000-item page of ordinary audit logs is about 1 MB; this leaves room for long `details`.
  upstreamMaxResponseBytes: integer('UPSTREAM_MAX_RESPONSE_BYTES', 16 * 1024 * 1024, 1_024, 1_073_741_824, 'largest upstream 200 body read', bytes),
  upstreamRetries: integer('UPSTREAM_RETRIES', 2, 0, 2, 'retries of an idempotent upstream failure', undefined, '0, 1 or 2'),
  upstreamRateLimit: text<number | undefined>('UPSTREAM_RATE_LIMIT', undefined, 'a number of calls per second (0.01-100000), such as 5 or 0.5', 'upstream calls per second per caller (Authorization + X-Tenant as the upstream reads them), shared by every replica through REDIS_URL; unset is no limit', decimal(0.01, 100_000)),
  breakerFailureThreshold: integer('BREAKER_FAILURE_THRESHOLD', 5, 1, 1_000, "failed calls in a breaker's window (last 100 calls of 30 s) that, at half of its calls or more, open it: a tenant's own breaker for its timeouts and 5xx, the upstream-wide one for connection failures"),
  breakerMinimumCalls: integer('BREAKER_MINIMUM_CALLS', 100, 1, 10_000, "calls a breaker's window must hold before it may open, so a burst of concurrent timeouts does not trip it"),
  breakerCooldownMs: integer('BREAKER_COOLDOWN_MS', 10_000, 1, 3_600_000, 'how long the circuit breaker stays open', ms),
  upstreamCoalesce: flag('UPSTREAM_COALESCE', false, 'share identical upstream calls in flight across operations'),
  upstreamCacheTtlMs: integer('UPSTREAM_CACHE_TTL_MS', 0, 0, 600_000, 'serve identical upstream calls from memory this long; 0 is off', ms),
  upstreamCacheMaxItems: integer('UPSTREAM_CACHE_MAX_ITEMS', 10_000, 1, 10_000_000, 'items all cached pages may hold together'),
  bodyLimitBytes: integer('BODY_LIMIT_BYTES', 100_000, 1_024, 100_000_000, 'largest request body', bytes),
  maxDepth: integer('MAX_DEPTH', 10, 1, 1_000, 'deepest selection'),
  maxAliases: integer('MAX_ALIASES', 15, 0, 10_000, 'aliases in one operation'),
  maxTokens: integer('MAX_TOKENS', 2_000, 1, 1_000_000, 'tokens in one document'),
  maxDirectives: integer('MAX_DIRECTIVES', 50, 0, 10_000, 'directives in one operation'),
  budgetCalls: integer('UPSTREAM_BUDGET_CALLS', 100, 1, 100_000, 'upstream calls one operation may make'),
  budgetItems: integer('UPSTREAM_BUDGET_ITEMS', 5_000, 1, 10_000_000, 'audit-log items one operation may ask for (the sum of PageSizes sent)'),
  // Each poll is an upstream call: the environment may not ask for more than one a second per poller.
  tailPollMs: integer('TAIL_POLL_MS', 5_000, 1_000, 3_600_000, 'time between two polls of one live-tail poller (each poll is an upstream call)', ms),
  tailLookbackMs: integer('TAIL_LOOKBACK_MS', 60_000, 0, 86_400_000, 'how late after its timestamp a log may reach the upstream and still be delivered by the live tail', ms),
  tailGiveUpMs: integer('TAIL_GIVE_UP_MS', 120_000, 1_000, 86_400_000, 'a live tail that has not polled successfully for this long ends with the last error', ms),
  tailMaxPerCaller: integer('TAIL_MAX_PER_CALLER', 5, 1, 100_000, 'open subscriptions per caller (Authorization + X-Tenant as the upstream reads them)'),
  tailMax: integer('TAIL_MAX', 1_000, 1, 1_000_000, 'open subscriptions in all'),
  tailMaxQueue: integer('TAIL_MAX_QUEUE', 1_000, 1, 1_000_000, 'events a live-tail client may leave unread when more arrive; past it its stream ends'),
  metricsPort: text<number | undefined>('METRICS_PORT', undefined, 'a port number (0-65535), not PORT\'s', '/metrics on this port alone (its own listener on HOST), no longer on PORT; unset: on PORT', port),
  metricsOperationNames: text('METRICS_OPERATION_NAMES', '', 'comma-separated GraphQL operation names', 'operation names /metrics labels by name besides those in operations/; any other name counts as `other`'),
  corsOrigins: text<string[]>('CORS_ORIGINS', ['*'], '* or a comma-separated list of origins such as https://portal.example.com', 'browser origins allowed by CORS', origins),
  corsAllowedHeaders: text<string[]>('CORS_ALLOWED_HEADERS', [], 'comma-separated header names such as baggage,sentry-trace', 'request headers browsers may send besides the built-in ones; read by nothing, never forwarded upstream', headerNames),
} as const;

type Settings = typeof SETTINGS;
export type SettingName = keyof Settings;

/** The validated start-up configuration: one value per row of SETTINGS. */
export type Config = { -readonly [K in SettingName]: Settings[K] extends Setting<infer T> ? T : never };

/** A start-up problem; `message` is the one line printed before exiting non-zero. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Reads and checks the environment; throws one ConfigError listing every problem at once. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(SETTINGS) as Array<[SettingName, Setting<unknown>]>) {
    const raw = env[setting.env];
    if (raw === undefined || raw === '') {
      config[name] = setting.default;
      continue;
    }
    try {
      config[name] = setting.parse(raw);
    } catch {
      problems.push(`${setting.env} must be ${setting.expect} (got ${setting.secret ? describeSecret(raw) : JSON.stringify(raw)})`);
    }
  }
  const secret = checkCursorSecret(env);
  if (secret.kind === 'refuse') problems.push(secret.problem);
  // Port 0 picks a free port for each listener, so only a fixed port can collide.
  const { port: publicPort, metricsPort } = config as Partial<Config>;
  if (metricsPort !== undefined && metricsPort !== 0 && metricsPort === publicPort) {
    problems.push(`METRICS_PORT must differ from PORT (both are ${publicPort})`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config as Config;
}

/** A refused secret by its shape alone: the lengths of its comma-separated parts. */
function describeSecret(raw: string): string {
  const lengths = raw.split(',').map((part) => part.trim().length);
  return lengths.length === 1 ? `${lengths[0]} characters` : `parts of ${lengths.join(', ')} characters`;
}

/** The defaults of every setting, as an unset environment gives them. */
export function defaultConfig(): Config {
  return loadConfig({});
}

/** What start-up should warn about in this environment (never a reason to stop). */
export function configWarnings(env: Env = process.env): string[] {
  const secret = checkCursorSecret(env);
  return [...(secret.kind === 'warn' ? [secret.message] : []), ...misspelledVariableWarnings(env)];
}

/**
 * Variables the gateway or its tools read that are not rows of SETTINGS: they are
 * known, so never reported, but are no family of ours (NODE_ENV must not make
 * NODE_OPTIONS look like a setting).
 */
const KNOWN_ELSEWHERE = new Set(['NODE_ENV', 'UPSTREAM_TOKEN', 'UPSTREAM_TENANT', 'SAMPLE_PRECISE', 'SAMPLE_VARIANTS']);

/** Namespaces of other software, never ours whatever they resemble (case-insensitive). */
const FOREIGN_PREFIXES = ['OTEL_', 'NODE_', 'NPM_', 'KUBERNETES_'];

/**
 * The variables Kubernetes sets for each Service of the namespace (service links):
 * `<NAME>_SERVICE_HOST`, `<NAME>_SERVICE_PORT[_<PORT NAME>]`, `<NAME>_PORT_<n>_<PROTO>[_…]`,
 * and `<NAME>_PORT` holding `tcp://…`. A Service named `upstream` or `tail` must not
 * look like a misspelled setting.
 */
function isServiceLink(name: string, value: string | undefined): boolean {
  return (
    /_SERVICE_(HOST|PORT)(_|$)/.test(name) ||
    /_PORT_\d+_(TCP|UDP|SCTP)(_|$)/.test(name) ||
    (name.endsWith('_PORT') && /^(tcp|udp|sctp):\/\//.test(value ?? ''))
  );
}

/**
 * Optimal string alignment distance between two sequences (of letters, or of words):
 * insertions, deletions, substitutions and swaps of two neighbours, each costing one.
 */
function editDistance<T>(a: ArrayLike<T>, b: ArrayLike<T>): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, rows[i - 2]![j - 2]! + 1);
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * Whether `name` looks like a misspelling of the setting `known`, both upper-cased:
 *
 * - a typo: one edit away, or two when the setting is longer than 8 characters
 *   (`LOG_LEVL`, `LOGLEVEL`, `CORS_ORIGIN`), so four-letter names such as HOME never
 *   pass for HOST;
 * - or a word off: both have two words or more, start with the same word, and differ
 *   by one word added, dropped or replaced (`UPSTREAM_TIMEOUT`,
 *   `SHUTDOWN_TIMEOUT_SECONDS`, `TAIL_MAX_CALLERS`). One-word settings (PORT, HOST)
 *   start no family: HOST_IP is not ours.
 */
function looksLike(name: string, known: string): boolean {
  if (editDistance(name, known) <= (known.length > 8 ? 2 : 1)) return true;
  const words = name.split('_').filter(Boolean);
  const knownWords = known.split('_');
  return words.length >= 2 && knownWords.length >= 2 && words[0] === knownWords[0] && editDistance(words, knownWords) <= 1;
}

/**
 * One warning for each variable of the environment that is not a setting but looks
 * like one (see looksLike), naming the closest setting; names only, never values.
 * Known names, other software's namespaces and Kubernetes service links are never
 * reported. Pure.
 */
export function misspelledVariableWarnings(env: Env): string[] {
  const settings = Object.values(SETTINGS).map((setting) => setting.env);
  const known = new Set([...settings, ...KNOWN_ELSEWHERE]);
  const warnings: string[] = [];
  for (const name of Object.keys(env).sort()) {
    const upper = name.toUpperCase();
    if (known.has(name) || FOREIGN_PREFIXES.some((prefix) => upper.startsWith(prefix)) || isServiceLink(upper, env[name])) continue;
    const candidates = settings.filter((setting) => looksLike(upper, setting));
    if (candidates.length === 0) continue;
    const closest = candidates.reduce((best, setting) => (editDistance(upper, setting) < editDistance(upper, best) ? setting : best));
    warnings.push(`${name} is not a setting of the gateway and is ignored; did you mean ${closest}?`);
  }
  return warnings;
}

/**
 * The built-in CURSOR_SECRET is in the source, so anyone can forge cursors with it
 * (no other tenant's data, but arbitrary upstream windows). Against a real upstream
 * (UPSTREAM_URL set) it must not go unnoticed: in production start-up stops,
 * elsewhere the log warns. The embedded sample upstream and a recording need none.
 *
 * Production is any NODE_ENV that is set and is not `development` or `test`, in any
 * case (`Production`, `prod`, `staging`): a misspelling must not turn the check into
 * a warning. An unset NODE_ENV is a developer's machine, where `npm start` against a
 * real upstream only warns.
 */
export type CursorSecretVerdict = { kind: 'ok' } | { kind: 'refuse'; problem: string } | { kind: 'warn'; message: string };

const NOT_PRODUCTION = new Set(['development', 'test']);

/** Whether NODE_ENV names a production-like environment (see above). Pure. */
export function isProduction(nodeEnv: string | undefined): boolean {
  const value = nodeEnv?.trim().toLowerCase() ?? '';
  return value !== '' && !NOT_PRODUCTION.has(value);
}

/** Decides from the environment alone. Pure. */
export function checkCursorSecret(env: Env): CursorSecretVerdict {
  const url = env.UPSTREAM_URL ?? '';
  const realUpstream = url !== '' && !url.startsWith(REPLAY_PREFIX);
  const secrets = cursorSecretList(env.CURSOR_SECRET ?? '');
  // The built-in key anywhere in the list would verify forged cursors, not only sign them.
  const unset = secrets.length === 0;
  const builtIn = unset || secrets.includes(DEFAULT_CURSOR_SECRET);
  if (!realUpstream || !builtIn) return { kind: 'ok' };
  if (isProduction(env.NODE_ENV)) {
    return {
      kind: 'refuse',
      problem: `CURSOR_SECRET must be set, without the built-in default among its secrets (each at least ${MIN_CURSOR_SECRET_LENGTH} characters, the same on every replica), when NODE_ENV=${env.NODE_ENV?.trim()} and UPSTREAM_URL is set; the built-in default is public, so cursors could be forged`,
    };
  }
  return {
    kind: 'warn',
    message: unset
      ? 'CURSOR_SECRET is not set: cursors are signed with the built-in key, which anyone can read in the source and use to forge cursors. Set CURSOR_SECRET (the same on every replica) before serving real data.'
      : 'CURSOR_SECRET lists the built-in key, which anyone can read in the source and use to forge cursors. Drop it from CURSOR_SECRET before serving real data.',
  };
}

/**
 * Which exporters the standard `OTEL_*` variables ask for. Unlike the OpenTelemetry
 * SDK's default (`otlp`), nothing is exported unless configured: `OTEL_TRACES_EXPORTER`
 * is set, or an OTLP endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`,
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is. The exporters read their own endpoint,
 * headers and timeout variables.
 */
export function traceExportersFromEnv(env: Env): TraceExporterKind[] {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return [];
  const named = env.OTEL_TRACES_EXPORTER?.trim();
  const names = named
    ? named.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean)
    : env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim()
      ? ['otlp']
      : [];
  const unknown = names.filter((name) => !['otlp', 'console', 'none'].includes(name));
  if (unknown.length > 0) {
    throw new ConfigError([`OTEL_TRACES_EXPORTER must be otlp, console or none (got ${JSON.stringify(named)})`]);
  }
  if (names.includes('none')) return [];
  const kinds: TraceExporterKind[] = [];
  if (names.includes('otlp')) kinds.push(otlpKind(env));
  if (names.includes('console')) kinds.push('console');
  return kinds;
}

function otlpKind(env: Env): TraceExporterKind {
  const variable = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?.trim() ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = env[variable]?.trim() || 'http/protobuf';
  if (protocol === 'http/protobuf') return 'otlp-http/protobuf';
  if (protocol === 'http/json') return 'otlp-http/json';
  throw new ConfigError([`${variable} must be http/protobuf or http/json (got ${JSON.stringify(env[variable])})`]);
}
