import { catchRejection } from './thenable.js';

/**
 * Where the library writes what it has to say: circuit state changes (`info`) and errors it isolated, such as a
 * collector that threw (`error`). `console`, pino and winston loggers all fit.
 */
export interface Logger {
  /** A circuit changed state. */
  info(message: string): void;
  /** Something went wrong and was isolated so that no command is affected. */
  error(message: string): void;
}

/** The default logger: says nothing (hystrix-go's `NoopLogger`). */
export class NoopLogger implements Logger {
  /** Does nothing. */
  info(): void {}
  /** Does nothing. */
  error(): void {}
}

/** @internal Checks that a value can serve as a logger. */
export function checkLogger(logger: unknown): asserts logger is Logger {
  if (
    typeof logger !== 'object' ||
    logger === null ||
    typeof (logger as Logger).info !== 'function' ||
    typeof (logger as Logger).error !== 'function'
  ) {
    throw new TypeError('logger must be an object with info(message) and error(message) methods');
  }
}

/** Writes a message (for the core and its subpath modules), never letting the logger's own failure reach the caller. */
export function safeLog(logger: Logger, level: 'info' | 'error', message: string): void {
  try {
    // An async logger's rejection is caught too; there is nowhere left to report either.
    catchRejection(logger[level](message), ignore);
  } catch {
    // A logger that throws must not break a command.
  }
}

function ignore(): void {}
