import { pino, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';

export type { Logger };

/** Header values that must never reach a log line, wherever they are nested. */
const REDACTED_PATHS = [
  'authorization',
  'Authorization',
  '*.authorization',
  '*.Authorization',
  '*.*.authorization',
  '*.*.Authorization',
  'cookie',
  '*.cookie',
];

export interface LoggerOptions {
  /**
   * Human-readable lines (pino-pretty) instead of JSON. Default: only when no
   * destination is given and stdout is a terminal, so pipes and log collectors
   * always get one JSON object per line.
   */
  pretty?: boolean;
}

export function createLogger(level: string, destination?: pino.DestinationStream, options: LoggerOptions = {}): Logger {
  const pretty = options.pretty ?? (destination === undefined && process.stdout.isTTY === true);
  return pino(
    {
      level,
      base: { service: 'cloudcockpit-audit-gateway' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pretty ? prettyStream(destination) : destination,
  );
}

/**
 * pino-pretty in the main thread rather than as a worker transport: it is only used on a
 * terminal, where throughput does not matter, and it loses no line on `process.exit`.
 */
function prettyStream(destination?: pino.DestinationStream): pino.DestinationStream {
  return PinoPretty({
    colorize: destination === undefined && process.stdout.isTTY === true,
    sync: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service',
    ...(destination ? { destination } : {}),
  });
}
