import { CircuitError } from 'hystrix-ts';

const HTTP_BRAND: unique symbol = Symbol.for('hystrix-ts.http-error') as never;

function brand(target: object, kind: 'status' | 'retry-after'): void {
  Object.defineProperty(target, HTTP_BRAND, { value: kind, enumerable: false });
}

function brandOf(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  try {
    return (value as { [HTTP_BRAND]?: unknown })[HTTP_BRAND];
  } catch {
    // A Proxy whose traps throw: not one of ours.
    return undefined;
  }
}

/**
 * What a call's run fails with when the upstream answers with a failure status (by default 5xx and 429). The
 * fallback receives it; without a fallback the caller receives the upstream's answer itself (see the README's
 * "HTTP clients").
 */
export class HttpStatusError extends Error {
  /** The command whose call it ends. */
  readonly command: string;
  /** The upstream's status. */
  readonly status: number;
  /** The upstream's status text. */
  readonly statusText: string;
  /**
   * The wait the upstream asked for with `Retry-After` on a 429 or 503, in milliseconds (capped at
   * `maxRetryAfter`), or undefined.
   */
  readonly retryAfter: number | undefined;
  /**
   * The upstream's response, body unread (`hystrix-ts/fetch`; undefined through the undici interceptor, whose
   * body goes to the dispatcher's handler). Once the fallback has settled, a body it did not read is cancelled.
   */
  readonly response: Response | undefined;

  /**
   * @param command - the command whose call it ends.
   * @param status - the upstream's status.
   * @param statusText - the upstream's status text.
   * @param retryAfter - the wait asked for, in milliseconds.
   * @param response - the upstream's response.
   */
  constructor(
    command: string,
    status: number,
    statusText: string,
    retryAfter: number | undefined,
    response?: Response,
  ) {
    super(`upstream answered ${status}${statusText === '' ? '' : ' ' + statusText}`);
    this.name = 'HttpStatusError';
    this.command = command;
    this.status = status;
    this.statusText = statusText;
    this.retryAfter = retryAfter;
    this.response = response;
    brand(this, 'status');
  }
}

/** True for an {@link HttpStatusError} (from this or another copy of the package). */
export function isHttpStatusError(value: unknown): value is HttpStatusError {
  return brandOf(value) === 'status';
}

/**
 * What a call fails with, without a request, while its command waits out a `Retry-After` its upstream sent
 * (`hystrix: retry after`). It counts as a failure of the command and the fallback receives it.
 */
export class RetryAfterError extends CircuitError {
  /** When the command may call its upstream again, in the registry's epoch milliseconds. */
  readonly until: number;

  /**
   * @param command - the command whose call it ends.
   * @param until - when the command may call again.
   */
  constructor(command: string, until: number) {
    super('retry after', command);
    this.until = until;
    brand(this, 'retry-after');
  }
}
Object.defineProperty(RetryAfterError.prototype, 'name', {
  value: 'RetryAfterError',
  writable: true,
  configurable: true,
});

/** True for a {@link RetryAfterError} (from this or another copy of the package). */
export function isRetryAfterError(value: unknown): value is RetryAfterError {
  return brandOf(value) === 'retry-after';
}
