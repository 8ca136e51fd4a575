// The framework's structured logger: pino writing JSON lines, to stderr unless told otherwise.
// Level precedence: the `level` option, then the STATESET_LOG_LEVEL environment variable, then 'info'.

import { pino, type DestinationStream, type Logger } from 'pino';
import { ConfigError } from '../errors.js';

/** A structured logger (pino's). */
export type { Logger } from 'pino';

/** The log levels a logger accepts, quietest last. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** One of `LOG_LEVELS`. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The environment variable that sets the default log level. */
export const LOG_LEVEL_ENV = 'STATESET_LOG_LEVEL';

/** Options of `createLogger`. */
export type LoggerOptions = {
  /** Minimum level written; overrides the environment. */
  readonly level?: string;
  /** Name attached to every line as `name`. */
  readonly name?: string;
  /** Where JSON lines go; defaults to stderr (synchronous writes, so nothing is lost on exit). */
  readonly destination?: DestinationStream;
  /** Environment to read STATESET_LOG_LEVEL from; defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
};

/** True when `value` is a known log level. */
export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/** The level a logger with these options would use; throws ConfigError('invalid_config') for an unknown level. */
export function resolveLogLevel(options: Pick<LoggerOptions, 'level' | 'env'> = {}): LogLevel {
  const fromEnv = (options.env ?? process.env)[LOG_LEVEL_ENV];
  const source = options.level !== undefined ? 'level option' : LOG_LEVEL_ENV;
  const raw = options.level ?? (fromEnv === undefined || fromEnv === '' ? 'info' : fromEnv);
  const level = raw.trim().toLowerCase();
  if (!isLogLevel(level)) {
    throw new ConfigError(
      'invalid_config',
      `unknown log level "${raw}" from ${source}; valid levels: ${LOG_LEVELS.join(', ')}`,
    );
  }
  return level;
}

/** A pino logger writing JSON lines; throws ConfigError('invalid_config') for an unknown level. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = resolveLogLevel(options);
  const destination = options.destination ?? pino.destination({ dest: 2, sync: true });
  return pino({ level, ...(options.name === undefined ? {} : { name: options.name }) }, destination);
}
