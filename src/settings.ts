/**
 * Every setting and limit of the gateway, in one typed table: the environment
 * variable, its default, its range and what it is for. `config.ts` builds its parser
 * and its error messages from this table; the modules that use a value import its
 * default from here. Pure: no environment is read in this file.
 */

interface SettingBase {
  /** The environment variable. */
  env: string;
  description: string;
}

export interface IntegerSetting extends SettingBase {
  kind: 'integer';
  default: number;
  min: number;
  max: number;
  /** What the number counts, for the error message ("a whole number of milliseconds"). */
  unit?: 'milliseconds' | 'bytes';
  /** The expectation, when the generic "a whole number (min-max)" says it less well. */
  expect?: string;
}

export interface FlagSetting extends SettingBase {
  kind: 'flag';
  default: boolean;
}

export interface TextSetting extends SettingBase {
  kind: 'text';
  /** undefined: unset unless configured. */
  default: string | undefined;
  expect: string;
}

export type Setting = IntegerSetting | FlagSetting | TextSetting;

const integer = (env: string, value: number, min: number, max: number, description: string, extra: Partial<IntegerSetting> = {}): IntegerSetting => ({
  kind: 'integer',
  env,
  default: value,
  min,
  max,
  description,
  ...extra,
});
const ms = { unit: 'milliseconds' } as const;
const bytes = { unit: 'bytes' } as const;
const flag = (env: string, value: boolean, description: string): FlagSetting => ({ kind: 'flag', env, default: value, description });
const text = (env: string, value: string | undefined, expect: string, description: string): TextSetting => ({
  kind: 'text',
  env,
  default: value,
  expect,
  description,
});

/** Levels of the logger, most severe first. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The built-in cursor key; a deployment sets its own (see CURSOR_SECRET). */
export const DEFAULT_CURSOR_SECRET = 'cloudcockpit-audit-gateway-cursor-v1';

export const SETTINGS = {
  port: integer('PORT', 4000, 0, 65535, 'listen port', { expect: 'a port number (0-65535)' }),
  host: text('HOST', '0.0.0.0', 'a listen address', 'listen address'),
  upstreamUrl: text('UPSTREAM_URL', undefined, 'an http(s) URL such as https://api.cloudcockpit.com, or replay:<directory>', 'base URL of the CloudCockpit API; unset starts the embedded sample upstream; replay:<directory> serves a recording'),
  upstreamTimeoutMs: integer('UPSTREAM_TIMEOUT_MS', 10_000, 1, 600_000, 'deadline for one upstream call: slot wait, attempts and backoffs together', ms),
  // How the upstream differs from the documented API, as `npm run probe` reports it (docs/real-api.md).
  upstreamStartDateExclusive: flag('UPSTREAM_START_DATE_EXCLUSIVE', false, 'the upstream leaves out logs at exactly StartDate: send it one tick (100 ns) earlier'),
  upstreamEndDateExclusive: flag('UPSTREAM_END_DATE_EXCLUSIVE', false, 'the upstream leaves out logs at exactly EndDate: send it one tick (100 ns) later'),
  upstreamFieldMap: text('UPSTREAM_FIELD_MAP', '', 'ourKey:theirKey pairs such as timestamp:createdAt,operation:action', 'item keys the upstream names otherwise'),
  upstreamStatusMap: text('UPSTREAM_STATUS_MAP', '', 'STATUS:Spelling pairs such as SUCCEEDED:Success,FAILED:Error', 'status spellings of the upstream; the first of each is sent as the Status filter'),
  upstreamKeyCase: text('UPSTREAM_KEY_CASE', 'camel', 'camel or pascal', 'casing of the upstream item keys (both are read; the probe checks against this)'),
  introspection: flag('INTROSPECTION', true, 'false turns introspection off'),
  graphiql: flag('GRAPHIQL', true, 'false turns GraphiQL off'),
  shutdownTimeoutMs: integer('SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000, 'how long SIGTERM waits for in-flight operations', ms),
  shutdownDelayMs: integer('SHUTDOWN_DELAY_MS', 0, 0, 600_000, 'after SIGTERM, how long requests are still served while /readyz already answers 503', ms),
  logLevel: text('LOG_LEVEL', 'info', `one of ${LOG_LEVELS.join(', ')}`, 'log level'),
  cursorSecret: text('CURSOR_SECRET', DEFAULT_CURSOR_SECRET, 'at least 16 characters', "key of the cursors' integrity tag"),
  upstreamMaxConcurrency: integer('UPSTREAM_MAX_CONCURRENCY', 64, 1, 10_000, 'concurrent upstream requests (and keep-alive connections)'),
  upstreamMaxQueueMs: integer('UPSTREAM_MAX_QUEUE_MS', 2_000, 0, 600_000, 'longest wait for a free upstream slot', ms),
  // A 2000-item page of ordinary audit logs is about 1 MB; this leaves room for long `details`.
  upstreamMaxResponseBytes: integer('UPSTREAM_MAX_RESPONSE_BYTES', 16 * 1024 * 1024, 1_024, 1_073_741_824, 'largest upstream 200 body read', bytes),
  upstreamRetries: integer('UPSTREAM_RETRIES', 2, 0, 2, 'retries of an idempotent upstream failure', { expect: '0, 1 or 2' }),
  breakerFailureThreshold: integer('BREAKER_FAILURE_THRESHOLD', 5, 1, 1_000, 'failed calls in a breaker\'s window (last 100 calls of 30 s) that, at half of its calls or more, open it: a tenant\'s own breaker for its timeouts and 5xx, the upstream-wide one for connection failures'),
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
  tailPollMs: integer('TAIL_POLL_MS', 5_000, 1_000, 3_600_000, 'time between two polls of one live-tail poller (each poll is an upstream call)', ms),
  tailLookbackMs: integer('TAIL_LOOKBACK_MS', 60_000, 0, 86_400_000, 'how late after its timestamp a log may reach the upstream and still be delivered by the live tail', ms),
  tailGiveUpMs: integer('TAIL_GIVE_UP_MS', 120_000, 1_000, 86_400_000, 'a live tail that has not polled successfully for this long ends with the last error', ms),
  tailMaxPerCaller: integer('TAIL_MAX_PER_CALLER', 5, 1, 100_000, 'open subscriptions per Authorization + X-Tenant'),
  tailMax: integer('TAIL_MAX', 1_000, 1, 1_000_000, 'open subscriptions in all'),
  tailMaxQueue: integer('TAIL_MAX_QUEUE', 1_000, 1, 1_000_000, 'events a live-tail client may leave unread when more arrive; past it its stream ends'),
  metricsOperationNames: text('METRICS_OPERATION_NAMES', '', 'comma-separated GraphQL operation names', 'operation names /metrics labels by name besides those in operations/; any other name counts as `other`'),
  corsOrigins: text('CORS_ORIGINS', '*', '* or a comma-separated list of origins such as https://portal.example.com', 'browser origins allowed by CORS'),
} as const satisfies Record<string, Setting>;

export type SettingName = keyof typeof SETTINGS;

/** Most entries one `nodes(ids:)` or `_entities(representations:)` takes (contract section 7). */
export const MAX_LOOKUP_ENTRIES = 100;

/** What a setting's value must be, as the start-up error says it. */
export function expectation(setting: Setting): string {
  switch (setting.kind) {
    case 'flag':
      return 'true or false';
    case 'text':
      return setting.expect;
    case 'integer':
      return setting.expect ?? `a whole number${setting.unit ? ` of ${setting.unit}` : ''} (${setting.min}-${setting.max})`;
  }
}

/** Page sizes of a connection (contract section 4) and of node lookups; not configurable. */
export const PAGE_SIZE = {
  /** When neither `first` nor `last` is given. */
  default: 25,
  /** Largest `first`/`last`, and the largest upstream `PageSize`. */
  max: 2000,
  /**
   * The `PageSize` of a node lookup's window (node, nodes, _entities). Lookups spend
   * the budget like any call, so they ask for small pages: 100 lookups of distinct
   * windows spend 5000 items, the default UPSTREAM_BUDGET_ITEMS.
   */
  nodeLookup: 50,
} as const;
