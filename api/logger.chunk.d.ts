// The published declarations of ./dist/logger-<hash>.d.ts, as a report of the public API.
// Generated: do not edit. After changing the API, run: npm run api

/**
 * The library's errors. Guards test a brand stored under a `Symbol.for` key rather than `instanceof`, so they
 * also recognise errors made by another copy of the package (an ESM and a CommonJS copy in one process, or two
 * versions in `node_modules`).
 */
/**
 * An error made by the library itself: its message is `"hystrix: " + reason` (hystrix-go's `CircuitError`). The
 * errors a call ends with name their command (`command`); they are made for that call, so they can be given
 * properties (`err.status = 503`) like any error.
 */
declare class CircuitError extends Error {
  /** The message without its `hystrix: ` prefix (hystrix-go's `CircuitError.Message`). */
  readonly reason: string;
  /** The command whose call ended with this error; undefined for the shared kinds ({@link ErrTimeout}, ...). */
  readonly command: string | undefined;
  /**
   * @param reason - the message without its `hystrix: ` prefix.
   * @param command - the command whose call it ends, if any.
   */
  constructor(reason: string, command?: string);
}
/**
 * The kind of error of a call shed by its command's rate limit (`hystrix: rate limited`): the token bucket of
 * `maxRequestsPerSecond` had no token left. Calls end with an error of their own that names the command; test for
 * the kind with {@link isRateLimited}.
 */
declare const ErrRateLimited: CircuitError;
/**
 * The kind of error of a call rejected because the concurrency limit was reached (`hystrix: max concurrency`).
 * Calls end with an error of their own that names the command; test for the kind with {@link isMaxConcurrency}.
 */
declare const ErrMaxConcurrency: CircuitError;
/**
 * The kind of error of a call short-circuited by an open circuit (`hystrix: circuit open`). Calls end with an
 * error of their own that names the command; test for the kind with {@link isCircuitOpen}.
 */
declare const ErrCircuitOpen: CircuitError;
/**
 * The kind of error of a call that ran past its timeout (`hystrix: timeout`). Calls end with an error of their
 * own that names the command; test for the kind with {@link isTimeout}.
 */
declare const ErrTimeout: CircuitError;
/**
 * The reason given to executions that `close()` cancelled (`hystrix: closed`). Such a call ends as
 * `context_canceled` with a {@link ContextError} whose `cause` is this error. Created once.
 */
declare const ErrClosed: CircuitError;
/** The two context events, named as hystrix-go names them. */
type ContextErrorCode = 'context_canceled' | 'context_deadline_exceeded';
/**
 * The caller's `AbortSignal` aborted the call: hystrix-go's `context.Canceled` (`context canceled`) or, when the
 * abort reason is a `TimeoutError` (as `AbortSignal.timeout()` gives), `context.DeadlineExceeded`
 * (`context deadline exceeded`). The signal's reason is attached as `cause`.
 */
declare class ContextError extends Error {
  /** Which context event the abort counts as. */
  readonly code: ContextErrorCode;
  /** The abort reason of the caller's signal. */
  readonly cause: unknown;
  /** The command whose call was aborted, if known. */
  readonly command: string | undefined;
  /**
   * @param code - the context event.
   * @param reason - the abort reason of the caller's signal.
   * @param command - the command whose call was aborted.
   */
  constructor(code: ContextErrorCode, reason: unknown, command?: string);
}
/**
 * The fallback failed. The message keeps hystrix-go's format
 * `fallback failed with '<fallback error>'. run error was '<run error>'`; both errors are attached:
 * `cause` is the fallback's error and `runError` the error that triggered the fallback.
 */
declare class FallbackError extends Error {
  /** The error that triggered the fallback (a run error, or a {@link CircuitError} or {@link ContextError}). */
  readonly runError: unknown;
  /** The fallback's own error. */
  readonly cause: unknown;
  /** The command whose fallback failed, if known. */
  readonly command: string | undefined;
  /**
   * @param fallbackError - what the fallback threw or rejected with.
   * @param runError - the error that triggered the fallback.
   * @param command - the command whose fallback failed.
   */
  constructor(fallbackError: unknown, runError: unknown, command?: string);
}
/**
 * A readable text for any thrown value, as Go's `%v` gives an error's text: an `Error`'s message, else
 * `String(value)`. Never throws, not even for a hostile Proxy.
 */
declare function describeError(value: unknown): string;
/** True for any error the library made (`CircuitError`), from this or another copy of the package. */
declare function isCircuitError(value: unknown): value is CircuitError;
/**
 * True for an error of the kind {@link ErrCircuitOpen}: a call short-circuited by an open circuit, of any command
 * (from this or another copy of the package). Calls end with errors of their own, so test with this, not `===`.
 */
declare function isCircuitOpen(value: unknown): value is CircuitError;
/**
 * True for an error of the kind {@link ErrMaxConcurrency}: a call rejected by a full pool, of any command (from
 * this or another copy of the package). Calls end with errors of their own, so test with this, not `===`.
 */
declare function isMaxConcurrency(value: unknown): value is CircuitError;
/**
 * True for an error of the kind {@link ErrTimeout}: a call or fallback that ran past its timeout, of any command
 * (from this or another copy of the package). Calls end with errors of their own, so test with this, not `===`.
 */
declare function isTimeout(value: unknown): value is CircuitError;
/** True for a {@link ContextError} of either kind. */
declare function isContextError(value: unknown): value is ContextError;
/** True when the caller's signal aborted with any reason but a `TimeoutError` (`context canceled`). */
declare function isContextCanceled(value: unknown): value is ContextError;
/** True when the caller's signal aborted with a `TimeoutError` reason (`context deadline exceeded`). */
declare function isContextDeadlineExceeded(value: unknown): value is ContextError;
/** True for a {@link FallbackError} (from this or another copy of the package). */
declare function isFallbackError(value: unknown): value is FallbackError;
/**
 * True for an error of the kind {@link ErrRateLimited}: a call shed by its rate limit, of any command (from this
 * or another copy of the package).
 */
declare function isRateLimited(value: unknown): value is CircuitError;
/**
 * Thrown (or rejected with) by `run` to say the call failed through the caller's own fault (a validation error, a
 * 404): the error passes through to the caller, no fallback runs, and it does not count toward the circuit's
 * health (Hystrix Java's `HystrixBadRequestException`). The caller receives the wrapped error, `cause`, as it was;
 * a `BadRequestError` made without a cause is received itself.
 */
declare class BadRequestError extends Error {
  /** The error the caller receives. */
  readonly cause: unknown;
  /**
   * @param cause - the error to pass through to the caller.
   * @param message - a message of its own (default: the cause's).
   */
  constructor(cause?: unknown, message?: string);
}
/** True for a {@link BadRequestError} (from this or another copy of the package). */
declare function isBadRequestError(value: unknown): value is BadRequestError;

/**
 * Where the library writes what it has to say: circuit state changes (`info`) and errors it isolated, such as a
 * collector that threw (`error`). `console`, pino and winston loggers all fit.
 */
interface Logger {
  /** A circuit changed state. */
  info(message: string): void;
  /** Something went wrong and was isolated so that no command is affected. */
  error(message: string): void;
}
/** The default logger: says nothing (hystrix-go's `NoopLogger`). */
declare class NoopLogger implements Logger {
  /** Does nothing. */
  info(): void;
  /** Does nothing. */
  error(): void;
}
/** Writes a message (for the core and its subpath modules), never letting the logger's own failure reach the caller. */
declare function safeLog(logger: Logger, level: 'info' | 'error', message: string): void;

export {
  BadRequestError as B,
  CircuitError as C,
  ErrCircuitOpen as E,
  FallbackError as F,
  type Logger as L,
  NoopLogger as N,
  ContextError as a,
  type ContextErrorCode as b,
  ErrClosed as c,
  ErrMaxConcurrency as d,
  ErrRateLimited as e,
  ErrTimeout as f,
  isCircuitError as g,
  isCircuitOpen as h,
  isBadRequestError as i,
  isContextCanceled as j,
  isContextDeadlineExceeded as k,
  isContextError as l,
  isFallbackError as m,
  isMaxConcurrency as n,
  isRateLimited as o,
  isTimeout as p,
  describeError as q,
  safeLog as s,
};
