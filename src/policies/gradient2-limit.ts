import { type AdaptiveLimit, type AdaptiveStats, clamp } from './adaptive-limit.js';

/** Netflix's `Gradient2Limit` defaults, but for the tolerance. */
const SMOOTHING = 0.2;
const QUEUE_SIZE = 4;
/**
 * Netflix's default is 1.5: with the fixed allowance of 4 it settles near `1.5 * capacity + 4`, twice the no-load
 * latency for the small limits commands have. 1 keeps it near `capacity + 4`.
 */
const RTT_TOLERANCE = 1;
const LONG_WINDOW = 600;
const WARMUP_WINDOW = 10;
/** Netflix's `WindowedLimit`: a window needs at least 10 samples. */
const WINDOW_SIZE = 10;
/** The least time a window spans, in milliseconds (Netflix's default is 1 s; see the README). */
const WINDOW_MS = 100;

/**
 * Gradient2 (Netflix concurrency-limits' `Gradient2Limit`, fed through its `WindowedLimit`): latency-based. Run
 * latencies are averaged over windows of at least 10 samples and 100 ms; each window's average (the short RTT)
 * is compared with an exponential average over 600 windows (the long RTT, the no-load latency):
 * `gradient = clamp(tolerance * long / short, 0.5, 1)`, and the limit moves to `limit * gradient + 4`, smoothed
 * by 0.2. So it grows by up to 0.8 a window while latency stays at the long average, and shrinks by up to 10 % a
 * window when runs queue. The tolerance is 1 (Netflix's default is 1.5, see below). A window whose busiest moment used under half the limit changes nothing
 * (the application, not the dependency, limited it). When the long average is over twice the short, it decays
 * by 5 % a window, so that it comes back down after a long spell of load. A timeout counts as a sample of the
 * time to the timeout.
 */
export class Gradient2Limit implements AdaptiveLimit {
  readonly algorithm = 'gradient2';
  limit: number;
  private estimate: number;
  private longRtt = 0;
  private longCount = 0;
  private lastRtt: number | null = null;
  private samples = 0;
  private drops = 0;
  // The window being filled.
  private windowStart = 0;
  private windowCount = 0;
  private windowSum = 0;
  private windowInflight = 0;

  constructor(
    private min: number,
    private max: number,
  ) {
    this.limit = min;
    this.estimate = min;
  }

  sample(now: number, rtt: number, inflight: number, dropped: boolean): void {
    this.samples++;
    if (dropped) this.drops++;
    if (this.windowCount === 0) this.windowStart = now;
    this.windowCount++;
    this.windowSum += rtt;
    if (inflight > this.windowInflight) this.windowInflight = inflight;
    if (this.windowCount < WINDOW_SIZE || now - this.windowStart < WINDOW_MS) return;
    const shortRtt = this.windowSum / this.windowCount;
    const busiest = this.windowInflight;
    this.windowCount = 0;
    this.windowSum = 0;
    this.windowInflight = 0;
    // Netflix's WindowedLimit drops windows whose RTT is too small to measure.
    if (shortRtt <= 0) return;
    this.update(shortRtt, busiest);
  }

  /** Netflix's `Gradient2Limit._update`, once a window. */
  private update(shortRtt: number, inflight: number): void {
    this.lastRtt = shortRtt;
    const longRtt = this.addLong(shortRtt);
    if (longRtt / shortRtt > 2) this.longRtt = longRtt * 0.95;
    const estimate = this.estimate;
    if (inflight < estimate / 2) return;
    const gradient = clamp((RTT_TOLERANCE * longRtt) / shortRtt, 0.5, 1);
    const next = estimate * gradient + QUEUE_SIZE;
    this.setEstimate(estimate * (1 - SMOOTHING) + next * SMOOTHING);
  }

  /** Netflix's `ExpAvgMeasurement(600, 10)`: a plain mean over the first 10, then exponential. */
  private addLong(rtt: number): number {
    if (this.longCount < WARMUP_WINDOW) {
      this.longCount++;
      this.longRtt += (rtt - this.longRtt) / this.longCount;
    } else {
      const factor = 2 / (LONG_WINDOW + 1);
      this.longRtt = this.longRtt * (1 - factor) + rtt * factor;
    }
    return this.longRtt;
  }

  private setEstimate(estimate: number): void {
    this.estimate = clamp(estimate, this.min, this.max);
    this.limit = Math.floor(this.estimate);
  }

  bound(min: number, max: number): void {
    this.min = min;
    this.max = max;
    this.setEstimate(this.estimate);
  }

  read(): AdaptiveStats {
    return {
      algorithm: this.algorithm,
      limit: this.limit,
      minLimit: this.min,
      maxLimit: this.max,
      rttNoLoad: this.longCount === 0 ? null : this.longRtt,
      lastRtt: this.lastRtt,
      samples: this.samples,
      drops: this.drops,
    };
  }
}
