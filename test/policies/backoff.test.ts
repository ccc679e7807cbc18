/** Exponential backoff with full jitter: the wait's ceiling doubles from the base up to the cap. */
import { describe, expect, it } from 'vitest';
import { fullJitter } from '../../src/policies/backoff.js';

describe('fullJitter', () => {
  it('draws up to min(cap, base x 2^(retry - 1)), in whole milliseconds, at least 1', () => {
    const top = (): number => 0.999_999;
    expect([1, 2, 3, 4, 5, 6].map((retry) => fullJitter(retry, 100, 1000, top))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(fullJitter(3, 100, 1000, () => 0.5)).toBe(200);
    // Never 0: a retry never runs inside the attempt that failed.
    expect(fullJitter(1, 100, 1000, () => 0)).toBe(1);
  });

  it('spreads the waits over the whole range (full jitter), not around the ceiling', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 48_271) % 2_147_483_647;
      return seed / 2_147_483_647;
    };
    const waits = Array.from({ length: 10_000 }, () => fullJitter(4, 100, 10_000, random));
    expect(Math.min(...waits)).toBeLessThan(10);
    expect(Math.max(...waits)).toBeGreaterThan(790);
    expect(Math.max(...waits)).toBeLessThanOrEqual(800);
    const mean = waits.reduce((a, b) => a + b, 0) / waits.length;
    expect(mean).toBeGreaterThan(380);
    expect(mean).toBeLessThan(420);
  });

  it('reads a random source that answers outside [0, 1) as 0', () => {
    for (const bad of [Number.NaN, -1, 1, 7, Number.POSITIVE_INFINITY]) {
      expect(fullJitter(2, 100, 1000, () => bad)).toBe(1);
    }
  });
});
