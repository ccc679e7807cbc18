/**
 * Time for the library: `now()` and timers. Every part reads time through a `Clock`, so that a
 * {@link ManualClock} can drive a whole registry deterministically in tests and simulations.
 */

/** A timer made by a {@link Clock}: Node's `Timeout`, or a manual clock's timer. */
export interface ClockTimer {
  /** Lets the timer keep the process alive (Node's default). */
  ref(): unknown;
  /** Stops the timer from keeping the process alive. */
  unref(): unknown;
}

/** A source of time and timers. */
export interface Clock {
  /**
   * Milliseconds since the Unix epoch, with a fraction. The library copes with a clock that stands still or goes
   * backwards: durations are never negative and windows stay consistent.
   */
  now(): number;
  /** Calls `callback` once after `ms` milliseconds. */
  setTimeout(callback: () => void, ms: number): ClockTimer;
  /** Cancels a timer made by this clock's `setTimeout`; cancelling twice or after it fired does nothing. */
  clearTimeout(timer: ClockTimer): void;
}

/**
 * The real clock: `performance.timeOrigin + performance.now()`, which is monotonic and has sub-millisecond
 * resolution, and Node's own timers.
 */
export class SystemClock implements Clock {
  private readonly origin = performance.timeOrigin;

  /** {@inheritDoc Clock.now} */
  now(): number {
    return this.origin + performance.now();
  }

  /** {@inheritDoc Clock.setTimeout} */
  setTimeout(callback: () => void, ms: number): ClockTimer {
    return setTimeout(callback, ms);
  }

  /** {@inheritDoc Clock.clearTimeout} */
  clearTimeout(timer: ClockTimer): void {
    clearTimeout(timer as NodeJS.Timeout);
  }
}

/** The one system clock, shared by every registry that is not given another clock. */
export const systemClock: Clock = new SystemClock();
