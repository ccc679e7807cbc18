// The published declarations of ./dist/undici.d.ts, as a report of the public API.
// Generated: do not edit. After changing the API, run: npm run api

import { Dispatcher } from 'undici';
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

/** Options of {@link createInterceptor}. */
interface InterceptorOptions extends HttpCommandOptions {
  /**
   * Whether a call lasts until the body has arrived (default false): its timeout then covers the body, which
   * still streams to the caller as it arrives. By default a call ends when the headers arrive.
   */
  coverBody?: boolean | undefined;
}
/**
 * Makes an interceptor for `agent.compose(...)` that runs every request as a command of the registry: see the
 * README's "HTTP clients" for what counts as a failure and what the caller gets.
 *
 * @throws TypeError or RangeError for bad options.
 */
declare function createInterceptor(
  options?: InterceptorOptions,
): Dispatcher.DispatcherComposeInterceptor;

export { HttpCommandOptions, type InterceptorOptions, createInterceptor };
