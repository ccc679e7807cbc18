import {
  type Hystrix,
  isCircuitOpen,
  isContextError,
  isMaxConcurrency,
  isRateLimited,
  isTimeout,
} from 'hystrix-ts';

/** What a protected route answers instead of its handler: the status, `Retry-After` (seconds, or none) and text. */
export interface ShedAnswer {
  readonly status: 429 | 503 | 504;
  readonly retryAfter: number | undefined;
  readonly body: string;
}

/**
 * The answer for a request whose call ended with `error` before its handler answered, or undefined when the
 * error is not one the route answers for (a programming error, which goes to the framework's error handling).
 *
 * - circuit open: 503, `Retry-After` the command's `sleepWindow` in seconds, rounded up (when the circuit lets a
 *   probe through at the latest, if it just opened);
 * - max concurrency (every ticket in use, the queue full, or the wait in it expired): 503, `Retry-After` 1, the
 *   smallest the header can say (a ticket is returned as soon as any request in flight ends);
 * - rate limited: 429, `Retry-After` the time to refill one token from an empty bucket, `1 / maxRequestsPerSecond`
 *   seconds rounded up, at least 1;
 * - timeout: 504 without `Retry-After` (the handler ran and may have done part of its work: not a safe retry);
 * - the registry closed: 503 without `Retry-After`.
 */
export function shedAnswer(hystrix: Hystrix, name: string, error: unknown): ShedAnswer | undefined {
  if (isMaxConcurrency(error)) return { status: 503, retryAfter: 1, body: error.message };
  if (isRateLimited(error)) {
    const rate = hystrix.getSettings(name).maxRequestsPerSecond;
    const retryAfter = rate > 0 ? Math.max(1, Math.ceil(1 / rate)) : 1;
    return { status: 429, retryAfter, body: error.message };
  }
  if (isCircuitOpen(error)) {
    const retryAfter = Math.max(1, Math.ceil(hystrix.getSettings(name).sleepWindow / 1000));
    return { status: 503, retryAfter, body: error.message };
  }
  if (isTimeout(error)) return { status: 504, retryAfter: undefined, body: error.message };
  if (isContextError(error)) {
    return { status: 503, retryAfter: undefined, body: 'hystrix: closed' };
  }
  return undefined;
}
