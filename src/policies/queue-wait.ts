import type { Deadline, DeadlineQueue } from '../deadlines.js';
import type { RunFunction } from '../run-context.js';
import type { Waiter } from './wait-queue.js';

/** @internal What a wait in the queue reports to the call that waits. */
export interface QueueWaitOwner {
  /** A ticket was taken for the call at `now`: it runs. */
  ticketGranted(now: number, wait: QueueWait): void;
  /** The wait ran past `maxQueueWait`. */
  waitExpired(): void;
  /** The registry is closing. */
  waitCancelled(reason: unknown): void;
}

/**
 * @internal One call's wait for a ticket: its place in the circuit's queue, what it will run, and the deadline of
 * the wait, `maxQueueWait` after it began. A node of its own (rather than the call's fields): only calls that wait
 * pay for it, and the call is a node of its run's deadline queue afterwards, while a queue keeps ended nodes
 * linked for a while.
 */
export class QueueWait implements Deadline, Waiter {
  deadlineAt = 0;
  nextDeadline: Deadline | null = null;
  waiting = false;
  queue: DeadlineQueue | null = null;
  inWaitQueue = false;

  constructor(
    private readonly owner: QueueWaitOwner,
    /** What the call runs once it has a ticket. */
    readonly run: RunFunction<unknown>,
    /** The deadlines of the call's own timeout, or null for the command's. */
    readonly runQueue: DeadlineQueue | null,
  ) {}

  /** A ticket was taken for the call. */
  ticketGranted(now: number): void {
    this.owner.ticketGranted(now, this);
  }

  /** The wait ended (a ticket came, or the caller left): its deadline no longer matters. */
  end(): void {
    this.queue?.done(this);
  }

  expire(): void {
    this.owner.waitExpired();
  }

  cancel(reason: unknown): void {
    this.owner.waitCancelled(reason);
  }
}
