import { ADMIT, type CircuitBreaker, PROBE, SHORT } from './circuit.js';
import type { Deadline, DeadlineQueue } from './deadlines.js';
import {
  ContextError,
  contextCodeOf,
  ErrCircuitOpen,
  ErrMaxConcurrency,
  ErrTimeout,
  FallbackError,
  toError,
} from './errors.js';
import {
  CONTEXT_CANCELED,
  CONTEXT_DEADLINE_EXCEEDED,
  FAILURE,
  FALLBACK_FAILURE,
  FALLBACK_SUCCESS,
  NO_FALLBACK,
  REJECTED,
  SHORT_CIRCUIT,
  SUCCESS,
  TIMEOUT,
} from './events.js';
import { FallbackAttempt } from './fallback-attempt.js';
import {
  abortLazySignal,
  type FallbackFunction,
  type LazySignal,
  readLazySignal,
  type RunContext,
  type RunFunction,
} from './run-context.js';
import { asPromise } from './thenable.js';

// Phases of an execution.
const RUNNING = 0;
const FALLING_BACK = 1;
const DONE = 2;

/** @internal How the outcome is handed to the caller: `do` rejects with the error. */
export const MODE_DO = 0;
/** @internal `go`: resolve with the error instead of rejecting. */
export const MODE_GO = 1;

type Settle = (value: unknown) => void;

// `new Promise` with a shared executor: no closure per call.
let capturedResolve: Settle | null = null;
let capturedReject: Settle | null = null;
function capture(resolve: Settle, reject: Settle): void {
  capturedResolve = resolve;
  capturedReject = reject;
}

// How the caller's promise is settled. An outcome decided while `begin` still runs (a shed call, a synchronous
// run) needs no deferred promise: `begin` returns a settled one.
const PENDING = 0; // begin is running and nothing is decided yet
const SYNC_VALUE = 1; // begin decided a value
const SYNC_ERROR = 2; // begin decided an error
const DEFERRED = 3; // begin returned a deferred promise: settle it

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

/** The primary outcome when it is not a success: what the fallback and the report need. */
class Decision {
  constructor(
    readonly event: number,
    readonly error: unknown,
    /** How long run took when run decided, else -1. */
    readonly runMs: number,
  ) {}
}

// The decisions of a shed call never vary: shared, so that shedding allocates as little as it can.
const SHORT_CIRCUITED = Object.freeze(new Decision(SHORT_CIRCUIT, ErrCircuitOpen, -1));
const REJECTED_FULL = Object.freeze(new Decision(REJECTED, ErrMaxConcurrency, -1));

/** The caller's signal and the listener on it. */
class CallerLink {
  constructor(
    readonly signal: AbortSignal,
    readonly listener: () => void,
  ) {}
}

/**
 * @internal One execution of a command, from admission to report (hystrix-go's `command`). It is the context
 * given to `run` and its own deadline-queue node. Exactly one of run completion, timeout, caller abort and
 * close decides the primary outcome; whatever comes later only returns the ticket. Every field is assigned in
 * the constructor, in one order, so that all executions share one object shape; what only the rare paths need
 * (a caller's signal, a failure, an abort) hangs off one field each.
 */
export class Execution implements Deadline, RunContext {
  deadlineAt: number;
  nextDeadline: Deadline | null;
  waiting: boolean;
  queue: DeadlineQueue | null;
  private readonly circuit: CircuitBreaker;
  private fallback: FallbackFunction<unknown> | null;
  private resolve: Settle | null;
  private reject: Settle | null;
  private readonly mode: number;
  private readonly start: number;
  private phase: number;
  private holdsTicket: boolean;
  private probeEpoch: number;
  private abortState: LazySignal;
  private caller: CallerLink | null;
  private decision: Decision | null;
  private settling: number;
  private syncResult: unknown;

  constructor(
    circuit: CircuitBreaker,
    fallback: FallbackFunction<unknown> | null,
    mode: number,
    start: number,
  ) {
    this.deadlineAt = 0;
    this.nextDeadline = null;
    this.waiting = false;
    this.queue = null;
    this.circuit = circuit;
    this.fallback = fallback;
    this.resolve = null;
    this.reject = null;
    this.mode = mode;
    this.start = start;
    this.phase = RUNNING;
    this.holdsTicket = false;
    this.probeEpoch = -1;
    this.abortState = null;
    this.caller = null;
    this.decision = null;
    this.settling = PENDING;
    this.syncResult = undefined;
  }

  get name(): string {
    return this.circuit.name;
  }

  get signal(): AbortSignal {
    const controller = readLazySignal(this.abortState);
    this.abortState = controller;
    return controller.signal;
  }

  /** Runs the execution; returns the caller's promise. */
  begin(run: RunFunction<unknown>, signal: AbortSignal | undefined): Promise<unknown> {
    this.admitAndRun(run, signal);
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

  /** Admission, ticket and run: everything `begin` does before handing out the caller's promise. */
  private admitAndRun(run: RunFunction<unknown>, signal: AbortSignal | undefined): void {
    const circuit = this.circuit;
    const now = this.start;
    if (signal?.aborted) {
      this.decideByAbort(signal.reason, now);
      return;
    }
    const admission = circuit.admit(now);
    if (admission !== ADMIT) {
      if (admission === SHORT) {
        this.decideWith(SHORT_CIRCUITED, now);
        this.proceed(now);
        return;
      }
      if (admission === PROBE) this.probeEpoch = circuit.epoch;
    }
    if (!circuit.pool.tryAcquire()) {
      this.decideWith(REJECTED_FULL, now);
      this.proceed(now);
      return;
    }
    this.holdsTicket = true;
    // The deadline starts before run does: a command that run's synchronous part starts (with the same timeout)
    // queues behind this one, so deadlines stay in call order.
    circuit.runDeadlines.push(this, now);
    let result: unknown;
    try {
      result = run(this);
    } catch (error: unknown) {
      this.runRejected(error);
      return;
    }
    const pending = asPromise(result);
    if (pending === null) this.runResolved(result);
    else this.watch(pending, signal);
  }

  expire(): void {
    if (this.phase !== RUNNING) return;
    const now = this.circuit.clock.now();
    this.decide(TIMEOUT, ErrTimeout, now, -1);
    this.abortState = abortLazySignal(this.abortState, ErrTimeout);
    this.proceed(now);
  }

  cancel(reason: unknown): void {
    if (this.phase !== RUNNING) return;
    const now = this.circuit.clock.now();
    this.decide(CONTEXT_CANCELED, new ContextError('context_canceled', reason), now, -1);
    this.abortState = abortLazySignal(this.abortState, reason);
    this.proceed(now);
  }

  /** @internal A fallback ended. */
  fallbackEnded(ok: boolean, value: unknown): void {
    if (this.phase !== FALLING_BACK) return;
    this.phase = DONE;
    const now = this.circuit.clock.now();
    const decision = this.decision!;
    this.circuit.report(
      now,
      decision.event,
      ok ? FALLBACK_SUCCESS : FALLBACK_FAILURE,
      decision.runMs,
      elapsed(this.start, now),
    );
    if (ok) this.succeed(value);
    else this.fail(new FallbackError(value, decision.error));
  }

  private watch(promise: Promise<unknown>, signal: AbortSignal | undefined): void {
    if (signal !== undefined) this.listen(signal);
    promise.then(
      (value) => this.runResolved(value),
      (error: unknown) => this.runRejected(error),
    );
  }

  private runResolved(value: unknown): void {
    const circuit = this.circuit;
    const now = circuit.clock.now();
    if (this.holdsTicket) {
      this.holdsTicket = false;
      circuit.pool.release(now);
    }
    if (this.phase !== RUNNING) return;
    this.phase = DONE;
    if (this.waiting) this.queue!.done(this);
    if (this.caller !== null) this.unlisten();
    const ms = elapsed(this.start, now);
    if (this.probeEpoch >= 0) circuit.probeOutcome(this.probeEpoch, SUCCESS, now);
    circuit.report(now, SUCCESS, NO_FALLBACK, ms, ms);
    this.succeed(value);
  }

  private runRejected(error: unknown): void {
    const now = this.circuit.clock.now();
    if (this.holdsTicket) {
      this.holdsTicket = false;
      this.circuit.pool.release(now);
    }
    if (this.phase !== RUNNING) return;
    this.decide(FAILURE, error, now, elapsed(this.start, now));
    this.proceed(now);
  }

  /** Fixes the primary outcome. */
  private decide(event: number, error: unknown, now: number, runMs: number): void {
    this.decideWith(new Decision(event, error, runMs), now);
  }

  private decideWith(decision: Decision, now: number): void {
    const event = decision.event;
    this.phase = this.fallback === null ? DONE : FALLING_BACK;
    this.decision = decision;
    if (this.waiting) this.queue!.done(this);
    if (this.caller !== null) this.unlisten();
    if (this.probeEpoch >= 0) this.circuit.probeOutcome(this.probeEpoch, event, now);
  }

  /** After the decision: the fallback, or the report and the caller's error. */
  private proceed(now: number): void {
    const decision = this.decision!;
    const fallback = this.fallback;
    if (fallback === null) {
      this.circuit.report(
        now,
        decision.event,
        NO_FALLBACK,
        decision.runMs,
        elapsed(this.start, now),
      );
      this.fail(decision.error);
      return;
    }
    this.fallback = null;
    const attempt = new FallbackAttempt(this);
    // As for run: the deadline starts first, so that fallbacks started by this one's synchronous part queue
    // behind it.
    this.circuit.fallbackDeadlines.push(attempt, now);
    let result: unknown;
    try {
      result = fallback(decision.error, attempt);
    } catch (error: unknown) {
      attempt.ended(false, error);
      return;
    }
    const promise = asPromise(result);
    if (promise === null) {
      attempt.ended(true, result);
      return;
    }
    promise.then(
      (value) => attempt.ended(true, value),
      (error: unknown) => attempt.ended(false, error),
    );
  }

  private decideByAbort(reason: unknown, now: number): void {
    const code = contextCodeOf(reason);
    this.decide(
      code === 'context_canceled' ? CONTEXT_CANCELED : CONTEXT_DEADLINE_EXCEEDED,
      new ContextError(code, reason),
      now,
      -1,
    );
    this.abortState = abortLazySignal(this.abortState, reason);
    this.proceed(now);
  }

  private listen(signal: AbortSignal): void {
    if (signal.aborted) {
      // Aborted while run's synchronous part ran.
      this.decideByAbort(signal.reason, this.circuit.clock.now());
      return;
    }
    const listener = (): void => {
      if (this.phase === RUNNING) this.decideByAbort(signal.reason, this.circuit.clock.now());
    };
    this.caller = new CallerLink(signal, listener);
    signal.addEventListener('abort', listener, { once: true });
  }

  private unlisten(): void {
    const { signal, listener } = this.caller!;
    signal.removeEventListener('abort', listener);
    this.caller = null;
  }

  private succeed(value: unknown): void {
    if (this.settling !== DEFERRED) {
      this.settling = SYNC_VALUE;
      this.syncResult = this.mode === MODE_GO ? undefined : value;
      return;
    }
    const resolve = this.resolve!;
    this.release();
    resolve(this.mode === MODE_GO ? undefined : value);
  }

  private fail(error: unknown): void {
    if (this.settling !== DEFERRED) {
      this.settling = SYNC_ERROR;
      this.syncResult = error;
      return;
    }
    if (this.mode === MODE_GO) {
      const resolve = this.resolve!;
      this.release();
      resolve(toError(error));
    } else {
      const reject = this.reject!;
      this.release();
      reject(error);
    }
  }

  /** Drops what the caller gave, so that an ended execution still queued behind a slow one holds little. */
  private release(): void {
    this.resolve = this.reject = null;
    this.decision = null;
  }
}

function elapsed(start: number, now: number): number {
  const ms = now - start;
  return ms > 0 ? ms : 0;
}
