import { MODE_DO } from './caller-promise.js';
import type { Circuit } from './circuit.js';
import { Execution } from './command.js';
import type { DeadlineQueue } from './deadlines.js';
import {
  ATTEMPT_HEDGE,
  ATTEMPT_HEDGE_WON,
  type AttemptRole,
  type EventCode,
  type FallbackCode,
  SUCCESS,
} from './events.js';
import type { FallbackFunction, RunFunction } from './run-context.js';

/** @internal The call an attempt belongs to: it decides what follows each attempt. */
export interface AttemptOwner {
  /**
   * `attempt` ended at `now` with `event` (not a success): the call's fallback when this attempt ends the call,
   * else null (a retry or another attempt follows, or the call has ended already).
   */
  fallbackFor(attempt: Attempt, event: EventCode, now: number): FallbackFunction<unknown> | null;
  /** `attempt` (or, for the last one, its fallback) answered with `value`. */
  attemptSucceeded(attempt: Attempt, value: unknown): void;
  /** `attempt` (or, for the last one, its fallback) ended with `error`. */
  attemptFailed(attempt: Attempt, error: unknown): void;
  /** An attempt of `role` was reported at `now`. */
  counted(now: number, role: AttemptRole): void;
}

/**
 * @internal One attempt of a call with retries or hedges: an execution like any other (admission, ticket, its own
 * timeout, its own events in the window), whose outcome goes to its call rather than to a caller, and which runs
 * the call's fallback only when its call says it is the last.
 */
export class Attempt extends Execution {
  constructor(
    private readonly call: AttemptOwner,
    /** What the attempt is to its call: the first, a retry or a hedge. */
    readonly role: AttemptRole,
    circuit: Circuit,
    start: number,
  ) {
    super(circuit, null, MODE_DO, start);
  }

  /** Admits and runs the attempt. The caller's signal is the call's to watch: the attempt is told by it. */
  launch(run: RunFunction<unknown>, runQueue: DeadlineQueue | null): void {
    this.admitAndRun(run, undefined, runQueue);
  }

  protected override decide(event: EventCode, error: unknown, now: number, runMs: number): void {
    this.fallback = this.call.fallbackFor(this, event, now);
    super.decide(event, error, now, runMs);
  }

  protected override report(
    now: number,
    event: EventCode,
    fallback: FallbackCode,
    runMs: number,
    totalMs: number,
  ): void {
    // A success reported is the call's answer: a later one never gets here, as its attempt was aborted first.
    const role = this.role === ATTEMPT_HEDGE && event === SUCCESS ? ATTEMPT_HEDGE_WON : this.role;
    this.circuit.exchange.reportAttempt(now, event, fallback, runMs, totalMs, role);
    this.call.counted(now, role);
  }

  protected override succeed(value: unknown): void {
    this.call.attemptSucceeded(this, value);
  }

  protected override fail(error: unknown): void {
    this.call.attemptFailed(this, error);
  }
}
