import { CallerPromise, type Mode } from './caller-promise.js';
import { type SignalListener, unwatchSignal, watchSignal } from './caller-signal.js';
import { ADMIT_CALL, ADMIT_PROBE, type Circuit } from './circuit.js';
import type { Deadline, DeadlineQueue } from './deadlines.js';
import {
  ContextError,
  circuitOpenError,
  contextCodeOf,
  describeError,
  FallbackError,
  isBadRequestError,
  maxConcurrencyError,
  rateLimitedError,
  timeoutError,
} from './errors.js';
import {
  BAD_REQUEST,
  CONTEXT_CANCELED,
  CONTEXT_DEADLINE_EXCEEDED,
  type EventCode,
  FAILURE,
  type FallbackCode,
  FALLBACK_FAILURE,
  FALLBACK_SUCCESS,
  NO_FALLBACK,
  RATE_LIMITED,
  REJECTED,
  SHORT_CIRCUIT,
  SUCCESS,
  TIMEOUT,
} from './events.js';
import { FallbackAttempt } from './fallback-attempt.js';
import { QueueWait, type QueueWaitOwner } from './policies/queue-wait.js';
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
/** In the circuit's queue, waiting for a ticket; nothing is decided yet, and run has not been called. */
const WAITING = 3;
type Phase = typeof RUNNING | typeof FALLING_BACK | typeof DONE | typeof WAITING;

// The ticket an execution holds in its circuit's pool.
const NO_TICKET = 0;
const TICKET = 1;
/** Held by a run that timed out and has not settled: the pool counts such runs. */
const TICKET_PAST_TIMEOUT = 2;
type Ticket = typeof NO_TICKET | typeof TICKET | typeof TICKET_PAST_TIMEOUT;

/**
 * @internal One execution of a command, from admission to report (hystrix-go's `command`): admit, run, decide,
 * fall back, report. It is the context given to `run`, its own deadline-queue node and the caller's promise.
 * Exactly one of run completion, timeout, caller abort and close decides the primary outcome; whatever comes later
 * only returns the ticket. Every field is assigned in the constructor, in one order, so that all executions share
 * one object shape.
 */
export class Execution
  extends CallerPromise
  implements Deadline, RunContext, SignalListener, QueueWaitOwner
{
  deadlineAt: number;
  nextDeadline: Deadline | null;
  waiting: boolean;
  queue: DeadlineQueue | null;
  protected readonly circuit: Circuit;
  protected fallback: FallbackFunction<unknown> | null;
  private readonly start: number;
  /** When run was called: the call's start, or, for a call that waited in the queue, when it got its ticket. */
  private runStart: number;
  private phase: Phase;
  private ticket: Ticket;
  private probeEpoch: number;
  private abortState: LazySignal;
  private callerSignal: AbortSignal | null;
  /** The primary outcome once decided, when it is not a success. */
  private event: EventCode;
  private error: unknown;
  /** How long run took when run decided the outcome, else -1. */
  private runMs: number;
  /** While waiting in the queue for a ticket: the wait. */
  private queueWait: QueueWait | null;

  constructor(
    circuit: Circuit,
    fallback: FallbackFunction<unknown> | null,
    mode: Mode,
    start: number,
  ) {
    super(mode);
    this.deadlineAt = 0;
    this.nextDeadline = null;
    this.waiting = false;
    this.queue = null;
    this.circuit = circuit;
    this.fallback = fallback;
    this.start = start;
    this.runStart = start;
    this.phase = RUNNING;
    this.ticket = NO_TICKET;
    this.probeEpoch = -1;
    this.abortState = null;
    this.callerSignal = null;
    this.event = SUCCESS;
    this.error = undefined;
    this.runMs = -1;
    this.queueWait = null;
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
  begin(
    run: RunFunction<unknown>,
    signal: AbortSignal | undefined,
    runQueue: DeadlineQueue | null,
  ): Promise<unknown> {
    this.admitAndRun(run, signal, runQueue);
    return this.promise();
  }

  /** Admission, ticket and run: everything `begin` does before handing out the caller's promise. */
  protected admitAndRun(
    run: RunFunction<unknown>,
    signal: AbortSignal | undefined,
    runQueue: DeadlineQueue | null,
  ): void {
    const circuit = this.circuit;
    const now = this.start;
    if (signal?.aborted) {
      this.decideByAbort(signal.reason, now);
      return;
    }
    const admission = circuit.admit(now);
    if (admission !== ADMIT_CALL) {
      if (admission !== ADMIT_PROBE) {
        this.decide(SHORT_CIRCUIT, circuitOpenError(circuit.name), now, -1);
        this.proceed(now);
        return;
      }
      this.probeEpoch = circuit.epoch;
    }
    const limiter = circuit.limiter;
    if (limiter !== null && !limiter.tryTake(now)) {
      this.decide(RATE_LIMITED, rateLimitedError(circuit.name), now, -1);
      this.proceed(now);
      return;
    }
    if (!circuit.pool.tryAcquire(now)) {
      const waiters = circuit.waiters;
      const waits = circuit.queueDeadlines;
      if (waiters !== null && waits !== null && waiters.size() < circuit.settings.maxQueueSize) {
        this.phase = WAITING;
        const wait = new QueueWait(this, run, runQueue);
        this.queueWait = wait;
        waiters.push(wait);
        waits.push(wait, now);
        if (signal !== undefined) this.listen(signal);
        return;
      }
      circuit.poolFull();
      this.decide(REJECTED, maxConcurrencyError(circuit.name), now, -1);
      this.proceed(now);
      return;
    }
    this.startRun(run, signal, now, runQueue);
  }

  /** With a ticket: the run's deadline (the call's own timeout's, or the command's), then run. */
  private startRun(
    run: RunFunction<unknown>,
    signal: AbortSignal | undefined,
    now: number,
    runQueue: DeadlineQueue | null,
  ): void {
    this.ticket = TICKET;
    // The deadline starts before run does: a command that run's synchronous part starts (with the same timeout)
    // queues behind this one, so deadlines stay in call order.
    (runQueue ?? this.circuit.runDeadlines).push(this, now);
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

  /** A ticket was taken for this waiting call: it runs now. */
  ticketGranted(now: number, wait: QueueWait): void {
    if (this.phase !== WAITING || this.queueWait !== wait) return;
    this.queueWait = null;
    wait.end();
    this.phase = RUNNING;
    this.runStart = now;
    // The caller's signal is already listened to: run's promise is watched without a second listener.
    this.startRun(wait.run, this.callerSignal ?? undefined, now, wait.runQueue);
  }

  waitExpired(): void {
    if (this.phase !== WAITING) return;
    const circuit = this.circuit;
    this.leaveQueue();
    const now = circuit.clock.now();
    this.decide(REJECTED, maxConcurrencyError(circuit.name), now, -1);
    this.proceed(now);
  }

  waitCancelled(reason: unknown): void {
    if (this.phase !== WAITING) return;
    this.leaveQueue();
    this.phase = RUNNING;
    this.cancel(reason);
  }

  /** Out of the circuit's queue, before its turn. */
  private leaveQueue(): void {
    const wait = this.queueWait;
    if (wait === null) return;
    this.queueWait = null;
    this.circuit.waiters?.leave(wait);
    wait.end();
  }

  expire(): void {
    if (this.phase !== RUNNING) return;
    const now = this.circuit.clock.now();
    const error = timeoutError(this.circuit.name);
    this.decide(TIMEOUT, error, now, -1);
    if (this.ticket === TICKET) {
      this.ticket = TICKET_PAST_TIMEOUT;
      const circuit = this.circuit;
      circuit.pool.runPastTimeout();
      // A drop for an adaptive limit, taken now: a run that never settles must still count.
      if (circuit.adaptive !== null) {
        circuit.adaptiveSample(now, elapsed(this.runStart, now), circuit.pool.activeCount, true);
      }
    }
    this.abortState = abortLazySignal(this.abortState, error);
    this.proceed(now);
  }

  cancel(reason: unknown): void {
    if (this.phase !== RUNNING) return;
    const now = this.circuit.clock.now();
    this.decide(
      CONTEXT_CANCELED,
      new ContextError('context_canceled', reason, this.circuit.name),
      now,
      -1,
    );
    this.abortState = abortLazySignal(this.abortState, reason);
    this.proceed(now);
  }

  callerAborted(reason: unknown): void {
    this.callerSignal = null;
    if (this.phase === WAITING) {
      this.leaveQueue();
      this.phase = RUNNING;
    }
    if (this.phase === RUNNING) this.decideByAbort(reason, this.circuit.clock.now());
  }

  /** @internal A fallback ended. */
  fallbackEnded(ok: boolean, value: unknown): void {
    if (this.phase !== FALLING_BACK) return;
    this.phase = DONE;
    const now = this.circuit.clock.now();
    this.report(
      now,
      this.event,
      ok ? FALLBACK_SUCCESS : FALLBACK_FAILURE,
      this.runMs,
      elapsed(this.start, now),
    );
    if (ok) this.succeed(value);
    else this.fail(new FallbackError(value, this.error, this.circuit.name));
  }

  private watch(promise: Promise<unknown>, signal: AbortSignal | undefined): void {
    if (signal !== undefined && this.callerSignal !== signal) this.listen(signal);
    promise.then(
      (value) => this.runResolved(value),
      (error: unknown) => this.runRejected(error),
    );
  }

  private runResolved(value: unknown): void {
    const circuit = this.circuit;
    const now = circuit.clock.now();
    this.returnTicket(now);
    if (this.phase !== RUNNING) return;
    this.phase = DONE;
    this.queue?.done(this);
    const signal = this.callerSignal;
    if (signal !== null) this.unlisten(signal);
    if (this.probeEpoch >= 0) circuit.probeOutcome(this.probeEpoch, SUCCESS, now);
    const runMs = elapsed(this.runStart, now);
    this.report(now, SUCCESS, NO_FALLBACK, runMs, elapsed(this.start, now));
    // The ticket is back: the run and those still in flight.
    if (circuit.adaptive !== null)
      circuit.adaptiveSample(now, runMs, circuit.pool.activeCount + 1, false);
    this.succeed(value);
  }

  private runRejected(error: unknown): void {
    const now = this.circuit.clock.now();
    this.returnTicket(now);
    if (this.phase !== RUNNING) return;
    const runMs = elapsed(this.runStart, now);
    if (isBadRequestError(error)) {
      // The caller's fault: it gets the wrapped error, as it was.
      const { cause } = error;
      this.decide(BAD_REQUEST, cause === undefined ? error : cause, now, runMs);
    } else if (this.circuit.settings.isBadRequest !== null && this.badRequest(error)) {
      this.decide(BAD_REQUEST, error, now, runMs);
    } else {
      this.decide(FAILURE, error, now, runMs);
    }
    this.proceed(now);
  }

  /** The command's `isBadRequest`, isolated: one that throws is logged and counts as false. */
  private badRequest(error: unknown): boolean {
    const circuit = this.circuit;
    try {
      return circuit.settings.isBadRequest?.(error) === true;
    } catch (thrown: unknown) {
      circuit.logError(
        `hystrix: isBadRequest of circuit ${circuit.name} failed: ${describeError(thrown)}`,
      );
      return false;
    }
  }

  private returnTicket(now: number): void {
    const ticket = this.ticket;
    if (ticket === NO_TICKET) return;
    this.ticket = NO_TICKET;
    const circuit = this.circuit;
    circuit.pool.release(now, ticket === TICKET_PAST_TIMEOUT);
    if (circuit.waiters !== null) circuit.handOff(now);
  }

  /** Records the execution in the circuit's metrics. */
  protected report(
    now: number,
    event: EventCode,
    fallback: FallbackCode,
    runMs: number,
    totalMs: number,
  ): void {
    this.circuit.exchange.report(now, event, fallback, runMs, totalMs);
  }

  /** Fixes the primary outcome (not a success). */
  protected decide(event: EventCode, error: unknown, now: number, runMs: number): void {
    // A bad request passes through: no fallback.
    if (event === BAD_REQUEST) this.fallback = null;
    this.phase = this.fallback === null ? DONE : FALLING_BACK;
    this.event = event;
    this.error = error;
    this.runMs = runMs;
    this.queue?.done(this);
    const signal = this.callerSignal;
    if (signal !== null) this.unlisten(signal);
    if (this.probeEpoch >= 0) this.circuit.probeOutcome(this.probeEpoch, event, now);
  }

  /** After the decision: the fallback, or the report and the caller's error. */
  private proceed(now: number): void {
    const fallback = this.fallback;
    if (fallback === null) {
      const error = this.error;
      this.report(now, this.event, NO_FALLBACK, this.runMs, elapsed(this.start, now));
      this.fail(error);
      return;
    }
    this.fallback = null;
    const attempt = new FallbackAttempt(this);
    // As for run: the deadline starts first, so that fallbacks started by this one's synchronous part queue
    // behind it.
    this.circuit.fallbackDeadlines.push(attempt, now);
    let result: unknown;
    try {
      result = fallback(this.error, attempt);
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
      new ContextError(code, reason, this.circuit.name),
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
    this.callerSignal = signal;
    watchSignal(signal, this);
  }

  private unlisten(signal: AbortSignal): void {
    unwatchSignal(signal, this);
    this.callerSignal = null;
  }

  protected override forgetCaller(): void {
    super.forgetCaller();
    this.error = undefined;
  }
}

function elapsed(start: number, now: number): number {
  const ms = now - start;
  return ms > 0 ? ms : 0;
}
