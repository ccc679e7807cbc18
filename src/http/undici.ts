/**
 * hystrix-ts/undici: an interceptor for undici's `Dispatcher.compose`, so that every request through the
 * composed dispatcher (and the global `fetch`, once it is made the global dispatcher) runs as a command, with
 * the rules of `hystrix-ts/fetch`.
 *
 * @packageDocumentation
 * @module hystrix-ts/undici
 */
import { describeValue } from 'hystrix-ts/internal';
import type { Dispatcher } from 'undici';
import { HttpPolicy, type HttpCommandOptions } from './outbound/http-policy.js';
import { InterceptedRequest } from './outbound/intercepted-request.js';

export {
  HttpStatusError,
  isHttpStatusError,
  isRetryAfterError,
  RetryAfterError,
} from './outbound/errors.js';
export {
  type CommandNamer,
  defaultCommandName,
  type HttpCall,
  type HttpCommandOptions,
  type HttpFallback,
  type HttpRequestInfo,
} from './outbound/http-policy.js';
export { defaultIsFailureStatus } from './outbound/status-verdict.js';

/** Options of {@link createInterceptor}. */
export interface InterceptorOptions extends HttpCommandOptions {
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
export function createInterceptor(
  options: InterceptorOptions = {},
): Dispatcher.DispatcherComposeInterceptor {
  const where = 'createInterceptor';
  const policy = new HttpPolicy(where, options, ['coverBody']);
  const coverBody = policy.options['coverBody'] ?? false;
  if (typeof coverBody !== 'boolean') {
    throw new TypeError(
      `${where}: options.coverBody must be a boolean, got ${describeValue(coverBody)}`,
    );
  }
  return (dispatch) =>
    function hystrixDispatch(
      opts: Dispatcher.DispatchOptions,
      handler: Dispatcher.DispatchHandler,
    ): boolean {
      let url: URL;
      try {
        url = new URL(opts.path, opts.origin);
      } catch {
        // Not a URL this interceptor can name: undici itself reports what is wrong with it.
        return dispatch(opts, handler);
      }
      const call = policy.call(opts.method.toUpperCase(), url);
      new InterceptedRequest(policy, call, dispatch, opts, handler, coverBody).start();
      return true;
    };
}
