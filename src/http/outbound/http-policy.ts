import { defaultHystrix, type FallbackTrigger, type Hystrix } from 'hystrix-ts';
import { checkFunction, checkInteger, describeValue } from 'hystrix-ts/internal';
import { checkHystrixOption, checkOptionsObject } from '../../plugins/shared/option-checks.js';
import { RetryAfterError } from './errors.js';
import { retryAfterMs } from './retry-after.js';
import { RetryAfterGate } from './retry-after-gate.js';
import { RouteTemplates } from './route-templates.js';
import {
  defaultIsFailureStatus,
  mayRetryAfter,
  type StatusVerdict,
  statusVerdict,
} from './status-verdict.js';

/** A request as the command name is made from it. */
export interface HttpRequestInfo {
  /** The method, upper case. */
  readonly method: string;
  /** The full URL. */
  readonly url: URL;
  /** The first of the `routes` templates that matched the path, or undefined. */
  readonly route: string | undefined;
}

/** A request with the command it runs as. */
export interface HttpCall extends HttpRequestInfo {
  /** The command's name. */
  readonly command: string;
}

/**
 * Names the command a request runs as. The default is the method and origin (`GET https://api.example.com`),
 * followed by the matched route template when there is one (`GET https://api.example.com/users/:id`).
 */
export type CommandNamer = (request: HttpRequestInfo) => string;

/**
 * What to answer instead when a call fails, times out or is shed: it receives the error
 * ({@link HttpStatusError} for a failure status, {@link RetryAfterError}, the core's `CircuitError` kinds, a
 * network error) and the call, and returns a `Response`.
 */
export type HttpFallback = (
  error: FallbackTrigger,
  call: HttpCall,
) => Response | PromiseLike<Response>;

/** The options `hystrix-ts/fetch` and `hystrix-ts/undici` share: how requests become commands, and judged. */
export interface HttpCommandOptions {
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
export function defaultCommandName(request: HttpRequestInfo): string {
  const base = `${request.method} ${request.url.origin}`;
  return request.route === undefined ? base : base + request.route;
}

const SHARED_KEYS = [
  'hystrix',
  'name',
  'routes',
  'isFailureStatus',
  'retryAfter',
  'maxRetryAfter',
  'fallback',
] as const;

/**
 * The rules both HTTP clients apply, from their checked options: the command of a request, the verdict on a
 * status, the `Retry-After` windows and the fallback.
 */
export class HttpPolicy {
  /** The registry the commands run in. */
  readonly hystrix: Hystrix;
  /** The fallback, or null. */
  readonly fallback: HttpFallback | null;
  /** The options as given, for the client's own keys. */
  readonly options: Readonly<Record<string, unknown>>;
  private readonly namer: CommandNamer;
  private readonly routes: RouteTemplates | null;
  private readonly isFailureStatus: (status: number) => boolean;
  private readonly gate: RetryAfterGate | null;
  private readonly maxRetryAfter: number;

  /**
   * @param where - the function the options were given to, first in every error message.
   * @param options - the options as given.
   * @param ownKeys - the options of the client itself, besides the shared ones.
   * @throws TypeError or RangeError for bad options.
   */
  constructor(where: string, options: unknown, ownKeys: readonly string[]) {
    const record = checkOptionsObject(where, options, {
      known: new Set([...SHARED_KEYS, ...ownKeys]),
      example: "{ routes: ['/users/:id'] }",
      refuseArrays: true,
    });
    this.options = record;
    this.hystrix = checkHystrixOption(where, record['hystrix'] ?? defaultHystrix, ['now', 'do']);
    const name = record['name'];
    checkFunction(name, `${where}: options.name`, true);
    this.namer = (name ?? defaultCommandName) as CommandNamer;
    const routes = record['routes'];
    this.routes =
      routes === undefined ? null : new RouteTemplates(routes, `${where}: options.routes`);
    const isFailureStatus = record['isFailureStatus'];
    checkFunction(isFailureStatus, `${where}: options.isFailureStatus`, true);
    this.isFailureStatus = (isFailureStatus ?? defaultIsFailureStatus) as (
      status: number,
    ) => boolean;
    const retryAfter = record['retryAfter'] ?? true;
    if (typeof retryAfter !== 'boolean') {
      throw new TypeError(
        `${where}: options.retryAfter must be a boolean, got ${describeValue(retryAfter)}`,
      );
    }
    this.gate = retryAfter ? new RetryAfterGate() : null;
    this.maxRetryAfter = checkInteger(
      record['maxRetryAfter'] ?? 60_000,
      `${where}: options.maxRetryAfter`,
      0,
      2_147_483_647,
    );
    const fallback = record['fallback'];
    checkFunction(fallback, `${where}: options.fallback`, true);
    this.fallback = (fallback ?? null) as HttpFallback | null;
  }

  /**
   * The call a request makes: its command named.
   *
   * @throws TypeError when the naming function does not return a string.
   */
  call(method: string, url: URL): HttpCall {
    const route = this.routes?.match(url.pathname);
    const command = this.namer({ method, url, route });
    if (typeof command !== 'string') {
      throw new TypeError(`options.name must return a string, got ${describeValue(command)}`);
    }
    return { method, url, route, command };
  }

  /** The verdict on an upstream's status. */
  verdict(status: number): StatusVerdict {
    return statusVerdict(status, this.isFailureStatus);
  }

  /**
   * Reads the `Retry-After` of a failure: for a 429 or a 503 with one, the wait in milliseconds, which, when
   * `retryAfter` is on, also starts the command's window.
   */
  retryAfterOf(
    command: string,
    status: number,
    header: string | null | undefined,
  ): number | undefined {
    if (!mayRetryAfter(status)) return undefined;
    const now = this.hystrix.now();
    const ms = retryAfterMs(header, now, this.maxRetryAfter);
    if (ms !== undefined && ms > 0) this.gate?.block(command, now + ms);
    return ms;
  }

  /** The error of a call made while its command waits out a `Retry-After`, or undefined when it may call. */
  blocked(command: string): RetryAfterError | undefined {
    const gate = this.gate;
    if (gate === null) return undefined;
    const until = gate.blockedUntil(command, this.hystrix.now());
    return until === undefined ? undefined : new RetryAfterError(command, until);
  }
}
