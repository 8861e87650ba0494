import { createRequire } from 'node:module';
import os from 'node:os';
import { pino, stdSerializers, type DestinationStream, type Logger as PinoLogger, type LoggerOptions } from 'pino';
import type { LogLevel } from '../config.js';

/**
 * The logging surface the code calls: a message, then fields. A thin adapter over pino keeps the
 * call sites as they were; errors go in a field (`{ error }`) and are written with their stack.
 */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

/** A Logger that also hands out its pino instance, for pino-http. */
export interface AppLogger extends Logger {
  readonly pino: PinoLogger;
  child(fields: Record<string, unknown>): AppLogger;
}

export interface LoggerSettings {
  /** Fields on every line (pid and hostname are pino's own). */
  base?: Record<string, unknown>;
  /** Where lines go; stdout when unset. Tests pass a stream to read them back. */
  destination?: DestinationStream;
  /** Colourised, one-line-per-entry output through pino-pretty, when it is installed. */
  pretty?: boolean;
}

const SECRET_FIELDS = [
  'password',
  'currentPassword',
  'newPassword',
  'temporaryPassword',
  'token',
  'accessToken',
  'refreshToken',
  'activationCode',
  'authorization',
  'cookie',
];

/**
 * What never reaches a log: credentials in request headers, and secret fields at the top of a
 * log entry or one level down (`{ variables: { password } }`).
 */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...SECRET_FIELDS.flatMap((key) => [key, `*.${key}`]),
];

/** pino options shared by every logger Resolute makes. */
export function pinoOptions(level: LogLevel, base: Record<string, unknown> = {}): LoggerOptions {
  return {
    level,
    base: { pid: process.pid, hostname: os.hostname(), ...base },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Call sites name the error `error`; pino's own key is `err`. Both get the stack.
    serializers: { err: stdSerializers.err, error: stdSerializers.err },
    redact: { paths: redactedPaths, censor: '[redacted]' },
  };
}

/** JSON lines on stdout (pino's format, which log shippers read), or pretty lines in development. */
export function createLogger(level: LogLevel, settings: LoggerSettings = {}): AppLogger {
  const options = pinoOptions(level, settings.base);
  if (settings.pretty && !settings.destination && prettyInstalled()) {
    options.transport = {
      target: 'pino-pretty',
      options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
    };
  }
  return adaptPino(settings.destination ? pino(options, settings.destination) : pino(options));
}

/** The Logger interface over a pino logger (a request's `req.log`, for one). */
export function adaptPino(log: PinoLogger): AppLogger {
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (msg: string, fields?: Record<string, unknown>): void => {
      if (fields) log[level](fields, msg);
      else log[level](msg);
    };
  return {
    pino: log,
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (fields) => adaptPino(log.child(fields)),
  };
}

/** pino-pretty is a development dependency: a production install does not have it. */
function prettyInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}
