import { type Clock, type ClockTimer, SystemClock } from './clock.js';

/**
 * A reading further than this (about 30 years) from the last one taken is a broken reading, not time passing:
 * taking it would throw the view far off. Such a leap is taken only once a few readings in a row agree on it.
 */
const MAX_LEAP = 1e12;
/**
 * Readings in a row, each later than the one before, that must agree on a leap before it is taken (as a
 * correction: no time passes).
 */
const LEAP_CONFIRMATIONS = 3;

/**
 * @internal The time the library runs on: a view of a clock that never goes backwards. When the clock offers
 * `monotonic()` (the time its timers run on), the view follows it and reads `now()` only once, to place itself on
 * the calendar, so wall-clock corrections do not touch it at all. Otherwise it follows `now()` and, while that
 * goes back, stands still until it moves forward again. Either way a reading that is not a finite number, that
 * leaps absurdly far, or that throws is ignored (time stands still for it). Every consumer of time (rolling
 * windows, deadlines, sleep windows, durations, the stream) reads this view.
 */
export class MonotonicClock implements Clock {
  private readonly follow: () => unknown;
  /** The view's value for a reading of `follow()`: reading + offset. */
  private offset: number;
  private lastReading: number;
  /** The last reading refused as a leap, and how many in a row agreed with it. */
  private leapReading = Number.NaN;
  private leapCount = 0;

  private constructor(readonly source: Clock) {
    const wall = read(() => source.now());
    if (wall === undefined) {
      throw new TypeError('the clock must return a finite number of milliseconds from now()');
    }
    const monotonic = (source as { monotonic?: unknown }).monotonic;
    const base =
      typeof monotonic === 'function'
        ? read(() => (monotonic as () => unknown).call(source))
        : undefined;
    if (base !== undefined) {
      this.follow = () => (monotonic as () => unknown).call(source);
      this.offset = wall - base;
      this.lastReading = base;
    } else {
      this.follow = () => source.now();
      this.offset = 0;
      this.lastReading = wall;
    }
  }

  /**
   * The clock itself when it never goes backwards already (the system clock, or a view), else a view of it.
   * Throws a `TypeError` when the clock's first reading is not a finite number.
   */
  static of(clock: Clock): Clock {
    return clock instanceof SystemClock || clock instanceof MonotonicClock
      ? clock
      : new MonotonicClock(clock);
  }

  now(): number {
    const reading = read(this.follow);
    if (reading !== undefined) {
      if (Math.abs(reading - this.lastReading) < MAX_LEAP) {
        this.take(reading);
        this.leapCount = 0;
      } else if (
        this.leapCount > 0 &&
        reading > this.leapReading &&
        reading - this.leapReading < MAX_LEAP
      ) {
        // A clock that keeps telling a far-off time and moves on from it was corrected: take the correction
        // without time passing. A broken clock repeating one value never moves on, so it never counts.
        this.leapReading = reading;
        if (++this.leapCount >= LEAP_CONFIRMATIONS) {
          this.offset += this.lastReading - reading;
          this.lastReading = reading;
          this.leapCount = 0;
        }
      } else if (reading !== this.leapReading) {
        this.leapReading = reading;
        this.leapCount = 1;
      }
    }
    return this.lastReading + this.offset;
  }

  private take(reading: number): void {
    // Gone back: stand still where the view was, and flow on from there once the clock moves forward again.
    if (reading < this.lastReading) this.offset += this.lastReading - reading;
    this.lastReading = reading;
  }

  setTimeout(callback: () => void, ms: number): ClockTimer {
    return this.source.setTimeout(callback, ms);
  }

  clearTimeout(timer: ClockTimer): void {
    this.source.clearTimeout(timer);
  }
}

/** A clock reading if it is a finite number, else undefined (a thrown error included). */
function read(clock: () => unknown): number | undefined {
  let value: unknown;
  try {
    value = clock();
  } catch {
    return undefined;
  }
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
