/** @internal A call waiting for a ticket. */
export interface Waiter {
  /** True while it waits in a queue; cleared when it leaves, by a ticket or otherwise. */
  inWaitQueue: boolean;
}

/** Left entries tolerated beyond twice the waiting ones before the queue is compacted. */
const COMPACT_SLACK = 64;

/**
 * @internal The calls of one circuit waiting for a ticket, first come first served. A call that leaves early
 * (its wait expired, its caller aborted, the registry closed) is only marked, and skipped when its turn comes;
 * the queue compacts itself so that what it holds stays within twice what waits.
 */
export class WaitQueue<W extends Waiter> {
  private items: (W | null)[] = [];
  private head = 0;
  private live = 0;

  /** Calls waiting now. */
  size(): number {
    return this.live;
  }

  /** Adds a call at the end. */
  push(waiter: W): void {
    waiter.inWaitQueue = true;
    this.items.push(waiter);
    this.live++;
    if (this.items.length - this.head > 2 * this.live + COMPACT_SLACK) this.compact();
  }

  /** A call leaves before its turn; a second call does nothing. */
  leave(waiter: W): void {
    if (!waiter.inWaitQueue) return;
    waiter.inWaitQueue = false;
    this.live--;
  }

  /** The first call still waiting, taken out of the queue; null when none waits. */
  shift(): W | null {
    const items = this.items;
    while (this.head < items.length) {
      const waiter = items[this.head];
      items[this.head++] = null;
      if (waiter != null && waiter.inWaitQueue) {
        waiter.inWaitQueue = false;
        this.live--;
        if (this.head === items.length) this.reset();
        return waiter;
      }
    }
    this.reset();
    return null;
  }

  private reset(): void {
    this.items = [];
    this.head = 0;
  }

  private compact(): void {
    const kept: (W | null)[] = [];
    for (let i = this.head; i < this.items.length; i++) {
      const waiter = this.items[i];
      if (waiter != null && waiter.inWaitQueue) kept.push(waiter);
    }
    this.items = kept;
    this.head = 0;
  }
}
