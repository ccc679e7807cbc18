import { BucketRing, type RollingWindowOptions } from './ring.js';

/** Options of a {@link RollingNumber}. */
export interface RollingNumberOptions extends RollingWindowOptions {
  /** Independent counters sharing the window's buckets (default 1). */
  lanes?: number;
}

/**
 * Counters over a rolling window (hystrix-go's `rolling.Number`): 10 buckets of 1 s by default. The sum covers
 * exactly the configured window, the current bucket included. A number can hold several counters ("lanes") that
 * rotate together; every method takes the lane, 0 by default. Storage is allocated on the first write.
 */
export class RollingNumber extends BucketRing {
  /** How many counters share the window. */
  readonly lanes: number;
  private values: Float64Array | null = null;
  /** The running sum of each lane: allocated with `values`, empty until then. */
  private totals: Float64Array = NO_TOTALS;

  /** @param options - clock, window length (default 10000 ms), buckets (default 10) and lanes (default 1). */
  constructor(options: RollingNumberOptions = {}) {
    super(options, 10_000, 10);
    const { lanes = 1 } = options;
    if (!Number.isInteger(lanes) || lanes < 1) {
      throw new RangeError(`lanes must be a positive integer, got ${String(lanes)}`);
    }
    this.lanes = lanes;
  }

  /** Adds `n` (default 1) to the current bucket; adding 0 does nothing, as in hystrix-go. */
  increment(n = 1, lane = 0): void {
    this.checkLane(lane);
    checkValue(n);
    if (n !== 0) this.addAt(this.clock.now(), lane, n);
  }

  /** Raises the current bucket to `n` if `n` is larger. */
  updateMax(n: number, lane = 0): void {
    this.checkLane(lane);
    checkValue(n);
    this.maxAt(this.clock.now(), lane, n);
  }

  /** The sum of the buckets in the window (added up afresh, so fractional increments leave no residue). */
  sum(lane = 0): number {
    this.checkLane(lane);
    this.rotate(this.clock.now());
    const values = this.values;
    if (values === null) return 0;
    let sum = 0;
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- i < values.length
    for (let i = lane; i < values.length; i += this.lanes) sum += values[i]!;
    return sum;
  }

  /** The largest bucket in the window, or 0. */
  max(lane = 0): number {
    this.checkLane(lane);
    this.rotate(this.clock.now());
    const values = this.values;
    if (values === null) return 0;
    let max = 0;
    for (let i = lane; i < values.length; i += this.lanes) {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- i < values.length
      const v = values[i]!;
      if (v > max) max = v;
    }
    return max;
  }

  /** The sum over the window divided by the number of buckets (hystrix-go: `Sum / 10`). */
  avg(lane = 0): number {
    return this.sum(lane) / this.buckets;
  }

  /** Empties the window. */
  reset(): void {
    this.clearAll();
  }

  /** @internal Adds `n` at time `now`; no argument checks. */
  addAt(now: number, lane: number, n: number): void {
    this.rotate(now);
    this.bump(lane, n);
  }

  /** @internal Raises the bucket at `now` to `n`; no argument checks. */
  maxAt(now: number, lane: number, n: number): void {
    this.rotate(now);
    this.raise(lane, n);
  }

  /** @internal Adds `n` to the current bucket; call `rotate(now)` first. */
  bump(lane: number, n: number): void {
    const values = this.values ?? this.allocate();
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- slot < buckets, lane < lanes
    values[this.slot * this.lanes + lane]! += n;
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- allocated with values, lanes long
    this.totals[lane]! += n;
  }

  /** @internal Raises the current bucket to `n`; call `rotate(now)` first. */
  raise(lane: number, n: number): void {
    const values = this.values ?? this.allocate();
    const i = this.slot * this.lanes + lane;
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- slot < buckets, lane < lanes
    const current = values[i]!;
    if (n > current) {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- allocated with values, lanes long
      this.totals[lane]! += n - current;
      values[i] = n;
    }
  }

  /**
   * @internal The sum at time `now` from the running total: O(1) for the hot path, exact for whole-number
   * increments (which is all the library makes); no argument checks.
   */
  sumAt(now: number, lane: number): number {
    this.rotate(now);
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- allocated with values, lanes long
    return this.values === null ? 0 : this.totals[lane]!;
  }

  protected clearAll(): void {
    this.values?.fill(0);
    this.totals.fill(0);
  }

  protected clearSlot(slot: number): void {
    const values = this.values;
    if (values === null) return;
    const totals = this.totals;
    const base = slot * this.lanes;
    for (let lane = 0; lane < this.lanes; lane++) {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- slot < buckets, lane < lanes
      totals[lane]! -= values[base + lane]!;
      values[base + lane] = 0;
    }
  }

  private allocate(): Float64Array {
    this.totals = new Float64Array(this.lanes);
    return (this.values = new Float64Array(this.buckets * this.lanes));
  }

  private checkLane(lane: number): void {
    if (!Number.isInteger(lane) || lane < 0 || lane >= this.lanes) {
      throw new RangeError(
        `lane must be an integer from 0 to ${this.lanes - 1}, got ${String(lane)}`,
      );
    }
  }
}

/** The totals of every number before its first write. */
const NO_TOTALS = new Float64Array(0);

function checkValue(n: number): void {
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw new RangeError(`value must be a finite number, got ${String(n)}`);
  }
}
