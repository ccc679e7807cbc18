import { type Clock, systemClock } from '../clock.js';
import { MonotonicClock } from '../monotonic-clock.js';

/** Options of a rolling window. */
export interface RollingWindowOptions {
  /** The clock to read (default: the system clock). */
  clock?: Clock;
  /** Length of the window in milliseconds; a multiple of `buckets`. */
  window?: number;
  /** Number of buckets the window is cut into. */
  buckets?: number;
}

/**
 * A window of time cut into buckets on a ring. Buckets rotate lazily from timestamps, so a window at rest costs
 * no timer and no CPU. The clock is read through a monotonic view: time that goes backwards counts as no time
 * passing, so nothing is lost or counted twice.
 */
export abstract class BucketRing {
  /** Length of the window in milliseconds. */
  readonly window: number;
  /** Number of buckets. */
  readonly buckets: number;
  /** Length of one bucket in milliseconds. */
  readonly bucketMs: number;
  /** The clock the window reads. */
  readonly clock: Clock;
  /** Absolute index (time / bucketMs) of the current bucket. */
  private head = Number.NEGATIVE_INFINITY;
  /** Where the current bucket ends: a time before it is in the current bucket, with no division. */
  private headEnd = Number.NEGATIVE_INFINITY;
  /** Ring slot of the current bucket. */
  protected slot = 0;

  protected constructor(
    options: RollingWindowOptions,
    defaultWindow: number,
    defaultBuckets: number,
  ) {
    const { clock = systemClock, window = defaultWindow, buckets = defaultBuckets } = options;
    if (!Number.isInteger(buckets) || buckets < 1) {
      throw new RangeError(`buckets must be a positive integer, got ${String(buckets)}`);
    }
    if (!Number.isInteger(window) || window < 1 || window % buckets !== 0) {
      throw new RangeError(
        `window must be a positive integer multiple of buckets (${buckets}), got ${String(window)}`,
      );
    }
    this.clock = MonotonicClock.of(clock);
    this.window = window;
    this.buckets = buckets;
    this.bucketMs = window / buckets;
  }

  /**
   * @internal Brings the ring to `now` (a reading of `this.clock`), clearing the buckets that left the window;
   * writes that follow go to the current bucket.
   */
  rotate(now: number): void {
    if (!(now < this.headEnd)) this.moveTo(Math.floor(now / this.bucketMs));
  }

  /** Empties every bucket. */
  protected abstract clearAll(): void;

  /** Empties one bucket that left the window. */
  protected abstract clearSlot(slot: number): void;

  private moveTo(index: number): void {
    // `now` comes from a monotonic clock, so the index only moves forward (NaN aside, which relabels).
    if (index > this.head) {
      const steps = index - this.head;
      if (steps >= this.buckets) {
        this.clearAll();
      } else {
        for (let i = 0; i < steps; i++) {
          this.slot = this.slot + 1 === this.buckets ? 0 : this.slot + 1;
          this.clearSlot(this.slot);
        }
      }
    }
    this.head = index;
    this.headEnd = (index + 1) * this.bucketMs;
  }
}
