import { z } from 'zod';
import { REPLAY_URL } from '../tools/replay/url.js';
import type { UpstreamDialect } from './model/dialect.js';
import { FIELD_MAP_SETTING, STATUS_MAP_SETTING } from './upstream/dialect-settings.js';
import type { TailSettings } from './tail/options.js';
import { expectation, LOG_LEVELS, SETTINGS, type FlagSetting, type IntegerSetting, type Setting, type TextSetting } from './settings.js';

/**
 * The only module that reads the environment: the gateway's own variables (from the
 * table in settings.ts) and the OpenTelemetry ones that decide the trace exporters.
 */

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
  /** After SIGTERM, how long requests are still served while /readyz answers 503 (load balancers stop sending first). */
  shutdownDelayMs: number;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Key of the cursors' integrity tag. Set it per deployment so cursors cannot be forged. */
  cursorSecret: string;
  /** Cap on concurrent upstream requests of this process, and how long a call may wait for a slot. */
  upstreamMaxConcurrency: number;
  upstreamMaxQueueMs: number;
  /** Largest upstream 200 body read; larger is UPSTREAM_BAD_RESPONSE. */
  upstreamMaxResponseBytes: number;
  /** Retries of an idempotent upstream failure (0-2). */
  upstreamRetries: number;
  /** Failures in a breaker's window that (at a 50% failure rate) open it, and how long it stays open (see upstream/breakers.ts). */
  breakerFailureThreshold: number;
  breakerCooldownMs: number;
  /** Calls a breaker's window must hold before it may open. */
  breakerMinimumCalls: number;
  /** Share identical upstream calls across operations (same credentials, same query); both off by default. */
  upstreamCoalesce: boolean;
  /** Serve identical upstream calls from memory for this long; 0 turns the cache off. */
  upstreamCacheTtlMs: number;
  upstreamCacheMaxItems: number;
  /** Browser origins allowed by CORS; `['*']` allows any (the gateway reads no cookies either way). */
  /** Operation names /metrics labels by name besides the shipped ones, as configured (comma-separated). */
  metricsOperationNames: string;
  corsOrigins: string[];
  /** Limits on what one request may ask for (see OperationLimits). */
  limits: OperationLimits;
  /** Live tail: poll interval, lookback, give-up time and subscription caps. */
  tail: TailSettings;
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

/** The defaults of OperationLimits, from the settings table. */
export const DEFAULT_LIMITS: OperationLimits = {
  bodyLimitBytes: SETTINGS.bodyLimitBytes.default,
  maxDepth: SETTINGS.maxDepth.default,
  maxAliases: SETTINGS.maxAliases.default,
  maxTokens: SETTINGS.maxTokens.default,
  maxDirectives: SETTINGS.maxDirectives.default,
  budgetCalls: SETTINGS.budgetCalls.default,
  budgetItems: SETTINGS.budgetItems.default,
};

/** A start-up problem; `message` is the one line printed before exiting non-zero. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

const unset = (value: unknown) => (value === '' ? undefined : value);

const integer = ({ min, max, default: fallback }: IntegerSetting) =>
  z.preprocess(unset, z.coerce.number().int().min(min).max(max).default(fallback));

const flag = ({ default: fallback }: FlagSetting) =>
  z.preprocess(
    unset,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
      .default(fallback ? 'true' : 'false')
      .transform((value) => ['true', '1', 'yes', 'on'].includes(value)),
  );

/** `z.string()` defaulted to the setting's default, when it has one. */
const text = ({ default: fallback }: TextSetting) => (fallback === undefined ? z.string() : z.string().default(fallback));

const httpUrl = z
  .url({ protocol: /^https?$/ })
  .transform((value) => value.replace(/\/+$/, ''));

const S = SETTINGS;

const envSchema = z.object({
  [S.port.env]: integer(S.port),
  [S.host.env]: z.preprocess(unset, text(S.host).pipe(z.string().min(1))),
  [S.upstreamUrl.env]: z.preprocess(unset, z.union([REPLAY_URL, httpUrl]).optional()),
  [S.upstreamTimeoutMs.env]: integer(S.upstreamTimeoutMs),
  [S.upstreamStartDateExclusive.env]: flag(S.upstreamStartDateExclusive),
  [S.upstreamEndDateExclusive.env]: flag(S.upstreamEndDateExclusive),
  [S.upstreamFieldMap.env]: FIELD_MAP_SETTING,
  [S.upstreamStatusMap.env]: STATUS_MAP_SETTING,
  [S.upstreamKeyCase.env]: z.preprocess(unset, z.enum(['camel', 'pascal']).default('camel')),
  [S.introspection.env]: flag(S.introspection),
  [S.graphiql.env]: flag(S.graphiql),
  [S.shutdownTimeoutMs.env]: integer(S.shutdownTimeoutMs),
  [S.shutdownDelayMs.env]: integer(S.shutdownDelayMs),
  [S.logLevel.env]: z.preprocess(unset, z.enum(LOG_LEVELS).default(S.logLevel.default as (typeof LOG_LEVELS)[number])),
  [S.cursorSecret.env]: z.preprocess(unset, text(S.cursorSecret).pipe(z.string().min(16))),
  [S.upstreamMaxConcurrency.env]: integer(S.upstreamMaxConcurrency),
  [S.upstreamMaxQueueMs.env]: integer(S.upstreamMaxQueueMs),
  [S.upstreamMaxResponseBytes.env]: integer(S.upstreamMaxResponseBytes),
  [S.upstreamRetries.env]: integer(S.upstreamRetries),
  [S.breakerFailureThreshold.env]: integer(S.breakerFailureThreshold),
  [S.breakerCooldownMs.env]: integer(S.breakerCooldownMs),
  [S.breakerMinimumCalls.env]: integer(S.breakerMinimumCalls),
  [S.upstreamCoalesce.env]: flag(S.upstreamCoalesce),
  [S.upstreamCacheTtlMs.env]: integer(S.upstreamCacheTtlMs),
  [S.upstreamCacheMaxItems.env]: integer(S.upstreamCacheMaxItems),
  [S.bodyLimitBytes.env]: integer(S.bodyLimitBytes),
  [S.maxDepth.env]: integer(S.maxDepth),
  [S.maxAliases.env]: integer(S.maxAliases),
  [S.maxTokens.env]: integer(S.maxTokens),
  [S.maxDirectives.env]: integer(S.maxDirectives),
  [S.budgetCalls.env]: integer(S.budgetCalls),
  [S.budgetItems.env]: integer(S.budgetItems),
  [S.tailPollMs.env]: integer(S.tailPollMs),
  [S.tailLookbackMs.env]: integer(S.tailLookbackMs),
  [S.tailGiveUpMs.env]: integer(S.tailGiveUpMs),
  [S.tailMaxPerCaller.env]: integer(S.tailMaxPerCaller),
  [S.tailMax.env]: integer(S.tailMax),
  [S.tailMaxQueue.env]: integer(S.tailMaxQueue),
  [S.metricsOperationNames.env]: z.preprocess(unset, text(S.metricsOperationNames)),
  [S.corsOrigins.env]: z.preprocess(
    unset,
    text(S.corsOrigins)
      .transform((value) => value.split(',').map((origin) => origin.trim()).filter((origin) => origin !== ''))
      .pipe(z.array(z.union([z.literal('*'), z.url({ protocol: /^https?$/ }).transform((url) => new URL(url).origin)])).min(1)),
  ),
});

const settingsByEnv = new Map<string, Setting>(Object.values(SETTINGS).map((setting) => [setting.env, setting]));

/** Reads and validates the environment; throws ConfigError listing every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))];
    throw new ConfigError(names.map((name) => {
      const setting = settingsByEnv.get(name);
      return `${name} must be ${setting ? expectation(setting) : 'valid'} (got ${JSON.stringify(env[name])})`;
    }));
  }
  const e = parsed.data as Record<string, any>;
  const value = <K extends keyof typeof SETTINGS>(name: K) => e[SETTINGS[name].env];
  return {
    port: value('port'),
    host: value('host'),
    upstreamUrl: value('upstreamUrl'),
    upstreamTimeoutMs: value('upstreamTimeoutMs'),
    upstreamDialect: {
      startDateExclusive: value('upstreamStartDateExclusive'),
      endDateExclusive: value('upstreamEndDateExclusive'),
      fieldMap: value('upstreamFieldMap'),
      statusMap: value('upstreamStatusMap'),
      keyCase: value('upstreamKeyCase'),
    },
    introspection: value('introspection'),
    graphiql: value('graphiql'),
    shutdownTimeoutMs: value('shutdownTimeoutMs'),
    shutdownDelayMs: value('shutdownDelayMs'),
    logLevel: value('logLevel'),
    cursorSecret: value('cursorSecret'),
    upstreamMaxConcurrency: value('upstreamMaxConcurrency'),
    upstreamMaxQueueMs: value('upstreamMaxQueueMs'),
    upstreamMaxResponseBytes: value('upstreamMaxResponseBytes'),
    upstreamRetries: value('upstreamRetries'),
    breakerFailureThreshold: value('breakerFailureThreshold'),
    breakerCooldownMs: value('breakerCooldownMs'),
    breakerMinimumCalls: value('breakerMinimumCalls'),
    upstreamCoalesce: value('upstreamCoalesce'),
    upstreamCacheTtlMs: value('upstreamCacheTtlMs'),
    upstreamCacheMaxItems: value('upstreamCacheMaxItems'),
    metricsOperationNames: value('metricsOperationNames'),
    corsOrigins: value('corsOrigins'),
    limits: {
      bodyLimitBytes: value('bodyLimitBytes'),
      maxDepth: value('maxDepth'),
      maxAliases: value('maxAliases'),
      maxTokens: value('maxTokens'),
      maxDirectives: value('maxDirectives'),
      budgetCalls: value('budgetCalls'),
      budgetItems: value('budgetItems'),
    },
    tail: {
      pollMs: value('tailPollMs'),
      lookbackMs: value('tailLookbackMs'),
      giveUpMs: value('tailGiveUpMs'),
      maxPerCaller: value('tailMaxPerCaller'),
      max: value('tailMax'),
      maxQueue: value('tailMaxQueue'),
    },
  };
}

/** Where finished spans go; an empty list means spans are never recorded, only propagated. */
export type TraceExporterKind = 'otlp-http/protobuf' | 'otlp-http/json' | 'console';

type Env = Record<string, string | undefined>;

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
