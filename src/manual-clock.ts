import type { Clock, ClockTimer } from './clock.js';

/** A timer of a {@link ManualClock}. */
class ManualTimer implements ClockTimer {
  refed = true;
  active = true;

  constructor(
    readonly due: number,
    readonly seq: number,
    readonly callback: () => void,
  ) {}

  ref(): this {
    this.refed = true;
    return this;
  }

  unref(): this {
    this.refed = false;
    return this;
  }
}

function checkMs(ms: number, what: string, allowNegative: boolean): void {
  if (typeof ms !== 'number') throw new TypeError(`${what} must be a number of milliseconds`);
  if (!Number.isFinite(ms) || (!allowNegative && ms < 0)) {
    throw new RangeError(
      `${what} must be a finite${allowNegative ? '' : ', non-negative'} number of milliseconds, got ${ms}`,
    );
  }
}

/**
 * A clock that moves only when told to, for tests and simulations: `new Hystrix({ clock: new ManualClock() })`.
 *
 * Time has two faces, as on a real machine: the wall time that `now()` returns, and the monotonic time on which
 * timers run. {@link ManualClock.advance} moves both (time passes); {@link ManualClock.jump} moves only the wall
 * time, forwards or backwards, as a wall-clock correction does.
 */
export class ManualClock implements Clock {
  private wall: number;
  private mono = 0;
  private seq = 0;
  private timers: ManualTimer[] = [];

  /** @param start - the initial wall time in milliseconds (default 0). */
  constructor(start = 0) {
    checkMs(start, 'start', true);
    this.wall = start;
  }

  /** The current wall time. */
  now(): number {
    return this.wall;
  }

  /** The time timers run on: it moves with {@link ManualClock.advance}, never with {@link ManualClock.jump}. */
  monotonic(): number {
    return this.mono;
  }

  /**
   * Arms a timer that fires when the clock has advanced by `ms`. As with Node's `setTimeout`, a delay below 1,
   * above 2147483647 or not a number counts as 1.
   */
  setTimeout(callback: () => void, ms: number): ClockTimer {
    const delay = ms >= 1 && ms <= 2_147_483_647 ? ms : 1;
    const timer = new ManualTimer(this.mono + delay, this.seq++, callback);
    // After the last timer due no later: timers due at the same time fire in the order they were armed.
    let i = this.timers.length;
    for (let before = this.timers[i - 1]; before !== undefined && before.due > timer.due;) {
      before = this.timers[--i - 1];
    }
    this.timers.splice(i, 0, timer);
    return timer;
  }

  /** Cancels a timer of this clock. */
  clearTimeout(timer: ClockTimer): void {
    if (!(timer instanceof ManualTimer) || !timer.active) return;
    timer.active = false;
    const i = this.timers.indexOf(timer);
    if (i >= 0) this.timers.splice(i, 1);
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due, in order, each at its own time. Promise
   * callbacks run only after `advance` returns; use {@link ManualClock.advanceAsync} to let them run between
   * timers.
   */
  advance(ms: number): void {
    checkMs(ms, 'advance(ms)', false);
    const target = this.mono + ms;
    for (let timer = this.nextDue(target); timer; timer = this.nextDue(target)) this.fire(timer);
    this.moveTo(target);
  }

  /**
   * Moves time forward by `ms` like {@link ManualClock.advance}, but lets pending promise callbacks and I/O run
   * before and after each timer fires, so that code which awaits between timers sees each one at its own time.
   */
  async advanceAsync(ms: number): Promise<void> {
    checkMs(ms, 'advanceAsync(ms)', false);
    const target = this.mono + ms;
    await settle();
    for (let timer = this.nextDue(target); timer; timer = this.nextDue(target)) {
      this.fire(timer);
      await settle();
    }
    this.moveTo(target);
    await settle();
  }

  /**
   * Moves the wall time by `ms` (negative goes backwards) without firing or moving any timer, as a wall-clock
   * correction does.
   */
  jump(ms: number): void {
    checkMs(ms, 'jump(ms)', true);
    this.wall += ms;
  }

  /** A promise that resolves when the clock has advanced by `ms`. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  /** How many timers are armed. */
  pendingTimers(): number {
    return this.timers.length;
  }

  /** How many armed timers would keep a process alive (those not `unref()`ed). */
  refedTimers(): number {
    let n = 0;
    for (const t of this.timers) if (t.refed) n++;
    return n;
  }

  private nextDue(target: number): ManualTimer | undefined {
    const first = this.timers[0];
    return first !== undefined && first.due <= target ? first : undefined;
  }

  private fire(timer: ManualTimer): void {
    this.timers.shift();
    timer.active = false;
    this.moveTo(timer.due);
    timer.callback();
  }

  private moveTo(mono: number): void {
    if (mono <= this.mono) return;
    this.wall += mono - this.mono;
    this.mono = mono;
  }
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
