/**
 * hystrix-ts/fetch: `fetch` with every request run as a command (circuit breaker, concurrency limit, timeout
 * that aborts the request, fallback), named after the request's method and origin, or its route template.
 *
 * @packageDocumentation
 * @module hystrix-ts/fetch
 */
import { describeValue } from 'hystrix-ts/internal';
import { HttpPolicy, type HttpCommandOptions } from './outbound/http-policy.js';
import { checkBaseFetch, ProtectedFetch } from './outbound/protected-fetch.js';

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

/** Options of {@link createFetch}. */
export interface CreateFetchOptions extends HttpCommandOptions {
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
export function createFetch(options: CreateFetchOptions = {}): typeof fetch {
  const where = 'createFetch';
  const policy = new HttpPolicy(where, options, ['fetch', 'bufferBody']);
  const base = checkBaseFetch(where, policy.options['fetch']);
  const bufferBody = policy.options['bufferBody'] ?? false;
  if (typeof bufferBody !== 'boolean') {
    throw new TypeError(
      `${where}: options.bufferBody must be a boolean, got ${describeValue(bufferBody)}`,
    );
  }
  const client = new ProtectedFetch(policy, base, bufferBody);
  return (input, init) => client.fetch(input, init);
}
