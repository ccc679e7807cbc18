/** What admission asks of a rate limit: a token at `now`, or the call is shed. */
export interface RateLimiter {
  /** Takes a token at `now` if there is one. */
  tryTake(now: number): boolean;
}

/**
 * A token bucket (hystrix-go's introduction calls it flow control by token bucket): it holds at most
 * `burst` tokens, refills at `perSecond` tokens a second, and a call takes one or is shed. Tokens refill from the
 * timestamps of the calls that read them, so it needs no timer. Amounts are kept in thousandths of a token per
 * millisecond of refill (`perSecond` units a millisecond), so that with integer rates and a clock in whole
 * milliseconds (the `ManualClock`) every figure is an exact integer: the bucket never hands out more than
 * `burst + perSecond × elapsed`.
 */
export class TokenBucket implements RateLimiter {
  /** Tokens held, in thousandths. */
  private level: number;
  private readonly capacity: number;
  private last: number;

  constructor(
    /** Tokens added a second. */
    readonly perSecond: number,
    /** The most tokens held at once: the largest burst let through at once. */
    readonly burst: number,
    now: number,
  ) {
    this.capacity = burst * 1000;
    this.level = this.capacity;
    this.last = now;
  }

  /** Takes a token at `now` if there is one. */
  tryTake(now: number): boolean {
    let level = this.level;
    if (now > this.last) {
      level += (now - this.last) * this.perSecond;
      if (level > this.capacity) level = this.capacity;
      this.last = now;
    }
    if (level < 1000) {
      this.level = level;
      return false;
    }
    this.level = level - 1000;
    return true;
  }
}
