// The published declarations of ./dist/fetch.d.ts, as a report of the public API.
// Generated: do not edit. After changing the API, run: npm run api

import { H as HttpCommandOptions } from './http-policy.chunk.js';
export {
  C as CommandNamer,
  a as HttpCall,
  b as HttpFallback,
  c as HttpRequestInfo,
  d as HttpStatusError,
  R as RetryAfterError,
  e as defaultCommandName,
  f as defaultIsFailureStatus,
  i as isHttpStatusError,
  g as isRetryAfterError,
} from './http-policy.chunk.js';
import 'hystrix-ts';

/** Options of {@link createFetch}. */
interface CreateFetchOptions extends HttpCommandOptions {
  /** The `fetch` requests go through (default: the global `fetch`, read at each call). */
  fetch?: typeof fetch | undefined;
  /**
   * Whether the body is read inside the command (default false). By default a call ends when the headers
   * arrive: its timeout does not cover the body, which streams afterwards (the caller's own signal still
   * aborts it). With `bufferBody`, the response's body is read into memory first, so the timeout covers it;
   * for small bodies only.
   */
  bufferBody?: boolean | undefined;
}
/**
 * Makes a `fetch` whose every request runs as a command of the registry (`hystrix.do`): see the README's
 * "HTTP clients" for what counts as a failure and what the caller gets.
 *
 * @throws TypeError or RangeError for bad options.
 */
declare function createFetch(options?: CreateFetchOptions): typeof fetch;

export { type CreateFetchOptions, HttpCommandOptions, createFetch };
