import type { ServerResponse } from 'node:http';
import { BadRequestError, type Hystrix, isBadRequestError, type RunContext } from 'hystrix-ts';
import { type ClientSignal, returnSignal, takeSignal } from './client-signal.js';
import { type ShedAnswer, shedAnswer } from './shed-answer.js';

/** What the framework does for a protected request: enter its handler, answer instead of it, or pass an error on. */
export interface Framework<Request> {
  /** Runs the route's handler (Express: `next()`; Fastify: the hook's `done()`), the call's context on `request`. */
  enter(request: Request, context: RunContext): void;
  /** Answers instead of the handler, which never runs or has timed out. */
  answer(request: Request, answer: ShedAnswer): void;
  /** Destroys a response whose headers are sent: a timeout can no longer be said with a status. */
  abandon(request: Request): void;
  /** An error that is not the route's to answer (a programming error): the framework's error handling has it. */
  fail(request: Request, error: unknown): void;
}

/**
 * The reason the request's own signal aborts with when the client goes away before its response ended: the call
 * ends as `context_canceled`, with this as the `ContextError`'s `cause` and as the handler's `signal.reason`.
 */
export const CLIENT_CLOSED: Error = processWide();

// One per process, like the default registry: each subpath bundles this module, and an application may load both,
// or an ESM and a CommonJS copy; `signal.reason === CLIENT_CLOSED` must hold whichever it imported.
function processWide(): Error {
  const key = Symbol.for('hystrix-ts.clientClosed');
  const holder = globalThis as { [key: symbol]: unknown };
  const existing = holder[key];
  if (existing instanceof Error) return existing;
  const created = Object.freeze(new Error('the client closed the connection'));
  Object.defineProperty(globalThis, key, { value: created, enumerable: false });
  return created;
}

/** A response of status 500 or more, answered by the handler: the command's failure. */
class ServerErrorStatus extends Error {
  constructor(readonly status: number) {
    super(`the handler answered ${status}`);
    this.name = 'ServerErrorStatus';
  }
}

/**
 * Runs one request as a call of the command `name`: the handler is the call's `run`, and the call ends when the
 * response does. Its outcome is the response's status: 5xx a failure, 4xx a bad request (not counted toward
 * health), anything else a success. A response that closes before it ended (the client went away) aborts the
 * call's caller signal: the call ends as `context_canceled` and the handler's signal aborts.
 */
export function protectResponse<Request>(
  hystrix: Hystrix,
  name: string,
  request: Request,
  res: ServerResponse,
  framework: Framework<Request>,
): void {
  new ProtectedResponse(hystrix, name, request, res, framework).start();
}

class ProtectedResponse<Request> {
  private readonly caller: ClientSignal = takeSignal();
  /** The call and the response: the signal goes back to the pool once both have ended. */
  private live = 2;
  private entered = false;
  private settle: (() => void) | null = null;

  constructor(
    private readonly hystrix: Hystrix,
    private readonly name: string,
    private readonly request: Request,
    private readonly res: ServerResponse,
    private readonly framework: Framework<Request>,
  ) {}

  start(): void {
    // Before the call: a client that leaves while the call waits in the queue takes it out of the queue. One that
    // left before the route was reached (while its body was read) ends the call at once.
    if (this.res.closed) this.caller.abort(CLIENT_CLOSED);
    else this.res.once('close', this.closed);
    this.hystrix
      .do(this.name, this.run, null, { signal: this.caller as unknown as AbortSignal })
      .then(this.release, this.ended);
  }

  /** The call or the response ended. */
  private readonly release = (): void => {
    if (--this.live === 0) returnSignal(this.caller);
  };

  private readonly run = (ctx: RunContext): Promise<void> => {
    this.entered = true;
    return new Promise<void>((resolve, reject) => {
      this.settle = () => {
        const res = this.res;
        if (!res.writableFinished)
          resolve(); // the call was decided by the abort or the timeout
        else if (res.statusCode >= 500) reject(new ServerErrorStatus(res.statusCode));
        else if (res.statusCode >= 400)
          reject(new BadRequestError(undefined, `HTTP ${res.statusCode}`));
        else resolve();
      };
      if (this.res.closed) this.settle();
      else this.framework.enter(this.request, ctx);
    });
  };

  /** The response closed: ended, or cut off before its end. */
  private readonly closed = (): void => {
    if (!this.res.writableFinished) this.caller.abort(CLIENT_CLOSED);
    this.settle?.();
    this.release();
  };

  /** The call ended without a success: answer for the handler when it is still ours to answer. */
  private readonly ended = (error: unknown): void => {
    this.release();
    const res = this.res;
    if (this.caller.aborted || res.writableEnded) return; // nobody to answer, or already answered
    if (this.entered && !isAnsweredByUs(error)) return; // the handler's own outcome: its response stands
    const answer = shedAnswer(this.hystrix, this.name, error);
    if (answer === undefined) this.framework.fail(this.request, error);
    else if (res.headersSent) this.framework.abandon(this.request);
    else this.framework.answer(this.request, answer);
  };
}

/** After the handler was entered, only a timeout or the registry's close are answered for it. */
function isAnsweredByUs(error: unknown): boolean {
  return !(error instanceof ServerErrorStatus) && !isBadRequestError(error);
}
