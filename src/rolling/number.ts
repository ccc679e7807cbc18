import { grown, zeros } from './cells.js';
import { BucketRing, type RollingWindowOptions } from './ring.js';

/** Options of a {@link RollingNumber}. */
export interface RollingNumberOptions extends RollingWindowOptions {
  /** Independent counters sharing the window's buckets (default 1). */
  lanes?: number;
}

/**
 * Counters over a rolling window (hystrix-go's `rolling.Number`): 10 buckets of 1 s by default. The sum covers
 * exactly the configured window, the current bucket included. A number can hold several counters ("lanes") that
 * rotate together; every method takes the lane, 0 by default. Storage is allocated on the first write, lane by
 * lane: a lane never written costs nothing, and a window that has stood empty for a whole window is freed.
 */
export class RollingNumber extends BucketRing {
  /** How many counters share the window. */
  readonly lanes: number;
  /**
   * Null until the first write. The first `lanes` cells hold where each lane's column starts (0: none yet);
   * a column is the lane's `buckets` values by slot, then its running sum.
   */
  private cells: number[] | null = null;

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
    const cells = this.cells;
    const column = cells === null ? 0 : (cells[lane] ?? 0);
    if (column === 0) return 0;
    let sum = 0;
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- the column is buckets long
    for (let i = column; i < column + this.buckets; i++) sum += cells![i]!;
    return sum;
  }

  /** The largest bucket in the window, or 0. */
  max(lane = 0): number {
    this.checkLane(lane);
    this.rotate(this.clock.now());
    const cells = this.cells;
    const column = cells === null ? 0 : (cells[lane] ?? 0);
    let max = 0;
    for (let i = column; i < column + (column === 0 ? 0 : this.buckets); i++) {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- the column is buckets long
      const v = cells![i]!;
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
    const cells = this.cells;
    if (cells !== null) {
      // `| 0`: a whole number, so the index math stays in integers.
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- lane < lanes <= cells.length
      const column = cells[lane]! | 0;
      if (column !== 0) {
        // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- in the lane's column
        cells[column + this.slot]! += n;
        // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- the running sum ends the column
        cells[column + this.buckets]! += n;
        return;
      }
    }
    this.bumpNew(lane, n);
  }

  /** @internal Raises the current bucket to `n`; call `rotate(now)` first. */
  raise(lane: number, n: number): void {
    const cells = this.cells;
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- lane < lanes <= cells.length
    const column = cells === null ? 0 : cells[lane]! | 0;
    if (column === 0) {
      if (n > 0) this.bumpNew(lane, n);
      return;
    }
    const i = column + this.slot;
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- column !== 0: cells exist
    const current = cells![i]!;
    if (n > current) {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- the running sum ends the column
      cells![column + this.buckets]! += n - current;
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- column !== 0: cells exist
      cells![i] = n;
    }
  }

  /**
   * @internal The sum at time `now` from the running total: O(1) for the hot path, exact for whole-number
   * increments (which is all the library makes); no argument checks.
   */
  sumAt(now: number, lane: number): number {
    this.rotate(now);
    const cells = this.cells;
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- lane < lanes <= cells.length
    const column = cells === null ? 0 : cells[lane]! | 0;
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- column !== 0: cells exist
    return column === 0 ? 0 : cells![column + this.buckets]!;
  }

  protected clearAll(): void {
    // An empty window holds nothing: its storage is freed, and allocated again by the next write.
    this.cells = null;
  }

  protected clearSlot(slot: number): void {
    const cells = this.cells;
    if (cells === null) return;
    for (let lane = 0; lane < this.lanes; lane++) {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- lane < lanes <= cells.length
      const column = cells[lane]!;
      if (column === 0) continue;
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- in the column
      cells[column + this.buckets]! -= cells[column + slot]!;
      cells[column + slot] = 0;
    }
  }

  /** The first write to a lane: its column is added (the cells are made exactly long enough, copied). */
  private bumpNew(lane: number, n: number): void {
    const old = this.cells;
    const start = old === null ? this.lanes : old.length;
    const cells =
      old === null ? zeros(start + this.buckets + 1) : grown(old, start + this.buckets + 1);
    cells[lane] = start;
    cells[start + this.slot] = n;
    cells[start + this.buckets] = n;
    this.cells = cells;
  }

  private checkLane(lane: number): void {
    if (!Number.isInteger(lane) || lane < 0 || lane >= this.lanes) {
      throw new RangeError(
        `lane must be an integer from 0 to ${this.lanes - 1}, got ${String(lane)}`,
      );
    }
  }
}

function checkValue(n: number): void {
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw new RangeError(`value must be a finite number, got ${String(n)}`);
  }
}
