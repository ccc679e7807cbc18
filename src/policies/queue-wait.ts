import type { Deadline, DeadlineQueue } from '../deadlines.js';

/** @internal What a wait in the queue reports to the call that waits. */
export interface QueueWaitOwner {
  /** The wait ran past `maxQueueWait`. */
  waitExpired(): void;
  /** The registry is closing. */
  waitCancelled(reason: unknown): void;
}

/**
 * @internal The deadline of one call's wait for a ticket, `maxQueueWait` after it began. A node of its own: the
 * call is a node of its run's deadline queue afterwards, and a queue keeps ended nodes linked for a while.
 */
export class QueueWait implements Deadline {
  deadlineAt = 0;
  nextDeadline: Deadline | null = null;
  waiting = false;
  queue: DeadlineQueue | null = null;

  constructor(private readonly owner: QueueWaitOwner) {}

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
