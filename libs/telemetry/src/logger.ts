import type { LogLevel } from './log-level.js';
import { isLevelEnabled } from './log-level.js';
import { REDACTED, isSecretKey, toLogValue } from './log-value.js';

/** Where log lines go; `process.stdout` by default. */
export interface LogDestination {
  write(line: string): unknown;
}

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  /** Records below this level are dropped. */
  readonly level: LogLevel;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every record (the call's own fields win on conflict). */
  child(fields: LogFields): Logger;
  isLevelEnabled(level: LogLevel): boolean;
}

export interface LoggerOptions {
  /** The `service` field of every record. */
  readonly service: string;
  /** Default `info`. */
  readonly level?: LogLevel;
  readonly destination?: LogDestination;
  /** Clock of the `time` field; tests pass a fixed one. */
  readonly now?: () => Date;
}

// Written by the logger itself; a field of the same name cannot overwrite them.
const RESERVED = new Set(['time', 'level', 'service', 'msg']);

class JsonLogger implements Logger {
  readonly level: LogLevel;
  readonly #service: string;
  readonly #destination: LogDestination;
  readonly #now: () => Date;
  readonly #bound: LogFields;

  constructor(options: Required<LoggerOptions>, bound: LogFields) {
    this.level = options.level;
    this.#service = options.service;
    this.#destination = options.destination;
    this.#now = options.now;
    this.#bound = bound;
  }

  debug(msg: string, fields?: LogFields): void {
    this.#write('debug', msg, fields);
  }

  info(msg: string, fields?: LogFields): void {
    this.#write('info', msg, fields);
  }

  warn(msg: string, fields?: LogFields): void {
    this.#write('warn', msg, fields);
  }

  error(msg: string, fields?: LogFields): void {
    this.#write('error', msg, fields);
  }

  child(fields: LogFields): Logger {
    const options = {
      service: this.#service,
      level: this.level,
      destination: this.#destination,
      now: this.#now,
    };
    return new JsonLogger(options, { ...this.#bound, ...fields });
  }

  isLevelEnabled(level: LogLevel): boolean {
    return isLevelEnabled(level, this.level);
  }

  #write(level: LogLevel, msg: string, fields: LogFields | undefined): void {
    if (!isLevelEnabled(level, this.level)) return;
    const record: Record<string, unknown> = {
      time: this.#now().toISOString(),
      level,
      service: this.#service,
      msg,
    };
    const seen = new WeakSet<object>();
    for (const [key, value] of Object.entries({ ...this.#bound, ...fields })) {
      if (RESERVED.has(key)) continue;
      record[key] = isSecretKey(key) ? REDACTED : toLogValue(value, seen);
    }
    try {
      this.#destination.write(`${JSON.stringify(record)}\n`);
    } catch {
      // Logging must never take the request down with it (closed pipe, full disk).
    }
  }
}

/** A logger writing one JSON object per line: time (ISO), level, service, msg, then the fields. */
export function createLogger(options: LoggerOptions): Logger {
  return new JsonLogger(
    {
      service: options.service,
      level: options.level ?? 'info',
      destination: options.destination ?? process.stdout,
      now: options.now ?? (() => new Date()),
    },
    {},
  );
}
