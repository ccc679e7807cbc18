import { BadRequestError, type FallbackFunction, type RunContext } from 'hystrix-ts';
import { checkFunction, describeValue } from 'hystrix-ts/internal';
import { HttpStatusError, isHttpStatusError } from './errors.js';
import type { HttpCall, HttpPolicy } from './http-policy.js';
import { bufferResponse, discardBody, isResponse } from './response-body.js';

/** The parts of a `fetch` argument the command needs. */
interface RequestParts {
  readonly method: string;
  readonly url: URL;
  readonly signal: AbortSignal | undefined;
}

/**
 * `fetch` with every request run as a command of the policy's registry. What the caller gets:
 * - a success or a bad request (a status from 400 that is not a failure): the upstream's response;
 * - a failure status: the fallback's response, or without a fallback the upstream's response (so that code
 *   written for `fetch` still sees the status), counted as a failure either way;
 * - a network error, timeout or shed call: the fallback's response, or a rejection with the error.
 */
export class ProtectedFetch {
  constructor(
    private readonly policy: HttpPolicy,
    private readonly base: typeof fetch,
    private readonly buffer: boolean,
  ) {}

  /** One request. */
  async fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const parts = requestParts(input, init);
    const policy = this.policy;
    const call = policy.call(parts.method, parts.url);
    let passThrough: Response | undefined;
    const run = async (ctx: RunContext): Promise<Response> => {
      const blocked = policy.blocked(call.command);
      if (blocked !== undefined) throw blocked;
      const caller = parts.signal;
      const signal = caller === undefined ? ctx.signal : AbortSignal.any([ctx.signal, caller]);
      let response = await this.base(input, { ...init, signal });
      if (this.buffer) response = await bufferResponse(response);
      const verdict = policy.verdict(response.status);
      if (verdict === 'success') return response;
      if (verdict === 'bad-request') {
        passThrough = response;
        throw new BadRequestError(response);
      }
      const retryAfter = policy.retryAfterOf(
        call.command,
        response.status,
        response.headers.get('retry-after'),
      );
      throw new HttpStatusError(
        call.command,
        response.status,
        response.statusText,
        retryAfter,
        response,
      );
    };
    try {
      return await policy.hystrix.do(call.command, run, this.fallbackFor(call), {
        signal: parts.signal,
      });
    } catch (error: unknown) {
      if (passThrough !== undefined && error === passThrough) return passThrough;
      if (isHttpStatusError(error) && error.response !== undefined) return error.response;
      throw error;
    }
  }

  private fallbackFor(call: HttpCall): FallbackFunction<Response> | null {
    const fallback = this.policy.fallback;
    if (fallback === null) return null;
    return async (error) => {
      try {
        const answer: unknown = await fallback(error, call);
        if (!isResponse(answer)) {
          throw new TypeError(
            `options.fallback must return a Response, got ${describeValue(answer)}`,
          );
        }
        return answer;
      } finally {
        if (isHttpStatusError(error) && error.response !== undefined) discardBody(error.response);
      }
    };
  }
}

function requestParts(input: string | URL | Request, init: RequestInit | undefined): RequestParts {
  let href: string;
  let request: Request | undefined;
  if (typeof input === 'string') href = input;
  else if (input instanceof URL) href = input.href;
  else {
    request = input;
    href = input.url;
  }
  const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
  const signal = init?.signal ?? request?.signal ?? undefined;
  return { method, url: new URL(href), signal };
}

/** Checks the `fetch` option: a function, or the global `fetch` when absent. */
export function checkBaseFetch(where: string, value: unknown): typeof fetch {
  if (value === undefined) {
    if (typeof globalThis.fetch !== 'function') {
      throw new TypeError(`${where}: options.fetch is needed: this runtime has no global fetch`);
    }
    // Read at each call, so that a fetch replaced later (a test's mock, an instrumented one) is used.
    return (input, init) => globalThis.fetch(input, init);
  }
  checkFunction(value, `${where}: options.fetch`);
  return value as typeof fetch;
}
