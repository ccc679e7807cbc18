// The published declarations of ./dist/http-policy-<hash>.d.ts, as a report of the public API.
// Generated: do not edit. After changing the API, run: npm run api

import { CircuitError, Hystrix, FallbackTrigger } from 'hystrix-ts';

/**
 * What a call's run fails with when the upstream answers with a failure status (by default 5xx and 429). The
 * fallback receives it; without a fallback the caller receives the upstream's answer itself (see the README's
 * "HTTP clients").
 */
declare class HttpStatusError extends Error {
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
  );
}
/** True for an {@link HttpStatusError} (from this or another copy of the package). */
declare function isHttpStatusError(value: unknown): value is HttpStatusError;
/**
 * What a call fails with, without a request, while its command waits out a `Retry-After` its upstream sent
 * (`hystrix: retry after`). It counts as a failure of the command and the fallback receives it.
 */
declare class RetryAfterError extends CircuitError {
  /** When the command may call its upstream again, in the registry's epoch milliseconds. */
  readonly until: number;
  /**
   * @param command - the command whose call it ends.
   * @param until - when the command may call again.
   */
  constructor(command: string, until: number);
}
/** True for a {@link RetryAfterError} (from this or another copy of the package). */
declare function isRetryAfterError(value: unknown): value is RetryAfterError;

/** Which statuses are the upstream's failures by default: every 5xx, and 429 (Too Many Requests). */
declare function defaultIsFailureStatus(status: number): boolean;

/** A request as the command name is made from it. */
interface HttpRequestInfo {
  /** The method, upper case. */
  readonly method: string;
  /** The full URL. */
  readonly url: URL;
  /** The first of the `routes` templates that matched the path, or undefined. */
  readonly route: string | undefined;
}
/** A request with the command it runs as. */
interface HttpCall extends HttpRequestInfo {
  /** The command's name. */
  readonly command: string;
}
/**
 * Names the command a request runs as. The default is the method and origin (`GET https://api.example.com`),
 * followed by the matched route template when there is one (`GET https://api.example.com/users/:id`).
 */
type CommandNamer = (request: HttpRequestInfo) => string;
/**
 * What to answer instead when a call fails, times out or is shed: it receives the error
 * ({@link HttpStatusError} for a failure status, {@link RetryAfterError}, the core's `CircuitError` kinds, a
 * network error) and the call, and returns a `Response`.
 */
type HttpFallback = (error: FallbackTrigger, call: HttpCall) => Response | PromiseLike<Response>;
/** The options `hystrix-ts/fetch` and `hystrix-ts/undici` share: how requests become commands, and judged. */
interface HttpCommandOptions {
  /** The registry the commands run in (default: the default registry). */
  hystrix?: Hystrix | undefined;
  /** Names each request's command (default: {@link defaultCommandName}). */
  name?: CommandNamer | undefined;
  /**
   * Path templates such as `/users/:id` (one segment) or `/files/*` (the rest), so that each endpoint is a
   * command of its own: the first that matches is given to `name` as `route`.
   */
  routes?: readonly string[] | undefined;
  /** Which statuses are failures of the upstream (default: 5xx and 429). Other statuses from 400 on are bad requests. */
  isFailureStatus?: ((status: number) => boolean) | undefined;
  /**
   * Whether a `Retry-After` on a 429 or 503 failure makes the command fail its calls at once, without a
   * request, until then (default true); either way the wait is on the {@link HttpStatusError}.
   */
  retryAfter?: boolean | undefined;
  /** The longest `Retry-After` honoured, in milliseconds (default 60000): a longer one is cut to this. */
  maxRetryAfter?: number | undefined;
  /** What to answer when a call fails, times out or is shed (default: none). */
  fallback?: HttpFallback | undefined;
}
/** The default command name: `"<METHOD> <origin>"`, followed by the matched route template, if any. */
declare function defaultCommandName(request: HttpRequestInfo): string;

export {
  type CommandNamer as C,
  type HttpCommandOptions as H,
  RetryAfterError as R,
  type HttpCall as a,
  type HttpFallback as b,
  type HttpRequestInfo as c,
  HttpStatusError as d,
  defaultCommandName as e,
  defaultIsFailureStatus as f,
  isRetryAfterError as g,
  isHttpStatusError as i,
};
