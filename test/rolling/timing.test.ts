/** RollingTiming: counterpart of hystrix-go's rolling_timing_test.go, and the window beyond it. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ManualClock } from '../../src/manual-clock.js';
import { RollingTiming, ordinal } from '../../src/rolling/timing.js';

/** A wall time on a whole minute, so that bucket boundaries fall on round numbers. */
const START = 1_700_000_040_000;

/** The bound the histogram documents: a percentile is within 3.2 % of the exact value. */
const BOUND = 0.032;

function setup(options: { window?: number; buckets?: number } = {}): {
  clock: ManualClock;
  t: RollingTiming;
} {
  const clock = new ManualClock(START);
  return { clock, t: new RollingTiming({ clock, ...options }) };
}

/**
 * Exact nearest-rank percentile of `values`, as hystrix-go computes it over a sorted slice; a p so
 * small that its rank rounds to 0 takes the first value (hystrix-go would index -1 there).
 */
function nearestRank(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

describe('TestOrdinal', () => {
  test('a new timing has a mean of 0', () => {
    expect(setup().t.mean()).toBe(0);
  });

  test.each([
    [1, 0, 1],
    [2, 0, 1],
    [2, 50, 1],
    [2, 51, 2],
    [5, 30, 2],
    [5, 40, 2],
    [5, 50, 3],
    [11, 25, 3],
    [11, 50, 6],
    [11, 75, 9],
    [11, 100, 11],
  ])('ordinal(%i, %d) is %i', (length, p, expected) => {
    expect(ordinal(length, p)).toBe(expected);
  });

  test('100 ms, then 2 s later 200 ms: mean is 150', () => {
    const { clock, t } = setup();
    t.add(100);
    clock.advance(2000);
    t.add(200);
    expect(t.mean()).toBe(150);
  });

  test('the 33 durations: percentiles 0, 99 and 100 exact, 75 within the histogram bound', () => {
    const { t } = setup();
    const durations = [
      1,
      ...Array<number>(9).fill(1004),
      ...Array<number>(14).fill(1005),
      ...Array<number>(4).fill(1006),
      ...Array<number>(3).fill(1007),
      1008,
      1015,
    ];
    expect(durations).toHaveLength(33);
    for (const d of durations) t.add(d);
    expect(t.count()).toBe(33);
    expect(t.percentile(0)).toBe(1);
    expect(t.percentile(99)).toBe(1015);
    expect(t.percentile(100)).toBe(1015);
    // Deliberate adaptation: hystrix-go sorts every duration and reports exactly 1006 here.
    // The port keeps a fixed log-linear histogram instead (O(1) record, bounded memory), so a
    // percentile inside the window is only within the histogram's documented 3.2 % of the
    // exact value; the minimum and the maximum stay exact.
    expect(Math.abs(t.percentile(75) - 1006)).toBeLessThanOrEqual(1006 * BOUND);
    expect(t.percentiles([0, 75, 100])).toEqual([1, t.percentile(75), 1015]);
  });
});

describe('percentiles against an exact sorted reference', () => {
  const percentile = fc.oneof(
    fc.constantFrom(0, 25, 50, 75, 90, 95, 99, 99.5, 100),
    fc.double({ min: 0, max: 100, noNaN: true }),
  );

  // Below 16 µs the bins are 1 µs wide: the documented bound there is 0.5 µs, not 3.2 %.
  const MICRO_BOUND = 0.0005;
  const within = (exact: number): number => Math.max(exact * BOUND, MICRO_BOUND);

  test('durations under 16 µs: a percentile inside the window is within 0.5 µs', () => {
    const { t } = setup();
    for (const v of [0.001, 0.001, 0.001, 5]) t.add(v);
    const exact = nearestRank([0.001, 0.001, 0.001, 5], 50);
    expect(exact).toBe(0.001);
    expect(Math.abs(t.percentile(50) - exact)).toBeLessThanOrEqual(MICRO_BOUND);
    expect(t.percentile(50)).toBe(0.0015);
  });

  test('property: 1 µs to 10 minutes: within 3.2 % (0.5 µs below 16 µs) of the nearest rank', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.001, max: 600_000, noNaN: true }), {
          minLength: 1,
          maxLength: 200,
        }),
        fc.array(percentile, { minLength: 1, maxLength: 5 }),
        (values, ps) => {
          const { t } = setup();
          for (const v of values) t.add(v);
          const got = t.percentiles(ps);
          ps.forEach((p, i) => {
            const exact = nearestRank(values, p);
            expect(Math.abs(got[i]! - exact)).toBeLessThanOrEqual(within(exact));
            expect(t.percentile(p)).toBe(got[i]);
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  test('property: durations from 16 µs (the log-linear bins) to 10 minutes, within 3.2 %', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.016, max: 600_000, noNaN: true }), {
          minLength: 1,
          maxLength: 200,
        }),
        fc.array(percentile, { minLength: 1, maxLength: 5 }),
        (values, ps) => {
          const { t } = setup();
          for (const v of values) t.add(v);
          const got = t.percentiles(ps);
          ps.forEach((p, i) => {
            const exact = nearestRank(values, p);
            expect(Math.abs(got[i]! - exact)).toBeLessThanOrEqual(exact * BOUND);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  test('property: the minimum, the maximum and the mean are exact', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 600_000, noNaN: true }), {
          minLength: 1,
          maxLength: 100,
        }),
        (values) => {
          const { t } = setup();
          for (const v of values) t.add(v);
          expect(t.percentile(0)).toBe(Math.min(...values));
          expect(t.percentile(100)).toBe(Math.max(...values));
          const mean = values.reduce((a, v) => a + v, 0) / values.length;
          expect(t.mean()).toBeCloseTo(mean, 6);
          expect(t.count()).toBe(values.length);
        },
      ),
    );
  });

  test('percentiles over several buckets of the window', () => {
    const { clock, t } = setup();
    const values: number[] = [];
    for (let i = 0; i < 50; i++) {
      const v = 10 + ((i * 37) % 101);
      t.add(v);
      values.push(v);
      clock.advance(1000);
    }
    for (const p of [10, 50, 90]) {
      const exact = nearestRank(values, p);
      expect(Math.abs(t.percentile(p) - exact)).toBeLessThanOrEqual(exact * BOUND);
    }
  });
});

describe('the window', () => {
  test('defaults: 60 s in 6 buckets', () => {
    const { t } = setup();
    expect(t.window).toBe(60_000);
    expect(t.buckets).toBe(6);
    expect(t.bucketMs).toBe(10_000);
  });

  test('a duration counts until its bucket leaves the window, to the ms', () => {
    const { clock, t } = setup();
    t.add(40);
    clock.advance(9999);
    t.add(60);
    clock.advance(1);
    t.add(500);
    clock.advance(59_999 - 10_000);
    expect(t.count()).toBe(3);
    expect(t.percentile(0)).toBe(40);
    clock.advance(1);
    expect(t.count()).toBe(1);
    expect(t.mean()).toBe(500);
    expect(t.percentile(0)).toBe(500);
    expect(t.percentile(50)).toBe(500);
    expect(t.percentile(100)).toBe(500);
    clock.advance(10_000);
    expect(t.count()).toBe(0);
    expect(t.mean()).toBe(0);
    expect(t.percentile(50)).toBe(0);
  });

  test('the maximum leaves with its bucket', () => {
    const { clock, t } = setup();
    t.add(9000);
    clock.advance(30_000);
    t.add(5);
    t.add(7);
    expect(t.percentile(100)).toBe(9000);
    clock.advance(30_000);
    expect(t.percentile(100)).toBe(7);
    expect(t.percentile(0)).toBe(5);
  });

  test('a long idle gap empties the window', () => {
    const { clock, t } = setup();
    for (let i = 0; i < 20; i++) {
      t.add(i);
      clock.advance(3000);
    }
    clock.advance(3 * 3600 * 1000);
    expect(t.count()).toBe(0);
    t.add(12);
    expect([t.count(), t.mean(), t.percentile(50)]).toEqual([1, 12, 12]);
  });

  test('custom window: 1 s in 4 buckets', () => {
    const { clock, t } = setup({ window: 1000, buckets: 4 });
    expect(t.bucketMs).toBe(250);
    t.add(3);
    clock.advance(999);
    expect(t.count()).toBe(1);
    clock.advance(1);
    expect(t.count()).toBe(0);
    const clock2 = new ManualClock(START);
    expect(() => new RollingTiming({ clock: clock2, window: 1000, buckets: 7 })).toThrow(
      RangeError,
    );
  });

  test('count() counts every duration in the window, zero ones included', () => {
    const { clock, t } = setup();
    expect(t.count()).toBe(0);
    t.add(0);
    t.add(0);
    clock.advance(15_000);
    t.add(3);
    expect(t.count()).toBe(3);
  });

  test('reset() empties the window; durations after it count normally', () => {
    const { clock, t } = setup();
    t.add(1000);
    clock.advance(20_000);
    t.add(5);
    t.reset();
    expect([t.count(), t.mean(), t.percentile(100)]).toEqual([0, 0, 0]);
    t.add(8);
    expect([t.count(), t.mean(), t.percentile(0), t.percentile(100)]).toEqual([1, 8, 8, 8]);
  });

  test('a jump back keeps the durations, and they still leave with the window', () => {
    const { clock, t } = setup();
    t.add(10);
    clock.jump(-45_000);
    t.add(30);
    expect([t.count(), t.mean()]).toEqual([2, 20]);
    clock.advance(60_000);
    expect(t.count()).toBe(0);
  });
});

describe('arguments', () => {
  test('negative durations count as 0', () => {
    const { t } = setup();
    t.add(-5);
    expect([t.count(), t.mean(), t.percentile(0), t.percentile(100)]).toEqual([1, 0, 0, 0]);
    t.add(10);
    expect(t.mean()).toBe(5);
    expect(t.percentile(0)).toBe(0);
  });

  test('add(NaN) and add(±Infinity) throw RangeError and record nothing', () => {
    const { t } = setup();
    t.add(4);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => t.add(bad)).toThrow(RangeError);
    }
    expect(() => t.add('5' as unknown as number)).toThrow(RangeError);
    expect([t.count(), t.mean()]).toEqual([1, 4]);
  });

  test('a percentile below 0, above 100 or NaN throws RangeError', () => {
    const { t } = setup();
    t.add(4);
    for (const bad of [-1, -0.001, 100.001, 101, Number.NaN]) {
      expect(() => t.percentile(bad)).toThrow(RangeError);
    }
    expect(() => t.percentiles([50, Number.NaN])).toThrow(RangeError);
    expect(() => setup().t.percentile(-1)).toThrow(RangeError);
    expect(t.percentile(100)).toBe(4);
  });

  test('an empty window: every percentile is 0', () => {
    const { t } = setup();
    expect(t.percentiles([0, 50, 100])).toEqual([0, 0, 0]);
    expect(t.percentiles([])).toEqual([]);
  });
});
