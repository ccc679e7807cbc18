import { ADMIT, type CircuitBreaker, PROBE, SHORT } from './circuit.js';
import type { Clock } from './clock.js';
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

/** What `run` and the fallback receive. */
export interface RunContext {
  /**
   * Aborted when the call times out (reason {@link ErrTimeout}), when the caller's signal aborts (its reason) or
   * when the registry closes; pass it on to `fetch`, database drivers and the like so that the work really
   * stops. Created on first read, so a run that never reads it pays nothing.
   */
  readonly signal: AbortSignal;
  /** The command name. */
  readonly name: string;
}

/** The work a command protects. It may return a value or a promise. */
export type RunFunction<T> = (ctx: RunContext) => T | PromiseLike<T>;

/**
 * What to answer instead when the run fails, times out, is rejected or short-circuited; it receives the error
 * that triggered it. Bounded by the `fallbackTimeout` setting.
 */
export type FallbackFunction<T> = (error: unknown, ctx: RunContext) => T | PromiseLike<T>;

// Phases of an execution.
const RUNNING = 0;
const FALLING_BACK = 1;
const DONE = 2;

/** @internal How the outcome is handed to the caller. */
export const MODE_DO = 0;
/** @internal `go`: resolve with the error instead of rejecting. */
export const MODE_GO = 1;

const NO_REASON: unique symbol = Symbol('no abort reason');

type Settle = (value: unknown) => void;

// `new Promise` with a shared executor: no closure per call.
let capturedResolve: Settle | null = null;
let capturedReject: Settle | null = null;
function capture(resolve: Settle, reject: Settle): void {
  capturedResolve = resolve;
  capturedReject = reject;
}

/**
 * @internal One execution of a command, from admission to report (hystrix-go's `command`). It is the context
 * given to `run` and its own deadline-queue node. Exactly one of run completion, timeout, caller abort and
 * close decides the primary outcome; whatever comes later only returns the ticket. Every field is assigned in
 * the constructor, in one order, so that all executions share one object shape.
 */
export class Execution implements Deadline, RunContext {
  deadlineAt: number;
  nextDeadline: Deadline | null;
  waiting: boolean;
  queue: DeadlineQueue | null;
  readonly name: string;
  /** @internal */
  readonly clock: Clock;
  private readonly circuit: CircuitBreaker;
  private run: RunFunction<unknown> | null;
  private fallback: FallbackFunction<unknown> | null;
  private resolve: Settle | null;
  private reject: Settle | null;
  private readonly mode: number;
  private readonly start: number;
  private phase: number;
  private holdsTicket: boolean;
  private probeEpoch: number;
  private controller: AbortController | null;
  private abortReason: unknown;
  private callerSignal: AbortSignal | null;
  private callerListener: (() => void) | null;
  private event: number;
  private runError: unknown;
  private runMs: number;

  constructor(
    circuit: CircuitBreaker,
    run: RunFunction<unknown>,
    fallback: FallbackFunction<unknown> | null,
    mode: number,
    start: number,
  ) {
    this.deadlineAt = 0;
    this.nextDeadline = null;
    this.waiting = false;
    this.queue = null;
    this.name = circuit.name;
    this.clock = circuit.clock;
    this.circuit = circuit;
    this.run = run;
    this.fallback = fallback;
    this.resolve = null;
    this.reject = null;
    this.mode = mode;
    this.start = start;
    this.phase = RUNNING;
    this.holdsTicket = false;
    this.probeEpoch = -1;
    this.controller = null;
    this.abortReason = NO_REASON;
    this.callerSignal = null;
    this.callerListener = null;
    this.event = SUCCESS;
    this.runError = undefined;
    this.runMs = -1;
  }

  get signal(): AbortSignal {
    let controller = this.controller;
    if (controller === null) {
      controller = this.controller = new AbortController();
      if (this.abortReason !== NO_REASON) controller.abort(this.abortReason);
    }
    return controller.signal;
  }

  /** Runs the execution; returns the caller's promise. */
  begin(signal: AbortSignal | undefined): Promise<unknown> {
    const promise = new Promise(capture);
    this.resolve = capturedResolve;
    this.reject = capturedReject;
    const circuit = this.circuit;
    const now = this.start;
    if (signal?.aborted) {
      this.decideByAbort(signal.reason, now);
      return promise;
    }
    const admission = circuit.admit(now);
    if (admission !== ADMIT) {
      if (admission === SHORT) {
        this.decide(SHORT_CIRCUIT, ErrCircuitOpen, now, -1);
        this.proceed(now);
        return promise;
      }
      if (admission === PROBE) this.probeEpoch = circuit.epoch;
    }
    if (!circuit.pool.tryAcquire()) {
      this.decide(REJECTED, ErrMaxConcurrency, now, -1);
      this.proceed(now);
      return promise;
    }
    this.holdsTicket = true;
    let result: unknown;
    try {
      result = this.run!(this);
    } catch (error: unknown) {
      this.runRejected(error);
      return promise;
    }
    const pending = asPromise(result);
    if (pending === null) this.runResolved(result);
    else this.watch(pending, now, signal);
    return promise;
  }

  expire(): void {
    if (this.phase !== RUNNING) return;
    const now = this.circuit.clock.now();
    this.decide(TIMEOUT, ErrTimeout, now, -1);
    this.abortRun(ErrTimeout);
    this.proceed(now);
  }

  cancel(reason: unknown): void {
    if (this.phase !== RUNNING) return;
    const now = nowOf(this);
    this.decide(CONTEXT_CANCELED, new ContextError('context_canceled', reason), now, -1);
    this.abortRun(reason);
    this.proceed(now);
  }

  /** @internal A fallback ended. */
  fallbackEnded(ok: boolean, value: unknown): void {
    if (this.phase !== FALLING_BACK) return;
    this.phase = DONE;
    const now = nowOf(this);
    this.circuit.report(
      now,
      this.event,
      ok ? FALLBACK_SUCCESS : FALLBACK_FAILURE,
      this.runMs,
      elapsed(this.start, now),
    );
    if (ok) this.succeed(value);
    else this.fail(new FallbackError(value, this.runError));
  }

  private watch(promise: Promise<unknown>, now: number, signal: AbortSignal | undefined): void {
    this.circuit.runDeadlines.push(this, now);
    if (signal !== undefined) this.listen(signal);
    promise.then(
      (value) => this.runResolved(value),
      (error: unknown) => this.runRejected(error),
    );
  }

  private runResolved(value: unknown): void {
    const now = nowOf(this);
    this.returnTicket(now);
    if (this.phase !== RUNNING) return;
    this.phase = DONE;
    if (this.waiting) this.queue!.done(this);
    if (this.callerListener !== null) this.unlisten();
    const ms = elapsed(this.start, now);
    if (this.probeEpoch >= 0) this.circuit.probeOutcome(this.probeEpoch, SUCCESS, now);
    this.circuit.report(now, SUCCESS, NO_FALLBACK, ms, ms);
    this.succeed(value);
  }

  private runRejected(error: unknown): void {
    const now = nowOf(this);
    this.returnTicket(now);
    if (this.phase !== RUNNING) return;
    this.decide(FAILURE, error, now, elapsed(this.start, now));
    this.proceed(now);
  }

  private returnTicket(now: number): void {
    if (this.holdsTicket) {
      this.holdsTicket = false;
      this.circuit.pool.release(now);
    }
  }

  /** Fixes the primary outcome. */
  private decide(event: number, error: unknown, now: number, runMs: number): void {
    this.phase = this.fallback === null ? DONE : FALLING_BACK;
    this.event = event;
    this.runError = error;
    this.runMs = runMs;
    if (this.waiting) this.queue!.done(this);
    if (this.callerListener !== null) this.unlisten();
    if (this.probeEpoch >= 0) this.circuit.probeOutcome(this.probeEpoch, event, now);
  }

  /** After the decision: the fallback, or the report and the caller's error. */
  private proceed(now: number): void {
    const fallback = this.fallback;
    if (fallback === null) {
      this.circuit.report(now, this.event, NO_FALLBACK, this.runMs, elapsed(this.start, now));
      this.fail(this.runError);
      return;
    }
    this.fallback = null;
    const attempt = new FallbackAttempt(this);
    let result: unknown;
    try {
      result = fallback(this.runError, attempt);
    } catch (error: unknown) {
      this.fallbackEnded(false, error);
      return;
    }
    const promise = asPromise(result);
    if (promise === null) {
      this.fallbackEnded(true, result);
      return;
    }
    this.circuit.fallbackDeadlines.push(attempt, now);
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
    this.abortRun(reason);
    this.proceed(now);
  }

  private abortRun(reason: unknown): void {
    if (this.controller !== null) this.controller.abort(reason);
    else this.abortReason = reason;
  }

  private listen(signal: AbortSignal): void {
    if (signal.aborted) {
      // Aborted while run's synchronous part ran.
      this.decideByAbort(signal.reason, nowOf(this));
      return;
    }
    const listener = (): void => {
      if (this.phase === RUNNING) this.decideByAbort(signal.reason, nowOf(this));
    };
    this.callerSignal = signal;
    this.callerListener = listener;
    signal.addEventListener('abort', listener, { once: true });
  }

  private unlisten(): void {
    this.callerSignal!.removeEventListener('abort', this.callerListener!);
    this.callerSignal = null;
    this.callerListener = null;
  }

  private succeed(value: unknown): void {
    const resolve = this.resolve!;
    this.release();
    resolve(this.mode === MODE_GO ? undefined : value);
  }

  private fail(error: unknown): void {
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
    this.run = null;
    this.runError = undefined;
  }
}

/** @internal A running fallback: its own context (own signal) and its own deadline. */
class FallbackAttempt implements Deadline, RunContext {
  deadlineAt = 0;
  nextDeadline: Deadline | null = null;
  waiting = false;
  queue: DeadlineQueue | null = null;
  readonly name: string;
  private controller: AbortController | null = null;
  private abortReason: unknown = NO_REASON;
  private over = false;

  constructor(private readonly execution: Execution) {
    this.name = execution.name;
  }

  get signal(): AbortSignal {
    let controller = this.controller;
    if (controller === null) {
      controller = this.controller = new AbortController();
      if (this.abortReason !== NO_REASON) controller.abort(this.abortReason);
    }
    return controller.signal;
  }

  ended(ok: boolean, value: unknown): void {
    if (this.over) return;
    this.over = true;
    if (this.waiting) this.queue!.done(this);
    this.execution.fallbackEnded(ok, value);
  }

  expire(): void {
    this.stop(ErrTimeout);
  }

  cancel(reason: unknown): void {
    this.stop(reason);
  }

  private stop(reason: unknown): void {
    if (this.over) return;
    this.over = true;
    if (this.controller !== null) this.controller.abort(reason);
    else this.abortReason = reason;
    this.execution.fallbackEnded(false, reason);
  }
}

function nowOf(execution: Execution): number {
  return execution.clock.now();
}

function elapsed(start: number, now: number): number {
  const ms = now - start;
  return ms > 0 ? ms : 0;
}

/**
 * The promise behind what `run` or a fallback returned, or null for a plain value. A thenable's `then` is read
 * once; a `then` getter that throws counts as a rejection.
 */
function asPromise(value: unknown): Promise<unknown> | null {
  if (value instanceof Promise) return value;
  if ((typeof value !== 'object' || value === null) && typeof value !== 'function') return null;
  let then: unknown;
  try {
    then = (value as { then?: unknown }).then;
  } catch (error: unknown) {
    return Promise.reject(error);
  }
  if (typeof then !== 'function') return null;
  return new Promise((resolve, reject) => {
    (then as (onFulfilled: Settle, onRejected: Settle) => unknown).call(value, resolve, reject);
  });
}
