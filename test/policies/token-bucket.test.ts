/** The token bucket alone: refill from timestamps, exact in whole milliseconds, never beyond its bound. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/policies/token-bucket.js';

describe('TokenBucket', () => {
  it('starts full, hands out its burst at once, then refills at the rate', () => {
    const bucket = new TokenBucket(10, 3, 1000);
    expect([bucket.tryTake(1000), bucket.tryTake(1000), bucket.tryTake(1000)]).toEqual([
      true,
      true,
      true,
    ]);
    expect(bucket.tryTake(1000)).toBe(false);
    // The next token is 100 ms away (10 a second).
    expect(bucket.tryTake(1099)).toBe(false);
    expect(bucket.tryTake(1100)).toBe(true);
    expect(bucket.tryTake(1100)).toBe(false);
    // A long quiet spell refills to the burst, no further.
    const refilled = [1, 2, 3, 4].map(() => bucket.tryTake(60_000));
    expect(refilled).toEqual([true, true, true, false]);
  });

  it('a fractional rate: one token every two seconds', () => {
    const bucket = new TokenBucket(0.5, 1, 0);
    expect(bucket.tryTake(0)).toBe(true);
    expect(bucket.tryTake(1999)).toBe(false);
    expect(bucket.tryTake(2000)).toBe(true);
  });

  it('time that goes back (a garbage reading) neither adds nor removes tokens', () => {
    const bucket = new TokenBucket(1, 1, 5000);
    expect(bucket.tryTake(5000)).toBe(true);
    expect(bucket.tryTake(1000)).toBe(false);
    expect(bucket.tryTake(5999)).toBe(false);
    expect(bucket.tryTake(6000)).toBe(true);
  });

  it('property: never hands out more than burst + rate x elapsed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 200 }),
        (rate, burst, gaps) => {
          const start = 1_000_000;
          const bucket = new TokenBucket(rate, burst, start);
          let now = start;
          let taken = 0;
          for (const gap of gaps) {
            now += gap;
            // Take everything there is at this instant.
            while (bucket.tryTake(now)) taken++;
            const elapsed = now - start;
            expect(taken).toBeLessThanOrEqual(burst + Math.floor((rate * elapsed) / 1000));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: drained at every step, never full, it hands out exactly burst + rate x elapsed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 2, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 200 }),
        (rate, burst, rawGaps) => {
          // Gaps short enough that at most one token refills between two drains: the bucket is never full
          // again, so nothing refilled is lost to its cap.
          const gaps = rawGaps.map((g) => g % (Math.floor(1000 / rate) + 1));
          const start = 0;
          const bucket = new TokenBucket(rate, burst, start);
          let now = start;
          let taken = 0;
          while (bucket.tryTake(now)) taken++;
          for (const gap of gaps) {
            now += gap;
            while (bucket.tryTake(now)) taken++;
          }
          expect(taken).toBe(burst + Math.floor((rate * (now - start)) / 1000));
        },
      ),
      { numRuns: 300 },
    );
  });
});
