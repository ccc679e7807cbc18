/** The log-linear latency bins behind RollingTiming. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { BINS, binLowUs, binMiddleMs, binOf } from '../../src/rolling/histogram.js';

/** 2^32 µs, where the bins end. */
const TOP_US = 2 ** 32;

/** Width of a bin in µs: the distance to the next bin's low end (the last ends at 2^32 µs). */
function widthUs(bin: number): number {
  return binLowUs(bin + 1) - binLowUs(bin);
}

/** The bin of a duration given in µs. */
function binOfUs(us: number): number {
  return binOf(us / 1000);
}

describe('bin layout', () => {
  test('bins are contiguous from 0 to 2^32 µs', () => {
    expect(binLowUs(0)).toBe(0);
    expect(binLowUs(BINS)).toBe(TOP_US);
    for (let bin = 0; bin < BINS; bin++) {
      expect(widthUs(bin)).toBeGreaterThanOrEqual(1);
      expect(Number.isInteger(binLowUs(bin))).toBe(true);
    }
  });

  test('above 16 µs a bin is at most 1/16 of its low end wide (16 bins per power of two)', () => {
    for (let bin = 16; bin < BINS; bin++) {
      expect(widthUs(bin)).toBeLessThanOrEqual(binLowUs(bin) / 16);
    }
    for (let power = 4; power < 32; power++) {
      const bins = new Set<number>();
      for (let k = 0; k < 16; k++) bins.add(binOfUs(2 ** power + (k * 2 ** power) / 16));
      expect(bins.size).toBe(16);
    }
  });

  test('each bin holds its own low end and the last µs below its top', () => {
    for (let bin = 0; bin < BINS; bin++) {
      const low = binLowUs(bin);
      expect(binOfUs(low)).toBe(bin);
      expect(binOfUs(low + widthUs(bin) - 1)).toBe(bin);
    }
  });
});

describe('binOf', () => {
  test('values below 16 µs are exact to the microsecond', () => {
    for (let us = 0; us < 16; us++) {
      expect(binOfUs(us)).toBe(us);
      expect(binOfUs(us + 0.5)).toBe(us);
      expect(binOfUs(us + 0.999)).toBe(us);
      expect(binLowUs(us)).toBe(us);
      expect(widthUs(us)).toBe(1);
      expect(binMiddleMs(us)).toBeCloseTo((us + 0.5) / 1000, 12);
    }
  });

  test('each whole µs below 2^20 lies in [low, low + width) of its bin; bins never go down', () => {
    const wrong: { us: number; bin: number }[] = [];
    let previous = 0;
    let seen = 0;
    for (let us = 0; us < 2 ** 20; us++) {
      const bin = binOfUs(us);
      const low = binLowUs(bin);
      if (bin < previous || us < low || us >= low + widthUs(bin)) wrong.push({ us, bin });
      if (bin !== previous) seen++;
      previous = bin;
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    // Every bin up to 2^20 µs is used: 16 exact ones, then 16 per power of two from 2^4 to 2^19.
    expect(seen + 1).toBe(16 + 16 * 16);
  });

  test('property: any value from 0 to 2^32 µs lies in [low, low + width) of its bin', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: TOP_US / 1000, maxExcluded: true, noNaN: true }),
        (ms) => {
          const us = ms * 1000;
          const bin = binOf(ms);
          expect(bin).toBeGreaterThanOrEqual(0);
          expect(bin).toBeLessThan(BINS);
          expect(us).toBeGreaterThanOrEqual(binLowUs(bin));
          expect(us).toBeLessThan(binLowUs(bin) + widthUs(bin));
        },
      ),
      { numRuns: 5000 },
    );
  });

  test('property: bins are monotonic in the value', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e7, noNaN: true }),
        fc.double({ min: 0, max: 1e7, noNaN: true }),
        (a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(binOf(lo)).toBeLessThanOrEqual(binOf(hi));
        },
      ),
      { numRuns: 5000 },
    );
  });

  test('huge values go to the last bin', () => {
    expect(binOfUs(TOP_US - 1)).toBe(BINS - 1);
    expect(binOfUs(TOP_US)).toBe(BINS - 1);
    expect(binOf(24 * 3600 * 1000)).toBe(BINS - 1);
    expect(binOf(Number.MAX_VALUE)).toBe(BINS - 1);
    expect(binOf(Number.POSITIVE_INFINITY)).toBe(BINS - 1);
  });

  test('NaN, negative values and values under 1 µs go to bin 0', () => {
    for (const v of [Number.NaN, -0, -1, -1e9, Number.NEGATIVE_INFINITY, 0, 0.0005, 0.000999]) {
      expect(binOf(v)).toBe(0);
    }
  });
});

describe('binMiddleMs', () => {
  test('is the middle of the bin', () => {
    for (let bin = 0; bin < BINS; bin++) {
      expect(binMiddleMs(bin) * 1000).toBeCloseTo(binLowUs(bin) + widthUs(bin) / 2, 6);
    }
  });

  test('from 16 µs, the middle is within 1/32 of any value in its bin', () => {
    for (let bin = 16; bin < BINS; bin++) {
      const middle = binMiddleMs(bin) * 1000;
      const low = binLowUs(bin);
      const high = low + widthUs(bin);
      expect(Math.abs(middle - low)).toBeLessThanOrEqual(low / 32);
      expect(Math.abs(middle - high)).toBeLessThanOrEqual(high / 32);
    }
    fc.assert(
      fc.property(
        fc.double({ min: 0.016, max: TOP_US / 1000, maxExcluded: true, noNaN: true }),
        (ms) => {
          const middle = binMiddleMs(binOf(ms));
          // 1/32 exactly at a bin's low end; the factor only absorbs the last bit of rounding.
          expect(Math.abs(middle - ms)).toBeLessThanOrEqual((ms / 32) * (1 + 1e-9));
        },
      ),
      { numRuns: 5000 },
    );
  });

  test('below 16 µs, the middle is within half a microsecond of any value in its bin', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.016, maxExcluded: true, noNaN: true }), (ms) => {
        expect(Math.abs(binMiddleMs(binOf(ms)) - ms)).toBeLessThanOrEqual(0.0005);
      }),
    );
  });
});
