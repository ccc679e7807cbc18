/**
 * The library's errors. Guards test a brand stored under a `Symbol.for` key rather than `instanceof`, so they
 * also recognise errors made by another copy of the package (an ESM and a CommonJS copy in one process, or two
 * versions in `node_modules`).
 */

import { types } from 'node:util';

const BRAND: unique symbol = Symbol.for('hystrix-ts.error') as never;

type Brand = 'circuit' | 'context' | 'fallback' | 'bad-request';

function brandOf(value: unknown): Brand | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  let brand: unknown;
  try {
    brand = (value as { [BRAND]?: unknown })[BRAND];
  } catch {
    // A Proxy whose traps throw, or a revoked one: not one of ours.
    return undefined;
  }
  return brand === 'circuit' ||
    brand === 'context' ||
    brand === 'fallback' ||
    brand === 'bad-request'
    ? brand
    : undefined;
}

function brand(target: object, kind: Brand): void {
  Object.defineProperty(target, BRAND, { value: kind, enumerable: false });
}

/**
 * An error made by the library itself: its message is `"hystrix: " + reason` (hystrix-go's `CircuitError`). The
 * errors a call ends with name their command (`command`); they are made for that call, so they can be given
 * properties (`err.status = 503`) like any error.
 */
export class CircuitError extends Error {
  /** The message without its `hystrix: ` prefix (hystrix-go's `CircuitError.Message`). */
  readonly reason: string;
  /** The command whose call ended with this error; undefined for the shared kinds ({@link ErrTimeout}, ...). */
  readonly command: string | undefined;

  /**
   * @param reason - the message without its `hystrix: ` prefix.
   * @param command - the command whose call it ends, if any.
   */
  constructor(reason: string, command?: string) {
    super('hystrix: ' + reason);
    this.reason = reason;
    this.command = command;
  }
}
Object.defineProperty(CircuitError.prototype, 'name', {
  value: 'CircuitError',
  writable: true,
  configurable: true,
});
brand(CircuitError.prototype, 'circuit');

/**
 * The kinds of error that shed calls and timeouts end with. Such an error is made per call, so it must cost far
 * less than `new Error()` (whose stack capture alone takes microseconds, more than a whole shed call): it is a
 * plain object whose prototype holds the kind's message and reason, below `CircuitError.prototype`, so
 * `instanceof CircuitError`, `instanceof Error` and the guards hold. Its only own property is `command`; its
 * `stack` names the command instead of frames (the decision is made inside the library, where frames would say
 * nothing of the caller).
 */
interface CallErrorKind {
  new (command: string): CircuitError;
}

function callErrorKind(reason: string): CallErrorKind {
  const message = 'hystrix: ' + reason;
  const kind = function (this: { command: string }, command: string) {
    this.command = command;
  } as unknown as CallErrorKind;
  const proto: unknown = Object.create(CircuitError.prototype, {
    message: { value: message, writable: true, configurable: true },
    reason: { value: reason, writable: true, configurable: true },
    constructor: { value: CircuitError, writable: true, configurable: true },
    stack: {
      get(this: { command: string }): string {
        return `CircuitError: ${message}\n    in command ${JSON.stringify(this.command)}`;
      },
      set(this: object, value: unknown): void {
        Object.defineProperty(this, 'stack', { value, writable: true, configurable: true });
      },
      configurable: true,
    },
  });
  (kind as unknown as { prototype: unknown }).prototype = proto;
  return kind;
}

const CircuitOpenError = callErrorKind('circuit open');
const MaxConcurrencyError = callErrorKind('max concurrency');
const TimeoutError = callErrorKind('timeout');
const RateLimitedError = callErrorKind('rate limited');

/** @internal The error of a call short-circuited by the open circuit of `command`. */
export function circuitOpenError(command: string): CircuitError {
  return new CircuitOpenError(command);
}

/** @internal The error of a call of `command` rejected because every ticket was in use. */
export function maxConcurrencyError(command: string): CircuitError {
  return new MaxConcurrencyError(command);
}

/** @internal The error of a call (or fallback) of `command` that ran past its timeout. */
export function timeoutError(command: string): CircuitError {
  return new TimeoutError(command);
}

/** @internal The error of a call of `command` shed because its rate limit had no token left. */
export function rateLimitedError(command: string): CircuitError {
  return new RateLimitedError(command);
}

/**
 * The kind of error of a call shed by its command's rate limit (`hystrix: rate limited`): the token bucket of
 * `maxRequestsPerSecond` had no token left. Calls end with an error of their own that names the command; test for
 * the kind with {@link isRateLimited}.
 */
export const ErrRateLimited: CircuitError = Object.freeze(new CircuitError('rate limited'));

/**
 * The kind of error of a call rejected because the concurrency limit was reached (`hystrix: max concurrency`).
 * Calls end with an error of their own that names the command; test for the kind with {@link isMaxConcurrency}.
 */
export const ErrMaxConcurrency: CircuitError = Object.freeze(new CircuitError('max concurrency'));
/**
 * The kind of error of a call short-circuited by an open circuit (`hystrix: circuit open`). Calls end with an
 * error of their own that names the command; test for the kind with {@link isCircuitOpen}.
 */
export const ErrCircuitOpen: CircuitError = Object.freeze(new CircuitError('circuit open'));
/**
 * The kind of error of a call that ran past its timeout (`hystrix: timeout`). Calls end with an error of their
 * own that names the command; test for the kind with {@link isTimeout}.
 */
export const ErrTimeout: CircuitError = Object.freeze(new CircuitError('timeout'));
/**
 * The reason given to executions that `close()` cancelled (`hystrix: closed`). Such a call ends as
 * `context_canceled` with a {@link ContextError} whose `cause` is this error. Created once.
 */
export const ErrClosed: CircuitError = Object.freeze(new CircuitError('closed'));

/** The two context events, named as hystrix-go names them. */
export type ContextErrorCode = 'context_canceled' | 'context_deadline_exceeded';

/**
 * The caller's `AbortSignal` aborted the call: hystrix-go's `context.Canceled` (`context canceled`) or, when the
 * abort reason is a `TimeoutError` (as `AbortSignal.timeout()` gives), `context.DeadlineExceeded`
 * (`context deadline exceeded`). The signal's reason is attached as `cause`.
 */
export class ContextError extends Error {
  /** Which context event the abort counts as. */
  readonly code: ContextErrorCode;
  /** The abort reason of the caller's signal. */
  declare readonly cause: unknown;
  /** The command whose call was aborted, if known. */
  readonly command: string | undefined;

  /**
   * @param code - the context event.
   * @param reason - the abort reason of the caller's signal.
   * @param command - the command whose call was aborted.
   */
  constructor(code: ContextErrorCode, reason: unknown, command?: string) {
    super(code === 'context_canceled' ? 'context canceled' : 'context deadline exceeded', {
      cause: reason,
    });
    this.name = 'ContextError';
    this.code = code;
    this.command = command;
    brand(this, 'context');
  }
}

/**
 * The fallback failed. The message keeps hystrix-go's format
 * `fallback failed with '<fallback error>'. run error was '<run error>'`; both errors are attached:
 * `cause` is the fallback's error and `runError` the error that triggered the fallback.
 */
export class FallbackError extends Error {
  /** The error that triggered the fallback (a run error, or a {@link CircuitError} or {@link ContextError}). */
  readonly runError: unknown;
  /** The fallback's own error. */
  declare readonly cause: unknown;
  /** The command whose fallback failed, if known. */
  readonly command: string | undefined;

  /**
   * @param fallbackError - what the fallback threw or rejected with.
   * @param runError - the error that triggered the fallback.
   * @param command - the command whose fallback failed.
   */
  constructor(fallbackError: unknown, runError: unknown, command?: string) {
    super(
      `fallback failed with '${describeError(fallbackError)}'. run error was '${describeError(runError)}'`,
      { cause: fallbackError },
    );
    this.name = 'FallbackError';
    this.runError = runError;
    this.command = command;
    brand(this, 'fallback');
  }
}

/**
 * A readable text for any thrown value, as Go's `%v` gives an error's text: an `Error`'s message, else
 * `String(value)`. Never throws, not even for a hostile Proxy.
 */
export function describeError(value: unknown): string {
  try {
    if (isError(value)) return value.message;
    if (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as Error).message === 'string'
    ) {
      return (value as Error).message;
    }
    return String(value);
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return '[unprintable value]';
    }
  }
}

/**
 * Turns any rejection value into an `Error`: an `Error` (from any realm, or from another copy of the package) is
 * returned as it is; anything else is wrapped in an `Error` whose message describes it and whose `cause` is the
 * value. Never throws.
 */
export function toError(value: unknown): Error {
  if (isError(value) || brandOf(value) !== undefined) return value as Error;
  return new Error(describeError(value), { cause: value });
}

/** An `Error` of this realm or another (`vm` contexts); false, never a throw, for a hostile Proxy. */
function isError(value: unknown): value is Error {
  try {
    return value instanceof Error || types.isNativeError(value);
  } catch {
    // `instanceof` on a revoked Proxy throws.
    return false;
  }
}

/** True for any error the library made (`CircuitError`), from this or another copy of the package. */
export function isCircuitError(value: unknown): value is CircuitError {
  return brandOf(value) === 'circuit';
}

/**
 * True for an error of the kind {@link ErrCircuitOpen}: a call short-circuited by an open circuit, of any command
 * (from this or another copy of the package). Calls end with errors of their own, so test with this, not `===`.
 */
export function isCircuitOpen(value: unknown): value is CircuitError {
  return value === ErrCircuitOpen || (isCircuitError(value) && value.reason === 'circuit open');
}

/**
 * True for an error of the kind {@link ErrMaxConcurrency}: a call rejected by a full pool, of any command (from
 * this or another copy of the package). Calls end with errors of their own, so test with this, not `===`.
 */
export function isMaxConcurrency(value: unknown): value is CircuitError {
  return (
    value === ErrMaxConcurrency || (isCircuitError(value) && value.reason === 'max concurrency')
  );
}

/**
 * True for an error of the kind {@link ErrTimeout}: a call or fallback that ran past its timeout, of any command
 * (from this or another copy of the package). Calls end with errors of their own, so test with this, not `===`.
 */
export function isTimeout(value: unknown): value is CircuitError {
  return value === ErrTimeout || (isCircuitError(value) && value.reason === 'timeout');
}

/** True for a {@link ContextError} of either kind. */
export function isContextError(value: unknown): value is ContextError {
  return brandOf(value) === 'context';
}

/** True when the caller's signal aborted with any reason but a `TimeoutError` (`context canceled`). */
export function isContextCanceled(value: unknown): value is ContextError {
  return isContextError(value) && value.code === 'context_canceled';
}

/** True when the caller's signal aborted with a `TimeoutError` reason (`context deadline exceeded`). */
export function isContextDeadlineExceeded(value: unknown): value is ContextError {
  return isContextError(value) && value.code === 'context_deadline_exceeded';
}

/** True for a {@link FallbackError} (from this or another copy of the package). */
export function isFallbackError(value: unknown): value is FallbackError {
  return brandOf(value) === 'fallback';
}

/** The context event a caller abort counts as: a `TimeoutError` reason is a deadline, any other a cancel. */
export function contextCodeOf(reason: unknown): ContextErrorCode {
  if (typeof reason !== 'object' || reason === null) return 'context_canceled';
  try {
    return (reason as { name?: unknown }).name === 'TimeoutError'
      ? 'context_deadline_exceeded'
      : 'context_canceled';
  } catch {
    // A reason whose `name` cannot be read (a Proxy that throws) is not a deadline.
    return 'context_canceled';
  }
}

/**
 * True for an error of the kind {@link ErrRateLimited}: a call shed by its rate limit, of any command (from this
 * or another copy of the package).
 */
export function isRateLimited(value: unknown): value is CircuitError {
  return value === ErrRateLimited || (isCircuitError(value) && value.reason === 'rate limited');
}

/**
 * Thrown (or rejected with) by `run` to say the call failed through the caller's own fault (a validation error, a
 * 404): the error passes through to the caller, no fallback runs, and it does not count toward the circuit's
 * health (Hystrix Java's `HystrixBadRequestException`). The caller receives the wrapped error, `cause`, as it was;
 * a `BadRequestError` made without a cause is received itself.
 */
export class BadRequestError extends Error {
  /** The error the caller receives. */
  declare readonly cause: unknown;

  /**
   * @param cause - the error to pass through to the caller.
   * @param message - a message of its own (default: the cause's).
   */
  constructor(cause?: unknown, message?: string) {
    super(message ?? (cause === undefined ? 'bad request' : describeError(cause)), { cause });
    this.name = 'BadRequestError';
    brand(this, 'bad-request');
  }
}

/** True for a {@link BadRequestError} (from this or another copy of the package). */
export function isBadRequestError(value: unknown): value is BadRequestError {
  return brandOf(value) === 'bad-request';
}
