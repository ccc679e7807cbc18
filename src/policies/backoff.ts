/**
 * Exponential backoff with full jitter, as in "Exponential Backoff And Jitter" (Marc Brooker, AWS Architecture
 * Blog, 2015): `sleep = random_between(0, min(cap, base * 2 ** attempt))`. Spreading retries over the whole range
 * keeps the callers of a struggling dependency from retrying in step.
 */

/** A source of random numbers in [0, 1), as `Math.random`. */
export type RandomSource = () => number;

/**
 * @internal The wait before retry number `retry` (1 for the first), in whole milliseconds: a random time up to
 * `min(cap, base * 2 ** (retry - 1))`, at least 1 so that a retry never runs inside the attempt that failed. A
 * random source that answers outside [0, 1) is read as 0.
 */
export function fullJitter(retry: number, base: number, cap: number, random: RandomSource): number {
  const ceiling = Math.min(cap, base * 2 ** (retry - 1));
  const r = random();
  const u = r >= 0 && r < 1 ? r : 0;
  return Math.max(1, Math.ceil(u * ceiling));
}
