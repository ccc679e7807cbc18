import type { Clock, ClockTimer } from './clock.js';

/**
 * @internal Something that may run past a deadline: an execution's run, or a fallback. It is its own queue node,
 * so queueing allocates nothing.
 */
export interface Deadline {
  /** When it times out, in clock time. */
  deadlineAt: number;
  /** The next node in its queue. */
  nextDeadline: Deadline | null;
  /** Still waiting for an outcome; false once it ended in any way. */
  waiting: boolean;
  /** The queue it was pushed in (null before that); telling it `done` once the entry has ended does nothing. */
  queue: DeadlineQueue | null;
  /** The deadline passed while it was still waiting. */
  expire(): void;
  /** It cannot wait any longer: the registry is closing. */
  cancel(reason: unknown): void;
}

/**
 * @internal The deadlines of one timeout value. Everything in it has the same timeout and is pushed in time
 * order on a monotonic clock, so deadlines come in order: a FIFO with one timer armed for its head replaces a
 * timer per call. An entry
 * that ends is only marked; it is dropped when it reaches the head. The timer keeps the process alive only while
 * something is still waiting.
 */
/** Ended entries tolerated beyond twice the waiting ones before the queue is compacted. */
const COMPACT_SLACK = 64;

/** The tail of an empty queue, so that the tail of one that is not needs no check: never linked or expired. */
const NO_TAIL: Deadline = {
  deadlineAt: 0,
  nextDeadline: null,
  waiting: false,
  queue: null,
  expire() {
    // Never in a queue.
  },
  cancel() {
    // Never in a queue.
  },
};

export class DeadlineQueue {
  private head: Deadline | null = null;
  /** The last entry linked; {@link NO_TAIL} while `head` is null. */
  private tail: Deadline = NO_TAIL;
  private timer: ClockTimer | null = null;
  /** The armed timer while it keeps the process alive (something waits), else null. */
  private refedTimer: ClockTimer | null = null;
  /** Entries still waiting. */
  private live = 0;
  /** Entries linked, waiting or ended. */
  private stored = 0;
  /** When the armed timer is due, in clock time: it has certainly come when the timer fires. */
  private dueAt = 0;

  constructor(
    private readonly clock: Clock,
    readonly timeout: number,
  ) {}

  /** Starts the deadline of `entry`, `timeout` after `now`. */
  push(entry: Deadline, now: number): void {
    entry.deadlineAt = now + this.timeout;
    entry.waiting = true;
    entry.queue = this;
    entry.nextDeadline = null;
    this.live++;
    // Ended entries at the head are dropped here, so a queue of quick calls stays one long.
    let head = this.head;
    while (head !== null && !head.waiting) {
      head = head.nextDeadline;
      this.stored--;
    }
    if (head === null) {
      this.head = this.tail = entry;
    } else {
      this.head = head;
      this.tail.nextDeadline = entry;
      this.tail = entry;
    }
    // Behind an entry that still waits, ended ones would stay until its deadline: timeout x call rate of them.
    // Unlinking them once they outnumber the waiting ones keeps the queue within twice what waits, at O(1) a push.
    if (++this.stored > 2 * this.live + COMPACT_SLACK) this.compact();
    if (this.timer === null) this.arm(now);
    else if (this.refedTimer === null) {
      this.timer.ref();
      this.refedTimer = this.timer;
    }
  }

  /** `entry` ended before its deadline; a second call does nothing. */
  done(entry: Deadline): void {
    if (!entry.waiting) return;
    entry.waiting = false;
    if (--this.live === 0 && this.refedTimer !== null) {
      this.refedTimer.unref();
      this.refedTimer = null;
    }
  }

  /** Entries still waiting. */
  size(): number {
    return this.live;
  }

  /** Entries held in the queue, waiting or ended (for tests of its memory). */
  held(): number {
    return this.stored;
  }

  private compact(): void {
    let kept: Deadline | null = null;
    let last: Deadline | null = null;
    for (let e = this.head; e !== null;) {
      const next: Deadline | null = e.nextDeadline;
      if (e.waiting) {
        e.nextDeadline = null;
        if (last === null) kept = e;
        else last.nextDeadline = e;
        last = e;
      } else {
        e.nextDeadline = null;
      }
      e = next;
    }
    this.head = kept;
    this.tail = last ?? NO_TAIL;
    this.stored = this.live;
  }

  /** Ends every waiting entry with `reason` and stops the timer. */
  cancelAll(reason: unknown): void {
    const waiting: Deadline[] = [];
    for (let e = this.head; e !== null; e = e.nextDeadline) if (e.waiting) waiting.push(e);
    this.head = null;
    this.tail = NO_TAIL;
    this.live = 0;
    this.stored = 0;
    this.stopTimer();
    // All are marked first: cancelling one may end another of this queue (a call ends its other attempts), whose
    // `done` must then find it no longer waiting.
    for (const e of waiting) e.waiting = false;
    for (const e of waiting) e.cancel(reason);
  }

  private stopTimer(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.refedTimer = null;
  }

  private arm(now: number): void {
    const head = this.head;
    if (head === null) return;
    const delay = Math.max(0, head.deadlineAt - now);
    this.dueAt = now + delay;
    const timer = this.clock.setTimeout(this.onTimer, delay);
    this.timer = timer;
    if (this.live > 0) {
      this.refedTimer = timer;
    } else {
      this.refedTimer = null;
      timer.unref();
    }
  }

  private readonly onTimer = (): void => {
    this.timer = null;
    this.refedTimer = null;
    // The timer's own delay has elapsed, whatever a clock standing still (or lagging) says.
    const now = Math.max(this.clock.now(), this.dueAt);
    // Expired entries are unlinked first and expired after the timer is re-armed, so that whatever their
    // expiry runs (a fallback that calls another command) finds the queue consistent.
    let expired: Deadline | null = null;
    let expiredTail: Deadline | null = null;
    let head = this.head;
    while (head !== null) {
      if (head.waiting) {
        if (head.deadlineAt > now) break;
        head.waiting = false;
        this.live--;
        this.stored--;
        const next: Deadline | null = head.nextDeadline;
        head.nextDeadline = null;
        if (expiredTail === null) expired = head;
        else expiredTail.nextDeadline = head;
        expiredTail = head;
        head = next;
      } else {
        head = head.nextDeadline;
        this.stored--;
      }
    }
    this.head = head;
    if (head === null) this.tail = NO_TAIL;
    else this.arm(now);
    while (expired !== null) {
      const next: Deadline | null = expired.nextDeadline;
      expired.nextDeadline = null;
      expired.expire();
      expired = next;
    }
  };
}
