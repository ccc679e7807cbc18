import { Attempt, type AttemptOwner } from './attempt.js';
import { CallerPromise, type Mode } from './caller-promise.js';
import { type SignalListener, unwatchSignal, watchSignal } from './caller-signal.js';
import type { Circuit } from './circuit.js';
import type { Deadline, DeadlineQueue } from './deadlines.js';
import {
  ATTEMPT_FIRST,
  ATTEMPT_HEDGE,
  ATTEMPT_RETRY,
  type AttemptRole,
  BAD_REQUEST,
  type EventCode,
  FAILURE,
  TIMEOUT,
} from './events.js';
import type { AttemptPolicy } from './policies/attempt-policy.js';
import type { FallbackFunction, RunFunction } from './run-context.js';

// Phases of a call.
/** Attempts in flight (a hedge may be due). */
const RUNNING = 0;
/** Waiting out a retry's backoff: no attempt in flight. */
const BACKING_OFF = 1;
/** The last attempt is decided and its fallback, if any, runs. */
const FINAL = 2;
/** The caller has its outcome. */
const DONE = 3;
type Phase = typeof RUNNING | typeof BACKING_OFF | typeof FINAL | typeof DONE;

/**
 * The reason the signal of an attempt that lost is aborted with: another attempt of its call answered first, or
 * the call ended without it.
 */
const ATTEMPT_NOT_NEEDED = new Error('hystrix: the call no longer needs this attempt');

/**
 * @internal A call of a command with retries or hedging: it runs its attempts as executions without a fallback
 * and runs the fallback once, after the last. With retries, a failure or a timeout is followed, within attempts
 * and budget, by a backoff with full jitter and another attempt. With hedging, an attempt that has not answered
 * within the hedge delay is joined by another, within attempts and budget; the first success wins and the others
 * are aborted. The caller's signal ends the whole call, a backoff or a hedge delay included. Backoffs and hedge
 * delays wait in the registry's deadline queues, on its clock, so that `close()` ends them as it ends runs.
 */
export class AttemptedCall extends CallerPromise implements AttemptOwner, SignalListener {
  private phase: Phase = RUNNING;
  /** Attempts started. */
  private started = 0;
  /** Attempts in flight, in the order they started. */
  private readonly running: Attempt[] = [];
  /** The pending backoff or hedge delay. */
  private timer: AttemptTimer | null = null;
  private callerSignal: AbortSignal | null = null;
  /** The caller aborted (or the registry closed): every attempt in flight is being ended. */
  private aborting = false;
  /** The attempt that ends the call, once decided. */
  private last: Attempt | null = null;

  constructor(
    private readonly circuit: Circuit,
    private readonly policy: AttemptPolicy,
    private readonly run: RunFunction<unknown>,
    private fallback: FallbackFunction<unknown> | null,
    private readonly runQueue: DeadlineQueue | null,
    mode: Mode,
  ) {
    super(mode);
  }

  /** Starts the first attempt; returns the caller's promise. `signal` is not aborted. */
  begin(signal: AbortSignal | undefined, now: number): Promise<unknown> {
    this.policy.called(now);
    if (signal !== undefined) {
      this.callerSignal = signal;
      watchSignal(signal, this);
    }
    this.launch(ATTEMPT_FIRST, now);
    if (this.undecided() && this.policy.hedging) this.armHedge(now);
    return this.promise();
  }

  fallbackFor(attempt: Attempt, event: EventCode, now: number): FallbackFunction<unknown> | null {
    this.forget(attempt);
    if (this.phase >= FINAL) return null;
    if (this.aborting) {
      if (this.running.length > 0) return null;
    } else if (this.policy.hedging) {
      // Another attempt may still answer; a bad request is the caller's fault, whoever ran it.
      if (this.running.length > 0 && event !== BAD_REQUEST) return null;
    } else if (
      (event === FAILURE || event === TIMEOUT) &&
      this.started < this.policy.maxAttempts &&
      this.policy.tryExtra(now)
    ) {
      this.phase = BACKING_OFF;
      this.wait(this.policy.backoff(this.started), now);
      return null;
    }
    return this.finish(attempt);
  }

  attemptSucceeded(attempt: Attempt, value: unknown): void {
    this.forget(attempt);
    if (this.phase === DONE) return;
    if (this.phase === FINAL) {
      // Only the last attempt's fallback answers a call in this phase.
      if (attempt !== this.last) return;
      this.phase = DONE;
    } else {
      // Decided before the others are aborted, so that their ends find the call answered.
      this.phase = DONE;
      this.stopTimer();
      this.unlisten();
      this.abortOthers();
    }
    this.succeed(value);
  }

  attemptFailed(attempt: Attempt, error: unknown): void {
    if (attempt !== this.last || this.phase !== FINAL) return;
    this.phase = DONE;
    this.fail(error);
  }

  counted(now: number, role: AttemptRole): void {
    this.policy.counted(now, role);
  }

  /** The caller's signal aborted, or the registry closes: the call ends at once, as an execution would. */
  callerAborted(reason: unknown): void {
    this.unlisten();
    if (this.phase >= FINAL) return;
    this.aborting = true;
    this.stopTimer();
    if (this.running.length === 0) {
      // Between attempts: an attempt decided by the abort before it runs carries the call's outcome and fallback.
      new Attempt(this, ATTEMPT_FIRST, this.circuit, this.circuit.clock.now()).callerAborted(
        reason,
      );
      return;
    }
    for (const attempt of [...this.running]) attempt.callerAborted(reason);
  }

  /** The backoff or the hedge delay `timer` is over. */
  timerEnded(timer: AttemptTimer): void {
    if (timer !== this.timer) return;
    this.timer = null;
    const now = this.circuit.clock.now();
    if (this.phase === BACKING_OFF) {
      this.phase = RUNNING;
      this.launch(ATTEMPT_RETRY, now);
    } else if (
      this.phase === RUNNING &&
      this.started < this.policy.maxAttempts &&
      this.policy.tryExtra(now)
    ) {
      this.launch(ATTEMPT_HEDGE, now);
      if (this.undecided() && this.started < this.policy.maxAttempts) this.armHedge(now);
    }
  }

  /** The registry closes while `timer` is pending. */
  timerCancelled(timer: AttemptTimer, reason: unknown): void {
    if (timer !== this.timer) return;
    this.timer = null;
    this.callerAborted(reason);
  }

  /** Attempts are in flight and none has decided the call (read after one started, which may have decided it). */
  private undecided(): boolean {
    return this.phase === RUNNING;
  }

  private launch(role: AttemptRole, now: number): void {
    const attempt = new Attempt(this, role, this.circuit, now);
    this.started++;
    this.running.push(attempt);
    attempt.launch(this.run, this.runQueue);
  }

  /** `attempt` ends the call: the others are aborted, and it gets the fallback. */
  private finish(attempt: Attempt): FallbackFunction<unknown> | null {
    this.phase = FINAL;
    this.last = attempt;
    this.stopTimer();
    this.unlisten();
    this.abortOthers();
    const fallback = this.fallback;
    this.fallback = null;
    return fallback;
  }

  private abortOthers(): void {
    const others = this.running.splice(0);
    for (const other of others) other.callerAborted(ATTEMPT_NOT_NEEDED);
  }

  private forget(attempt: Attempt): void {
    const i = this.running.indexOf(attempt);
    if (i >= 0) this.running.splice(i, 1);
  }

  private armHedge(now: number): void {
    const delay = this.policy.hedgeDelay(now, this.circuit.exchange.metrics.runDuration);
    if (delay > 0) this.wait(delay, now);
  }

  private wait(ms: number, now: number): void {
    const timer = new AttemptTimer(this);
    this.timer = timer;
    this.circuit.deadlinesFor(ms).push(timer, now);
  }

  private stopTimer(): void {
    const timer = this.timer;
    if (timer === null) return;
    this.timer = null;
    timer.queue?.done(timer);
  }

  private unlisten(): void {
    const signal = this.callerSignal;
    if (signal === null) return;
    this.callerSignal = null;
    unwatchSignal(signal, this);
  }
}

/**
 * @internal A backoff or hedge delay of a call, as a deadline-queue entry: a node of its own, as a node can be
 * linked in one queue only, and a call may wait several times.
 */
class AttemptTimer implements Deadline {
  deadlineAt = 0;
  nextDeadline: Deadline | null = null;
  waiting = false;
  queue: DeadlineQueue | null = null;

  constructor(private readonly call: AttemptedCall) {}

  expire(): void {
    this.call.timerEnded(this);
  }

  cancel(reason: unknown): void {
    this.call.timerCancelled(this, reason);
  }
}
