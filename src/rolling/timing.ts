import { BINS, binMiddleMs, binOf } from './histogram.js';
import { BucketRing, type RollingWindowOptions } from './ring.js';

// Per-bucket summary, 4 numbers a bucket: count, sum, min, max.
const COUNT = 0;
const SUM = 1;
const MIN = 2;
const MAX = 3;

/**
 * Durations over a rolling window (hystrix-go's `rolling.Timing`), 60 s in 6 buckets by default. Each bucket is a
 * fixed log-linear histogram, so recording is O(1) and memory is bounded whatever the call rate; nothing is ever
 * sorted. Percentiles are nearest-rank like hystrix-go's, within 3.2 % (or 0.5 µs) of the exact value; the 0th and 100th
 * are exact (the window's minimum and maximum), and so is the mean. Durations are in milliseconds.
 */
export class RollingTiming extends BucketRing {
  private readonly histograms: (Uint32Array | null)[];
  private summary: Float64Array | null = null;

  /** @param options - clock, window length (default 60000 ms) and buckets (default 6). */
  constructor(options: RollingWindowOptions = {}) {
    super(options, 60_000, 6);
    this.histograms = new Array<Uint32Array | null>(this.buckets).fill(null);
  }

  /** Records one duration in milliseconds; negative durations count as 0. */
  add(ms: number): void {
    if (typeof ms !== 'number' || !Number.isFinite(ms)) {
      throw new RangeError(`duration must be a finite number of milliseconds, got ${String(ms)}`);
    }
    this.addAt(this.clock.now(), ms);
  }

  /** Durations recorded in the window. */
  count(): number {
    this.rotate(this.clock.now());
    return this.total(COUNT);
  }

  /** The mean duration in the window, or 0 when it is empty. */
  mean(): number {
    this.rotate(this.clock.now());
    const n = this.total(COUNT);
    return n === 0 ? 0 : this.total(SUM) / n;
  }

  /**
   * The nearest-rank percentile `p` (0 to 100) of the window, or 0 when it is empty: the value at ordinal
   * `ceil(p / 100 * n)` of the sorted durations (ordinal 1 for p = 0).
   */
  percentile(p: number): number {
    return this.percentiles([p])[0]!;
  }

  /** Several percentiles in one pass over the histogram (see {@link RollingTiming.percentile}). */
  percentiles(ps: readonly number[]): number[] {
    for (const p of ps) {
      if (typeof p !== 'number' || !(p >= 0 && p <= 100)) {
        throw new RangeError(`percentile must be a number from 0 to 100, got ${String(p)}`);
      }
    }
    this.rotate(this.clock.now());
    const n = this.total(COUNT);
    const out = ps.map(() => 0);
    if (n === 0) return out;
    const min = this.extreme(MIN);
    const max = this.extreme(MAX);
    const pending: { index: number; ordinal: number }[] = [];
    ps.forEach((p, index) => {
      const rank = ordinal(n, p);
      if (rank <= 1) out[index] = min;
      else if (rank >= n) out[index] = max;
      else pending.push({ index, ordinal: rank });
    });
    if (pending.length === 0) return out;
    pending.sort((a, b) => a.ordinal - b.ordinal);
    let next = 0;
    let seen = 0;
    for (let bin = 0; bin < BINS && next < pending.length; bin++) {
      for (const h of this.histograms) if (h !== null) seen += h[bin]!;
      while (next < pending.length && seen >= pending[next]!.ordinal) {
        out[pending[next]!.index] = Math.min(max, Math.max(min, binMiddleMs(bin)));
        next++;
      }
    }
    return out;
  }

  /** Empties the window. */
  reset(): void {
    this.clearAll();
  }

  /** @internal Records a duration at time `now`; no argument checks. */
  addAt(now: number, ms: number): void {
    this.rotate(now);
    const slot = this.slot;
    const histogram = this.histograms[slot] ?? (this.histograms[slot] = new Uint32Array(BINS));
    const d = ms > 0 ? ms : 0;
    histogram[binOf(d)]!++;
    const summary = this.summary ?? (this.summary = new Float64Array(this.buckets * 4));
    const base = slot * 4;
    if (summary[base + COUNT] === 0) {
      summary[base + MIN] = d;
      summary[base + MAX] = d;
    } else {
      if (d < summary[base + MIN]!) summary[base + MIN] = d;
      if (d > summary[base + MAX]!) summary[base + MAX] = d;
    }
    summary[base + COUNT]!++;
    summary[base + SUM]! += d;
  }

  protected clearAll(): void {
    for (const h of this.histograms) h?.fill(0);
    this.summary?.fill(0);
  }

  protected clearSlot(slot: number): void {
    this.histograms[slot]?.fill(0);
    this.summary?.fill(0, slot * 4, slot * 4 + 4);
  }

  private total(field: number): number {
    const summary = this.summary;
    if (summary === null) return 0;
    let total = 0;
    for (let i = field; i < summary.length; i += 4) total += summary[i]!;
    return total;
  }

  private extreme(field: typeof MIN | typeof MAX): number {
    const summary = this.summary!;
    let best = field === MIN ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    for (let base = 0; base < summary.length; base += 4) {
      if (summary[base + COUNT] === 0) continue;
      const v = summary[base + field]!;
      if (field === MIN ? v < best : v > best) best = v;
    }
    return best;
  }
}

/**
 * @internal hystrix-go's nearest-rank ordinal: the 1-based position of percentile `p` among `length` sorted
 * values (1 for p = 0).
 */
export function ordinal(length: number, p: number): number {
  if (p === 0 && length > 0) return 1;
  return Math.ceil((p / 100) * length);
}
