import { z } from 'zod';

/** Validated start-up configuration, read once from the environment. */
export interface Config {
  port: number;
  host: string;
  /** Base URL of the CloudCockpit API; undefined means "start the embedded sample upstream". */
  upstreamUrl: string | undefined;
  upstreamTimeoutMs: number;
  introspection: boolean;
  graphiql: boolean;
  shutdownTimeoutMs: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Key of the cursors' integrity tag. Set it per deployment so cursors cannot be forged. */
  cursorSecret: string;
}

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
  UPSTREAM_URL: z.preprocess(unset, httpUrl.optional()),
  UPSTREAM_TIMEOUT_MS: integer(1, 600_000, 10_000),
  INTROSPECTION: flag(true),
  GRAPHIQL: flag(true),
  SHUTDOWN_TIMEOUT_MS: integer(0, 600_000, 10_000),
  LOG_LEVEL: z.preprocess(unset, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  CURSOR_SECRET: z.preprocess(unset, z.string().min(16).default(DEFAULT_CURSOR_SECRET)),
});

const expectations: Record<string, string> = {
  PORT: 'a port number (0-65535)',
  HOST: 'a listen address',
  UPSTREAM_URL: 'an http(s) URL such as https://api.cloudcockpit.com',
  UPSTREAM_TIMEOUT_MS: 'a whole number of milliseconds (1-600000)',
  INTROSPECTION: 'true or false',
  GRAPHIQL: 'true or false',
  SHUTDOWN_TIMEOUT_MS: 'a whole number of milliseconds (0-600000)',
  LOG_LEVEL: 'one of fatal, error, warn, info, debug, trace, silent',
  CURSOR_SECRET: 'at least 16 characters',
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
    introspection: e.INTROSPECTION,
    graphiql: e.GRAPHIQL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    cursorSecret: e.CURSOR_SECRET,
  };
}
