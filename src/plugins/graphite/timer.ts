/**
 * Durations kept per timer and interval to compute percentiles (go-metrics' reservoir size). Below it the
 * percentiles are exact; above it they come from a uniform sample. Count, min, max, mean and standard deviation
 * are always exact.
 */
export const TIMER_SAMPLE_SIZE = 1028;

/** The percentiles written for each timer, and the suffixes go-metrics gives them. */
export const GRAPHITE_PERCENTILES: readonly (readonly [number, string])[] = Object.freeze([
  Object.freeze([0.5, '50-percentile'] as const),
  Object.freeze([0.75, '75-percentile'] as const),
  Object.freeze([0.95, '95-percentile'] as const),
  Object.freeze([0.99, '99-percentile'] as const),
  Object.freeze([0.999, '999-percentile'] as const),
]);

/**
 * A go-metrics `Timer` as written: a count since registration, and the distribution of the durations of the
 * last interval (go-metrics keeps an exponentially decaying sample instead; see the README).
 */
export class Timer {
  /** The durations added since registration. */
  count = 0;
  private n = 0;
  private min = 0;
  private max = 0;
  private mean = 0;
  private m2 = 0;
  private readonly sample: number[] = [];

  /** Adds a duration in milliseconds. */
  add(ms: number): void {
    this.count++;
    const n = ++this.n;
    if (n === 1) {
      this.min = ms;
      this.max = ms;
    } else {
      if (ms < this.min) this.min = ms;
      if (ms > this.max) this.max = ms;
    }
    // Welford: a stable running variance, without keeping every duration.
    const delta = ms - this.mean;
    this.mean += delta / n;
    this.m2 += delta * (ms - this.mean);
    if (this.sample.length < TIMER_SAMPLE_SIZE) {
      this.sample.push(ms);
    } else {
      // Vitter's algorithm R: every duration of the interval has the same chance to be in the sample.
      const j = Math.floor(Math.random() * n);
      if (j < TIMER_SAMPLE_SIZE) this.sample[j] = ms;
    }
  }

  /**
   * Appends the timer's lines to `out`: the count, then, when the interval saw durations, their statistics and
   * percentiles. Starts the next interval.
   */
  write(path: string, ts: number, out: string[]): void {
    out.push(`${path}.count ${this.count} ${ts}\n`);
    if (this.n === 0) return;
    out.push(`${path}.min ${fixed(this.min)} ${ts}\n`);
    out.push(`${path}.max ${fixed(this.max)} ${ts}\n`);
    out.push(`${path}.mean ${fixed(this.mean)} ${ts}\n`);
    out.push(`${path}.std-dev ${fixed(Math.sqrt(Math.max(0, this.m2 / this.n)))} ${ts}\n`);
    const sorted = this.sample.sort((a, b) => a - b);
    for (const [p, suffix] of GRAPHITE_PERCENTILES) {
      out.push(`${path}.${suffix} ${fixed(percentile(sorted, p))} ${ts}\n`);
    }
    this.n = 0;
    this.mean = 0;
    this.m2 = 0;
    this.sample.length = 0;
  }
}

/** go-metrics' `SamplePercentiles`: position p * (n + 1), interpolated between neighbours. */
function percentile(sorted: readonly number[], p: number): number {
  const pos = p * (sorted.length + 1);
  // Positions before the first value or past the last one take that value.
  const rank = Math.min(Math.max(Math.floor(pos), 1), sorted.length);
  const lower = sorted[rank - 1];
  const upper = sorted[rank];
  // No durations: `write` asks only when the interval saw some.
  if (lower === undefined) return 0;
  if (pos < 1 || upper === undefined) return lower;
  return lower + (pos - rank) * (upper - lower);
}

/** go-metrics' `%.2f`. */
function fixed(value: number): string {
  return value.toFixed(2);
}
