import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import { BadRequestError, type FallbackFunction, type RunContext } from 'hystrix-ts';
import { describeError, describeValue } from 'hystrix-ts/internal';
import type { Dispatcher } from 'undici';
import { CallerController } from './caller-controller.js';
import { HttpStatusError } from './errors.js';
import type { HttpCall, HttpPolicy } from './http-policy.js';
import { isResponse } from './response-body.js';

/**
 * Where the caller's handler stands: nothing sent yet but the start (the command decides what it gets),
 * receiving the upstream's own answer, receiving the fallback's, or done. Only while forwarding do the
 * upstream's events reach the caller: a failure left for the fallback is drained unseen.
 */
type CallerSide = 'waiting' | 'forwarding' | 'replaying' | 'ended';

/** What a run settled with when the upstream's answer passed through as a bad request. */
const PASSED_THROUGH: unique symbol = Symbol('passed through');

/**
 * One request through the undici interceptor: the dispatch handler of the upstream request, run inside a
 * command, and the bridge to the caller's handler. The upstream's answer is forwarded as it arrives when it is a
 * success, a bad request, or a failure without a fallback; otherwise the caller gets the fallback's response,
 * replayed, or the command's error.
 */
export class InterceptedRequest implements Dispatcher.DispatchHandler {
  private side: CallerSide = 'waiting';
  private readonly caller: CallerController;
  private readonly callerAbort = new AbortController();
  private upstream: Dispatcher.DispatchController | null = null;
  private ctx: RunContext | null = null;
  private settle: { resolve: () => void; reject: (error: unknown) => void } | null = null;

  constructor(
    private readonly policy: HttpPolicy,
    private readonly call: HttpCall,
    private readonly dispatch: Dispatcher.Dispatch,
    private readonly opts: Dispatcher.DispatchOptions,
    private readonly handler: Dispatcher.DispatchHandler,
    private readonly coverBody: boolean,
  ) {
    this.caller = new CallerController((reason) => this.callerAbort.abort(reason));
  }

  /** Starts the caller's handler, then the command. */
  start(): void {
    this.handler.onRequestStart?.(this.caller, {});
    const policy = this.policy;
    policy.hystrix
      .do(this.call.command, (ctx) => this.run(ctx), this.fallback(), {
        signal: this.callerAbort.signal,
      })
      .then(
        (value) => this.commandResolved(value),
        (error: unknown) => this.commandRejected(error),
      );
  }

  private run(ctx: RunContext): Promise<void> {
    const blocked = this.policy.blocked(this.call.command);
    if (blocked !== undefined) return Promise.reject(blocked);
    this.ctx = ctx;
    return new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
      ctx.signal.addEventListener('abort', () => this.upstream?.abort(abortReason(ctx.signal)), {
        once: true,
      });
      try {
        this.dispatch(this.opts, this);
      } catch (error: unknown) {
        this.settleRun(error);
      }
    });
  }

  private fallback(): FallbackFunction<Response> | null {
    const fallback = this.policy.fallback;
    if (fallback === null) return null;
    return async (error) => {
      const answer: unknown = await fallback(error, this.call);
      if (!isResponse(answer)) {
        throw new TypeError(
          `options.fallback must return a Response, got ${describeValue(answer)}`,
        );
      }
      return answer;
    };
  }

  /** Settles the run once: with nothing for a success, else with the error. */
  private settleRun(error?: unknown): void {
    const settle = this.settle;
    if (settle === null) return;
    this.settle = null;
    if (error === undefined) settle.resolve();
    else settle.reject(error);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.upstream = controller;
    const signal = this.ctx?.signal;
    if (signal?.aborted === true) controller.abort(abortReason(signal));
  }

  onRequestUpgrade(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    socket: Duplex,
  ): void {
    this.side = 'ended';
    this.caller.attach(controller);
    this.settleRun();
    this.handler.onRequestUpgrade?.(this.caller, statusCode, headers, socket);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    statusMessage?: string,
  ): void {
    const call = this.call;
    const verdict = this.policy.verdict(statusCode);
    if (verdict === 'failure') {
      const retryAfter = this.policy.retryAfterOf(
        call.command,
        statusCode,
        headerText(headers['retry-after']),
      );
      const error = new HttpStatusError(call.command, statusCode, statusMessage ?? '', retryAfter);
      if (this.policy.fallback !== null) {
        this.settleRun(error);
        return;
      }
      this.forward(controller, statusCode, headers, statusMessage);
      this.settleRun(error);
      return;
    }
    this.forward(controller, statusCode, headers, statusMessage);
    if (verdict === 'bad-request') this.settleRun(new BadRequestError(PASSED_THROUGH));
    else if (!this.coverBody) this.settleRun();
  }

  private forward(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    statusMessage: string | undefined,
  ): void {
    if (this.side !== 'waiting') return;
    this.side = 'forwarding';
    this.caller.attach(controller);
    this.handler.onResponseStart?.(this.caller, statusCode, headers, statusMessage);
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.side === 'forwarding') this.handler.onResponseData?.(this.caller, chunk);
  }

  onResponseEnd(_controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    this.settleRun();
    if (this.side !== 'forwarding') return;
    this.side = 'ended';
    this.handler.onResponseEnd?.(this.caller, trailers);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.settleRun(error);
    if (this.side !== 'forwarding') return;
    this.side = 'ended';
    this.handler.onResponseError?.(this.caller, error);
  }

  /** The command resolved: a success already forwarded, or the fallback's response to replay. */
  private commandResolved(value: unknown): void {
    if (this.side !== 'waiting') return;
    if (isResponse(value)) {
      this.side = 'replaying';
      this.replay(value).then(undefined, (error: unknown) => this.endWithError(error));
      return;
    }
    this.endWithError(new Error('hystrix: the request ended without an answer'));
  }

  private commandRejected(error: unknown): void {
    // A bad request or a failure without a fallback: the upstream's answer is on its way to the caller.
    if (this.side !== 'waiting' || error === PASSED_THROUGH) return;
    this.endWithError(error);
  }

  private endWithError(error: unknown): void {
    if (this.side === 'ended') return;
    this.side = 'ended';
    const asError =
      error instanceof Error ? error : new Error(describeError(error), { cause: error });
    this.handler.onResponseError?.(this.caller, asError);
  }

  /** Sends a fallback's response to the caller's handler, as an upstream would. */
  private async replay(response: Response): Promise<void> {
    const headers: IncomingHttpHeaders = Object.create(null) as IncomingHttpHeaders;
    response.headers.forEach((value, key) => {
      headers[key] = value;
    });
    const body = Buffer.from(await response.arrayBuffer());
    const caller = this.caller;
    if (this.side !== 'replaying') return;
    if (caller.aborted) {
      this.endWithError(caller.reason);
      return;
    }
    // Read afresh after each step: the handler may abort from inside any of them.
    const aborted = (): boolean => caller.aborted;
    const handler = this.handler;
    handler.onResponseStart?.(caller, response.status, headers, response.statusText);
    if (body.length > 0 && !aborted()) handler.onResponseData?.(caller, body);
    if (aborted()) {
      this.endWithError(caller.reason);
      return;
    }
    this.side = 'ended';
    handler.onResponseEnd?.(caller, {});
  }
}

/** The reason a signal aborted with, as the `Error` undici's `abort` takes. */
function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(describeError(reason), { cause: reason });
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
