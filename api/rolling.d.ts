// The published declarations of ./dist/rolling.d.ts, as a report of the public API.
// Generated: do not edit. After changing the API, run: npm run api

import { B as BucketRing, R as RollingWindowOptions } from './timing.chunk.js';
export {
  b as RollingTiming,
  c as RollingTimingOptions,
  T as TimingReader,
} from './timing.chunk.js';

/** Options of a {@link RollingNumber}. */
interface RollingNumberOptions extends RollingWindowOptions {
  /** Independent counters sharing the window's buckets (default 1). */
  lanes?: number;
}
/**
 * Counters over a rolling window (hystrix-go's `rolling.Number`): 10 buckets of 1 s by default. The sum covers
 * exactly the configured window, the current bucket included. A number can hold several counters ("lanes") that
 * rotate together; every method takes the lane, 0 by default. Storage is allocated on the first write, lane by
 * lane: a lane never written costs nothing, and a window that has stood empty for a whole window is freed.
 */
declare class RollingNumber extends BucketRing {
  /** How many counters share the window. */
  readonly lanes: number;
  /**
   * Null until the first write. The first `lanes` cells hold where each lane's column starts (0: none yet);
   * a column is the lane's `buckets` values by slot, then its running sum.
   */
  private cells;
  /** @param options - clock, window length (default 10000 ms), buckets (default 10) and lanes (default 1). */
  constructor(options?: RollingNumberOptions);
  /** Adds `n` (default 1) to the current bucket; adding 0 does nothing, as in hystrix-go. */
  increment(n?: number, lane?: number): void;
  /** Raises the current bucket to `n` if `n` is larger. */
  updateMax(n: number, lane?: number): void;
  /** The sum of the buckets in the window (added up afresh, so fractional increments leave no residue). */
  sum(lane?: number): number;
  /** The largest bucket in the window, or 0. */
  max(lane?: number): number;
  /** The sum over the window divided by the number of buckets (hystrix-go: `Sum / 10`). */
  avg(lane?: number): number;
  /** Empties the window. */
  reset(): void;
  protected clearAll(): void;
  protected clearSlot(slot: number): void;
  /** The first write to a lane: its column is added (the cells are made exactly long enough, copied). */
  private bumpNew;
  private checkLane;
}

export { RollingNumber, type RollingNumberOptions, RollingWindowOptions };
