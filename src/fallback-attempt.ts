import type { Deadline, DeadlineQueue } from './deadlines.js';
import { timeoutError } from './errors.js';
import {
  abortLazySignal,
  type LazySignal,
  readLazySignal,
  type RunContext,
} from './run-context.js';

/** @internal What a fallback reports to the execution it belongs to. */
export interface FallbackOwner {
  readonly name: string;
  fallbackEnded(ok: boolean, value: unknown): void;
}

/**
 * @internal A running fallback: its own context (its own signal, so that the run's timeout does not abort it) and
 * its own deadline, `fallbackTimeout` after it started. Whichever comes first, its result or its deadline, ends it.
 */
export class FallbackAttempt implements Deadline, RunContext {
  deadlineAt = 0;
  nextDeadline: Deadline | null = null;
  waiting = false;
  queue: DeadlineQueue | null = null;
  private abortState: LazySignal = null;
  private over = false;

  constructor(private readonly owner: FallbackOwner) {}

  get name(): string {
    return this.owner.name;
  }

  get signal(): AbortSignal {
    const controller = readLazySignal(this.abortState);
    this.abortState = controller;
    return controller.signal;
  }

  /** The fallback settled. */
  ended(ok: boolean, value: unknown): void {
    if (this.over) return;
    this.over = true;
    this.queue?.done(this);
    this.owner.fallbackEnded(ok, value);
  }

  expire(): void {
    this.stop(timeoutError(this.owner.name));
  }

  cancel(reason: unknown): void {
    this.stop(reason);
  }

  private stop(reason: unknown): void {
    if (this.over) return;
    this.over = true;
    this.abortState = abortLazySignal(this.abortState, reason);
    this.owner.fallbackEnded(false, reason);
  }
}
