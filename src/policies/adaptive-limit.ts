/**
 * Adaptive concurrency limits (`adaptiveConcurrency`): the algorithms of Netflix's concurrency-limits
 * (github.com/Netflix/concurrency-limits, `com.netflix.concurrency.limits.limit`) behind one small interface.
 */

import { AimdLimit } from './aimd-limit.js';
import { Gradient2Limit } from './gradient2-limit.js';
import { VegasLimit } from './vegas-limit.js';

/**
 * An adaptive concurrency algorithm: `'aimd'` (loss-based), `'vegas'` or `'gradient2'` (latency-based), after
 * Netflix's concurrency-limits.
 */
export type AdaptiveAlgorithm = 'aimd' | 'vegas' | 'gradient2';

/** The adaptive algorithms, as `adaptiveConcurrency` names them. */
export const ADAPTIVE_ALGORITHMS: readonly AdaptiveAlgorithm[] = ['aimd', 'vegas', 'gradient2'];

/** What an adaptive limit shows of itself: `stats().adaptive`, the extended stream and the exports. */
export interface AdaptiveStats {
  /** The algorithm. */
  readonly algorithm: AdaptiveAlgorithm;
  /** The limit the algorithm sets now, from `minLimit` to `maxLimit` (a fleet's share may lower the pool's). */
  readonly limit: number;
  /** The lowest it goes: `minConcurrentRequests`. */
  readonly minLimit: number;
  /** The highest it goes: `maxConcurrentRequests`. */
  readonly maxLimit: number;
  /**
   * The latency the algorithm takes for "no queueing", in milliseconds: Vegas's `rtt_noload` (the least run
   * latency seen since its last probe), Gradient2's long-term average; null for AIMD, or before the first sample.
   */
  readonly rttNoLoad: number | null;
  /** The latency of the last sample the algorithm used, in milliseconds; null before the first. */
  readonly lastRtt: number | null;
  /** Samples taken: runs that ended, successes and timeouts. */
  readonly samples: number;
  /** Of those, drops: runs that timed out. */
  readonly drops: number;
}

/** @internal One adaptive limit of one circuit, fed a sample each time a run ends. */
export interface AdaptiveLimit {
  /** The algorithm. */
  readonly algorithm: AdaptiveAlgorithm;
  /** The limit now: an integer from the lower bound to the upper. */
  readonly limit: number;
  /**
   * A run ended at `now` after `rtt` milliseconds, with `inflight` runs in flight (itself included); `dropped`:
   * it timed out.
   */
  sample(now: number, rtt: number, inflight: number, dropped: boolean): void;
  /** New bounds (the settings changed): the limit is brought within them. */
  bound(min: number, max: number): void;
  /** The figures of `stats().adaptive`. */
  read(): AdaptiveStats;
}

/** @internal A new adaptive limit, starting at `min` (as Netflix's start at their minimum). */
export function createAdaptiveLimit(
  algorithm: AdaptiveAlgorithm,
  min: number,
  max: number,
): AdaptiveLimit {
  switch (algorithm) {
    case 'aimd':
      return new AimdLimit(min, max);
    case 'vegas':
      return new VegasLimit(min, max);
    case 'gradient2':
      return new Gradient2Limit(min, max);
  }
}

/** @internal `value` within `min` and `max`. */
export function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}
