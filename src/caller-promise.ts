import { toError } from './errors.js';

/** @internal How the outcome is handed to the caller: `do` rejects with the error. */
export const MODE_DO = 0;
/** @internal `go`: resolve with the error instead of rejecting. */
export const MODE_GO = 1;
/** @internal `do` or `go`. */
export type Mode = typeof MODE_DO | typeof MODE_GO;

type Settle = (value: unknown) => void;

/** Stands for the caller's functions while there are none: before a deferred promise, and once it is settled. */
const NOT_DEFERRED: Settle = () => {
  // `settling` says whether there is a deferred promise; nothing calls this.
};

// `new Promise` with a shared executor: no closure per call.
let capturedResolve: Settle = NOT_DEFERRED;
let capturedReject: Settle = NOT_DEFERRED;
function capture(resolve: Settle, reject: Settle): void {
  capturedResolve = resolve;
  capturedReject = reject;
}

// How the caller's promise is settled. An outcome decided while the call is still being started (a shed call, a
// synchronous run) needs no deferred promise: the caller gets a settled one.
const PENDING = 0; // the call is starting and nothing is decided yet
const SYNC_VALUE = 1; // a value was decided while starting
const SYNC_ERROR = 2; // an error was decided while starting
const DEFERRED = 3; // the caller holds a deferred promise: settle it
type Settling = typeof PENDING | typeof SYNC_VALUE | typeof SYNC_ERROR | typeof DEFERRED;

// Rejections decided synchronously, waiting for the microtask that delivers them: (reject, error) pairs.
const dueRejections: unknown[] = [];
let deliveryQueued = false;

function deliverRejections(): void {
  deliveryQueued = false;
  // Rejecting only queues reactions: no code of the caller runs here, so the list cannot grow meanwhile.
  for (let i = 0; i < dueRejections.length; i += 2)
    (dueRejections[i] as Settle)(dueRejections[i + 1]);
  dueRejections.length = 0;
}

/**
 * A promise that rejects with `error` in a microtask. Rejecting before the caller has attached a handler would
 * make Node track the rejection as unhandled and then untrack it, and a `throw` costs about as much: together
 * they cost more than the rest of a shed call. One microtask later the caller's `await` is attached. Rejections
 * of one tick share one microtask. A caller that never handles the promise still gets a normal unhandled
 * rejection.
 */
function rejectSoon(error: unknown): Promise<unknown> {
  const promise = new Promise(capture);
  dueRejections.push(capturedReject, error);
  if (!deliveryQueued) {
    deliveryQueued = true;
    queueMicrotask(deliverRejections);
  }
  return promise;
}

/**
 * @internal The caller's side of a call: the promise `do` or `go` returns, and how it settles. The outcome may be
 * decided before the caller has the promise (a shed call, a synchronous run): then the promise is made already
 * settled, and no deferred promise or closure is paid for.
 */
export class CallerPromise {
  private readonly mode: Mode;
  private resolve: Settle;
  private reject: Settle;
  private settling: Settling;
  private syncResult: unknown;

  constructor(mode: Mode) {
    this.mode = mode;
    this.resolve = NOT_DEFERRED;
    this.reject = NOT_DEFERRED;
    this.settling = PENDING;
    this.syncResult = undefined;
  }

  /** The caller's promise; called once, when the call has been started. */
  protected promise(): Promise<unknown> {
    switch (this.settling) {
      case SYNC_VALUE:
        return Promise.resolve(this.syncResult);
      case SYNC_ERROR:
        return this.mode === MODE_GO
          ? Promise.resolve(toError(this.syncResult))
          : rejectSoon(this.syncResult);
      default: {
        const promise = new Promise(capture);
        this.resolve = capturedResolve;
        this.reject = capturedReject;
        this.settling = DEFERRED;
        return promise;
      }
    }
  }

  /** The call succeeded with `value` (of run or fallback). */
  protected succeed(value: unknown): void {
    const result = this.mode === MODE_GO ? undefined : value;
    if (this.settling !== DEFERRED) {
      this.settling = SYNC_VALUE;
      this.syncResult = result;
      return;
    }
    const resolve = this.resolve;
    this.forgetCaller();
    resolve(result);
  }

  /** The call ended with `error`. */
  protected fail(error: unknown): void {
    if (this.settling !== DEFERRED) {
      this.settling = SYNC_ERROR;
      this.syncResult = error;
      return;
    }
    const settle = this.mode === MODE_GO ? this.resolve : this.reject;
    this.forgetCaller();
    settle(this.mode === MODE_GO ? toError(error) : error);
  }

  /** Drops the caller's functions, so that an ended call still queued behind a slow one holds little. */
  protected forgetCaller(): void {
    this.resolve = this.reject = NOT_DEFERRED;
  }
}
