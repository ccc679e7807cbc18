import { type AdaptiveLimit, type AdaptiveStats, clamp } from './adaptive-limit.js';

/** Netflix's `VegasLimit` default `probeMultiplier`. */
const PROBE_MULTIPLIER = 30;

/** Netflix's `Log10RootIntFunction`: the integer part of log10, at least 1. */
function log10(limit: number): number {
  return Math.max(1, Math.floor(Math.log10(limit)));
}

/**
 * TCP Vegas (Netflix concurrency-limits' `VegasLimit`, with its defaults): latency-based. `rtt_noload` is the
 * least run latency seen; each sample estimates the queue in the dependency as `limit * (1 - rtt_noload / rtt)`
 * and, while the pool is at least half busy, moves the limit: up by `6 log10(limit)` when the queue is at most
 * `log10(limit)`, up by `log10(limit)` when under `3 log10(limit)`, down by `log10(limit)` when over
 * `6 log10(limit)`. A drop (a timeout) lowers it by `log10(limit)`. Every `30 * limit` samples or so (times a
 * jitter from 0.5 to 1), it probes: `rtt_noload` starts again from the latest sample, so that a dependency whose
 * no-load latency rose is not taken for one with a queue. The jitter is a fixed pseudo-random sequence (Netflix's
 * is random), so runs repeat.
 */
export class VegasLimit implements AdaptiveLimit {
  readonly algorithm = 'vegas';
  limit: number;
  private estimate: number;
  private rttNoLoad = 0;
  private lastRtt: number | null = null;
  private samples = 0;
  private drops = 0;
  private probeCount = 0;
  private probeJitter = 0;
  private seed = 0x9e3779b9;

  constructor(
    private min: number,
    private max: number,
  ) {
    this.limit = min;
    this.estimate = min;
    this.resetProbeJitter();
  }

  /** A jitter from 0.5 to 1, from a xorshift sequence. */
  private resetProbeJitter(): void {
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x >>> 0;
    this.probeJitter = 0.5 + this.seed / 2 ** 33;
  }

  sample(_now: number, rtt: number, inflight: number, dropped: boolean): void {
    this.samples++;
    if (dropped) this.drops++;
    // Netflix refuses an RTT of 0: nothing to learn from it.
    if (rtt <= 0) return;
    this.lastRtt = rtt;
    this.probeCount++;
    if (this.probeJitter * PROBE_MULTIPLIER * this.estimate <= this.probeCount) {
      this.resetProbeJitter();
      this.probeCount = 0;
      this.rttNoLoad = rtt;
      return;
    }
    if (this.rttNoLoad === 0 || rtt < this.rttNoLoad) {
      this.rttNoLoad = rtt;
      return;
    }
    const estimate = this.estimate;
    const step = log10(estimate);
    const queue = Math.ceil(estimate * (1 - this.rttNoLoad / rtt));
    let next: number;
    if (dropped) next = estimate - step;
    else if (inflight * 2 < estimate) return;
    else if (queue <= step) next = estimate + 6 * step;
    else if (queue < 3 * step) next = estimate + step;
    else if (queue > 6 * step) next = estimate - step;
    else return;
    this.setEstimate(next);
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
      rttNoLoad: this.rttNoLoad === 0 ? null : this.rttNoLoad,
      lastRtt: this.lastRtt,
      samples: this.samples,
      drops: this.drops,
    };
  }
}
