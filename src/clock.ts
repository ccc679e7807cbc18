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
  /**
   * Optional: milliseconds on a clock that never jumps, the one timers run on. When a clock has it, the library
   * measures time with it and reads `now()` once, to place that time on the calendar, so that corrections of the
   * wall clock touch nothing. Without it, `now()` is read through a view that stands still while it goes back.
   */
  monotonic?(): number;
  /** Calls `callback` once after `ms` milliseconds. */
  setTimeout(callback: () => void, ms: number): ClockTimer;
  /** Cancels a timer made by this clock's `setTimeout`; cancelling twice or after it fired does nothing. */
  clearTimeout(timer: ClockTimer): void;
}

const hrtime = process.hrtime;

/** Milliseconds on the monotonic high-resolution clock. */
function monotonicMs(): number {
  const t = hrtime();
  return t[0] * 1e3 + t[1] / 1e6;
}

/**
 * The real clock: Node's monotonic high-resolution time (`process.hrtime()`), offset to read as epoch milliseconds,
 * and Node's own timers. It never goes backwards and has sub-microsecond resolution. (`process.hrtime()` rather
 * than `performance.now()`: the latter checks its receiver on every call, which costs more than the read.)
 */
export class SystemClock implements Clock {
  private readonly offset = performance.timeOrigin + performance.now() - monotonicMs();

  /** {@inheritDoc Clock.now} */
  now(): number {
    return this.offset + monotonicMs();
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
