import { z } from 'zod';
import { REPLAY_URL } from './replay/url.js';
import type { UpstreamDialect } from './upstream/dialect.js';
import { FIELD_MAP_SETTING, STATUS_MAP_SETTING } from './upstream/dialect-settings.js';

/** Validated start-up configuration, read once from the environment. */
export interface Config {
  port: number;
  host: string;
  /** Base URL of the CloudCockpit API; undefined means "start the embedded sample upstream"; `replay:<dir>` serves a recording. */
  upstreamUrl: string | undefined;
  /** How the upstream differs from the documented API, as `npm run probe` reports it (docs/real-api.md). */
  upstreamDialect: UpstreamDialect;
  upstreamTimeoutMs: number;
  introspection: boolean;
  graphiql: boolean;
  shutdownTimeoutMs: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Key of the cursors' integrity tag. Set it per deployment so cursors cannot be forged. */
  cursorSecret: string;
  /** Cap on concurrent upstream requests of this process, and how long a call may wait for a slot. */
  upstreamMaxConcurrency: number;
  upstreamMaxQueueMs: number;
  /** Largest upstream 200 body read; larger is UPSTREAM_BAD_RESPONSE. */
  upstreamMaxResponseBytes: number;
  /** Retries of an idempotent upstream failure (0-2). */
  upstreamRetries: number;
  /** Failed upstream calls in a row that open the circuit breaker, and how long it stays open. */
  breakerFailureThreshold: number;
  breakerCooldownMs: number;
  /** Share identical upstream calls across operations (same credentials, same query); both off by default. */
  upstreamCoalesce: boolean;
  /** Serve identical upstream calls from memory for this long; 0 turns the cache off. */
  upstreamCacheTtlMs: number;
  upstreamCacheMaxItems: number;
  /** Browser origins allowed by CORS; `['*']` allows any (the gateway reads no cookies either way). */
  corsOrigins: string[];
  /** Limits on what one request may ask for (see OperationLimits). */
  limits: OperationLimits;
}

/** What one HTTP request / GraphQL operation may ask for; every limit is checked before execution. */
export interface OperationLimits {
  bodyLimitBytes: number;
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  /** Planned upstream calls of one operation. */
  budgetCalls: number;
  /** Audit-log items one operation asks for, counted per field and alias. */
  budgetItems: number;
}

/** The defaults of OperationLimits; the README's "Production" section gives the reasons. */
export const DEFAULT_LIMITS: OperationLimits = {
  bodyLimitBytes: 100_000,
  maxDepth: 10,
  maxAliases: 15,
  maxTokens: 2_000,
  maxDirectives: 50,
  budgetCalls: 100,
  budgetItems: 5_000,
};

/** A start-up problem; `message` is the one line printed before exiting non-zero. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

const DEFAULT_CURSOR_SECRET = 'cloudcockpit-audit-gateway-cursor-v1';

const unset = (value: unknown) => (value === '' ? undefined : value);

const integer = (min: number, max: number, fallback: number) =>
  z.preprocess(unset, z.coerce.number().int().min(min).max(max).default(fallback));

const flag = (fallback: boolean) =>
  z.preprocess(
    unset,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
      .default(fallback ? 'true' : 'false')
      .transform((value) => ['true', '1', 'yes', 'on'].includes(value)),
  );

const httpUrl = z
  .url({ protocol: /^https?$/ })
  .transform((value) => value.replace(/\/+$/, ''));

const envSchema = z.object({
  PORT: integer(0, 65535, 4000),
  HOST: z.preprocess(unset, z.string().min(1).default('0.0.0.0')),
  UPSTREAM_URL: z.preprocess(unset, z.union([REPLAY_URL, httpUrl]).optional()),
  UPSTREAM_TIMEOUT_MS: integer(1, 600_000, 10_000),
  UPSTREAM_START_DATE_EXCLUSIVE: flag(false),
  UPSTREAM_END_DATE_EXCLUSIVE: flag(false),
  UPSTREAM_FIELD_MAP: FIELD_MAP_SETTING,
  UPSTREAM_STATUS_MAP: STATUS_MAP_SETTING,
  UPSTREAM_KEY_CASE: z.preprocess(unset, z.enum(['camel', 'pascal']).default('camel')),
  INTROSPECTION: flag(true),
  GRAPHIQL: flag(true),
  SHUTDOWN_TIMEOUT_MS: integer(0, 600_000, 10_000),
  LOG_LEVEL: z.preprocess(unset, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  CURSOR_SECRET: z.preprocess(unset, z.string().min(16).default(DEFAULT_CURSOR_SECRET)),
  UPSTREAM_MAX_CONCURRENCY: integer(1, 10_000, 64),
  UPSTREAM_MAX_QUEUE_MS: integer(0, 600_000, 2_000),
  UPSTREAM_MAX_RESPONSE_BYTES: integer(1_024, 1_073_741_824, 16 * 1024 * 1024),
  UPSTREAM_RETRIES: integer(0, 2, 2),
  BREAKER_FAILURE_THRESHOLD: integer(1, 1_000, 5),
  BREAKER_COOLDOWN_MS: integer(1, 3_600_000, 10_000),
  UPSTREAM_COALESCE: flag(false),
  UPSTREAM_CACHE_TTL_MS: integer(0, 600_000, 0),
  UPSTREAM_CACHE_MAX_ITEMS: integer(1, 10_000_000, 10_000),
  BODY_LIMIT_BYTES: integer(1_024, 100_000_000, DEFAULT_LIMITS.bodyLimitBytes),
  MAX_DEPTH: integer(1, 1_000, DEFAULT_LIMITS.maxDepth),
  MAX_ALIASES: integer(0, 10_000, DEFAULT_LIMITS.maxAliases),
  MAX_TOKENS: integer(1, 1_000_000, DEFAULT_LIMITS.maxTokens),
  MAX_DIRECTIVES: integer(0, 10_000, DEFAULT_LIMITS.maxDirectives),
  UPSTREAM_BUDGET_CALLS: integer(1, 100_000, DEFAULT_LIMITS.budgetCalls),
  UPSTREAM_BUDGET_ITEMS: integer(1, 10_000_000, DEFAULT_LIMITS.budgetItems),
  CORS_ORIGINS: z.preprocess(
    unset,
    z
      .string()
      .default('*')
      .transform((value) => value.split(',').map((origin) => origin.trim()).filter((origin) => origin !== ''))
      .pipe(z.array(z.union([z.literal('*'), z.url({ protocol: /^https?$/ }).transform((url) => new URL(url).origin)])).min(1)),
  ),
});

const expectations: Record<string, string> = {
  PORT: 'a port number (0-65535)',
  HOST: 'a listen address',
  UPSTREAM_URL: 'an http(s) URL such as https://api.cloudcockpit.com, or replay:<directory>',
  UPSTREAM_TIMEOUT_MS: 'a whole number of milliseconds (1-600000)',
  UPSTREAM_START_DATE_EXCLUSIVE: 'true or false',
  UPSTREAM_END_DATE_EXCLUSIVE: 'true or false',
  UPSTREAM_FIELD_MAP: 'ourKey:theirKey pairs such as timestamp:createdAt,operation:action',
  UPSTREAM_STATUS_MAP: 'STATUS:Spelling pairs such as SUCCEEDED:Success,FAILED:Error',
  UPSTREAM_KEY_CASE: 'camel or pascal',
  INTROSPECTION: 'true or false',
  GRAPHIQL: 'true or false',
  SHUTDOWN_TIMEOUT_MS: 'a whole number of milliseconds (0-600000)',
  LOG_LEVEL: 'one of fatal, error, warn, info, debug, trace, silent',
  CURSOR_SECRET: 'at least 16 characters',
  UPSTREAM_MAX_CONCURRENCY: 'a whole number (1-10000)',
  UPSTREAM_MAX_QUEUE_MS: 'a whole number of milliseconds (0-600000)',
  UPSTREAM_MAX_RESPONSE_BYTES: 'a whole number of bytes (1024-1073741824)',
  UPSTREAM_RETRIES: '0, 1 or 2',
  BREAKER_FAILURE_THRESHOLD: 'a whole number (1-1000)',
  BREAKER_COOLDOWN_MS: 'a whole number of milliseconds (1-3600000)',
  UPSTREAM_COALESCE: 'true or false',
  UPSTREAM_CACHE_TTL_MS: 'a whole number of milliseconds (0-600000)',
  UPSTREAM_CACHE_MAX_ITEMS: 'a whole number (1-10000000)',
  BODY_LIMIT_BYTES: 'a whole number of bytes (1024-100000000)',
  MAX_DEPTH: 'a whole number (1-1000)',
  MAX_ALIASES: 'a whole number (0-10000)',
  MAX_TOKENS: 'a whole number (1-1000000)',
  MAX_DIRECTIVES: 'a whole number (0-10000)',
  UPSTREAM_BUDGET_CALLS: 'a whole number (1-100000)',
  UPSTREAM_BUDGET_ITEMS: 'a whole number (1-10000000)',
  CORS_ORIGINS: '* or a comma-separated list of origins such as https://portal.example.com',
};

/** Reads and validates the environment; throws ConfigError listing every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))];
    throw new ConfigError(
      names.map((name) => `${name} must be ${expectations[name] ?? 'valid'} (got ${JSON.stringify(env[name])})`),
    );
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    upstreamUrl: e.UPSTREAM_URL,
    upstreamTimeoutMs: e.UPSTREAM_TIMEOUT_MS,
    upstreamDialect: {
      startDateExclusive: e.UPSTREAM_START_DATE_EXCLUSIVE,
      endDateExclusive: e.UPSTREAM_END_DATE_EXCLUSIVE,
      fieldMap: e.UPSTREAM_FIELD_MAP,
      statusMap: e.UPSTREAM_STATUS_MAP,
      keyCase: e.UPSTREAM_KEY_CASE,
    },
    introspection: e.INTROSPECTION,
    graphiql: e.GRAPHIQL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    cursorSecret: e.CURSOR_SECRET,
    upstreamMaxConcurrency: e.UPSTREAM_MAX_CONCURRENCY,
    upstreamMaxQueueMs: e.UPSTREAM_MAX_QUEUE_MS,
    upstreamMaxResponseBytes: e.UPSTREAM_MAX_RESPONSE_BYTES,
    upstreamRetries: e.UPSTREAM_RETRIES,
    breakerFailureThreshold: e.BREAKER_FAILURE_THRESHOLD,
    breakerCooldownMs: e.BREAKER_COOLDOWN_MS,
    upstreamCoalesce: e.UPSTREAM_COALESCE,
    upstreamCacheTtlMs: e.UPSTREAM_CACHE_TTL_MS,
    upstreamCacheMaxItems: e.UPSTREAM_CACHE_MAX_ITEMS,
    corsOrigins: e.CORS_ORIGINS,
    limits: {
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
      maxDepth: e.MAX_DEPTH,
      maxAliases: e.MAX_ALIASES,
      maxTokens: e.MAX_TOKENS,
      maxDirectives: e.MAX_DIRECTIVES,
      budgetCalls: e.UPSTREAM_BUDGET_CALLS,
      budgetItems: e.UPSTREAM_BUDGET_ITEMS,
    },
  };
}
