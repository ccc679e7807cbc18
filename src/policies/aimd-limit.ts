import { type AdaptiveLimit, type AdaptiveStats, clamp } from './adaptive-limit.js';

/**
 * Additive increase, multiplicative decrease (Netflix concurrency-limits' `AIMDLimit`): loss-based. A sample
 * while the pool is at least half busy (`inflight * 2 >= limit`) raises the limit by one; a drop (a run that
 * timed out: the command's `timeout` is the algorithm's) multiplies it by 0.9, Netflix's default `backoffRatio`.
 * Latency below the timeout does not move it.
 */
export class AimdLimit implements AdaptiveLimit {
  /** Netflix's default `backoffRatio`. */
  static readonly BACKOFF_RATIO = 0.9;
  readonly algorithm = 'aimd';
  limit: number;
  private lastRtt: number | null = null;
  private samples = 0;
  private drops = 0;

  constructor(
    private min: number,
    private max: number,
  ) {
    this.limit = min;
  }

  sample(_now: number, rtt: number, inflight: number, dropped: boolean): void {
    this.samples++;
    this.lastRtt = rtt;
    let limit = this.limit;
    if (dropped) {
      this.drops++;
      limit = Math.floor(limit * AimdLimit.BACKOFF_RATIO);
    } else if (inflight * 2 >= limit) {
      limit++;
    }
    this.limit = clamp(limit, this.min, this.max);
  }

  bound(min: number, max: number): void {
    this.min = min;
    this.max = max;
    this.limit = clamp(this.limit, min, max);
  }

  read(): AdaptiveStats {
    return {
      algorithm: this.algorithm,
      limit: this.limit,
      minLimit: this.min,
      maxLimit: this.max,
      rttNoLoad: null,
      lastRtt: this.lastRtt,
      samples: this.samples,
      drops: this.drops,
    };
  }
}
