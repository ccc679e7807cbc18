import { type Clock, type ClockTimer, SystemClock } from './clock.js';

/**
 * @internal A clock whose `now()` never goes backwards: when its source goes back (a wall-clock correction), time
 * stands still until the source moves forward again, and then flows on from where it stood. Every consumer of
 * time (rolling windows, deadlines, sleep windows, durations) reads it, so none has to cope with a clock that
 * goes back on its own. Timers are the source's, which are monotonic already.
 */
export class MonotonicClock implements Clock {
  private offset = 0;
  private last = Number.NEGATIVE_INFINITY;

  private constructor(readonly source: Clock) {}

  /** The clock itself when it is monotonic already (the system clock, or a wrapper), else a wrapper. */
  static of(clock: Clock): Clock {
    return clock instanceof SystemClock || clock instanceof MonotonicClock
      ? clock
      : new MonotonicClock(clock);
  }

  now(): number {
    const t = this.source.now() + this.offset;
    if (t < this.last) {
      this.offset += this.last - t;
      return this.last;
    }
    this.last = t;
    return t;
  }

  setTimeout(callback: () => void, ms: number): ClockTimer {
    return this.source.setTimeout(callback, ms);
  }

  clearTimeout(timer: ClockTimer): void {
    this.source.clearTimeout(timer);
  }
}
