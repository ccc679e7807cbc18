/** RollingNumber: counterparts of hystrix-go's rolling_test.go, and the window beyond it. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ManualClock } from '../../src/manual-clock.js';
import { RollingNumber } from '../../src/rolling/number.js';

/** A wall time on a whole second, so that bucket boundaries fall on round numbers. */
const START = 1_700_000_000_000;

function setup(options: { window?: number; buckets?: number; lanes?: number } = {}): {
  clock: ManualClock;
  n: RollingNumber;
} {
  const clock = new ManualClock(START);
  return { clock, n: new RollingNumber({ clock, ...options }) };
}

/** Moves the clock forward to the wall time `t`. */
function advanceTo(clock: ManualClock, t: number): void {
  clock.advance(t - clock.now());
}

describe('TestMax', () => {
  test('updateMax 10, 11, 9 one second apart: max is 11', () => {
    const { clock, n } = setup();
    n.updateMax(10);
    clock.advance(1000);
    n.updateMax(11);
    clock.advance(1000);
    n.updateMax(9);
    expect(n.max()).toBe(11);
  });
});

describe('TestAvg', () => {
  test('increments of 0.5, 1.5, 2.5, 3.5, 4.5 one second apart: avg is 1.25 (sum / 10)', () => {
    const { clock, n } = setup();
    for (const x of [0.5, 1.5, 2.5, 3.5, 4.5]) {
      n.increment(x);
      clock.advance(1000);
    }
    expect(n.sum()).toBe(12.5);
    expect(n.avg()).toBe(1.25);
  });
});

describe('the window', () => {
  test('defaults: 10 buckets of 1 s', () => {
    const { n } = setup();
    expect(n.window).toBe(10_000);
    expect(n.buckets).toBe(10);
    expect(n.bucketMs).toBe(1000);
    expect(n.lanes).toBe(1);
  });

  test('a value written at a bucket start counts until 10 s later, to the ms, not after', () => {
    const { clock, n } = setup();
    advanceTo(clock, START + 5000);
    n.increment(3);
    advanceTo(clock, START + 14_999);
    expect(n.sum()).toBe(3);
    advanceTo(clock, START + 15_000);
    expect(n.sum()).toBe(0);
  });

  test('a value written at the end of a bucket leaves with its bucket', () => {
    const { clock, n } = setup();
    advanceTo(clock, START + 5999);
    n.increment(2);
    advanceTo(clock, START + 14_999);
    expect(n.sum()).toBe(2);
    clock.advance(0.5);
    expect(n.sum()).toBe(2);
    advanceTo(clock, START + 15_000);
    expect(n.sum()).toBe(0);
  });

  test('one write a second: the sum never exceeds 10 buckets (hystrix-go summed 11)', () => {
    const { clock, n } = setup();
    const sums: number[] = [];
    for (let i = 0; i < 30; i++) {
      n.increment(1);
      sums.push(n.sum());
      clock.advance(1000);
    }
    expect(Math.max(...sums)).toBe(10);
    expect(sums.slice(9)).toEqual(Array.from({ length: 21 }, () => 10));
  });

  test('max only looks at buckets in the window', () => {
    const { clock, n } = setup();
    n.updateMax(50);
    clock.advance(1000);
    n.updateMax(7);
    clock.advance(8999);
    expect(n.max()).toBe(50);
    clock.advance(1);
    expect(n.max()).toBe(7);
    clock.advance(1000);
    expect(n.max()).toBe(0);
  });

  test('increment() adds 1 by default; increment(0) is a no-op', () => {
    const { n } = setup();
    n.increment();
    n.increment();
    n.increment(0);
    expect(n.sum()).toBe(2);
    const empty = setup().n;
    empty.increment(0);
    expect(empty.sum()).toBe(0);
    expect(empty.max()).toBe(0);
  });

  test('an empty number reads 0 everywhere', () => {
    const { n } = setup({ lanes: 2 });
    expect(n.sum()).toBe(0);
    expect(n.sum(1)).toBe(0);
    expect(n.max(1)).toBe(0);
    expect(n.avg()).toBe(0);
  });

  test('negative increments are summed', () => {
    const { n } = setup();
    n.increment(5);
    n.increment(-2);
    expect(n.sum()).toBe(3);
  });

  test('lanes are independent and rotate together', () => {
    const { clock, n } = setup({ lanes: 3 });
    n.increment(2, 0);
    n.increment(5, 2);
    n.increment(9, 1);
    expect([n.sum(0), n.sum(1), n.sum(2)]).toEqual([2, 9, 5]);
    expect([n.max(0), n.max(1), n.max(2)]).toEqual([2, 9, 5]);
    clock.advance(4000);
    n.increment(1, 1);
    expect([n.sum(0), n.sum(1), n.sum(2)]).toEqual([2, 10, 5]);
    expect([n.max(0), n.max(1), n.max(2)]).toEqual([2, 9, 5]);
    clock.advance(6000);
    expect([n.sum(0), n.sum(1), n.sum(2)]).toEqual([0, 1, 0]);
    expect([n.max(0), n.max(1), n.max(2)]).toEqual([0, 1, 0]);
  });

  test('custom window and buckets: 1 s in 4 buckets of 250 ms', () => {
    const { clock, n } = setup({ window: 1000, buckets: 4 });
    expect(n.bucketMs).toBe(250);
    advanceTo(clock, START + 260);
    n.increment(4);
    advanceTo(clock, START + 1249);
    expect(n.sum()).toBe(4);
    expect(n.avg()).toBe(1);
    advanceTo(clock, START + 1250);
    expect(n.sum()).toBe(0);
  });

  test('custom window of one bucket', () => {
    const { clock, n } = setup({ window: 500, buckets: 1 });
    n.increment(1);
    clock.advance(499);
    n.increment(1);
    expect(n.sum()).toBe(2);
    clock.advance(1);
    expect(n.sum()).toBe(0);
  });

  test('reset() empties every lane; writes after it count normally', () => {
    const { clock, n } = setup({ lanes: 2 });
    n.increment(3, 0);
    clock.advance(2000);
    n.increment(4, 1);
    n.updateMax(8, 1);
    n.reset();
    expect([n.sum(0), n.sum(1), n.max(0), n.max(1)]).toEqual([0, 0, 0, 0]);
    n.increment(1, 0);
    expect(n.sum(0)).toBe(1);
    clock.advance(10_000);
    expect(n.sum(0)).toBe(0);
  });

  test('a long idle gap (hours) empties the window; the next write counts alone', () => {
    const { clock, n } = setup({ lanes: 2 });
    for (let i = 0; i < 10; i++) {
      n.increment(i + 1, i % 2);
      n.updateMax(100 + i, 1);
      clock.advance(700);
    }
    clock.advance(5 * 3600 * 1000 + 123);
    expect([n.sum(0), n.sum(1), n.max(0), n.max(1)]).toEqual([0, 0, 0, 0]);
    n.increment(2, 0);
    expect([n.sum(0), n.sum(1)]).toEqual([2, 0]);
    clock.advance(10_000);
    expect(n.sum(0)).toBe(0);
  });
});

describe('the sum stays exact and never goes negative', () => {
  test('after updateMax, the sum is the sum of the buckets in the window, as in hystrix-go', () => {
    const { clock, n } = setup();
    n.updateMax(10);
    clock.advance(1000);
    n.updateMax(11);
    clock.advance(1000);
    n.updateMax(9);
    expect(n.sum()).toBe(30);
  });

  test('updateMax never drives the sum below 0 as its buckets leave the window', () => {
    const { clock, n } = setup();
    n.updateMax(10);
    clock.advance(1000);
    n.updateMax(11);
    const sums: number[] = [];
    for (let i = 0; i < 15; i++) {
      clock.advance(1000);
      sums.push(n.sum());
    }
    expect(Math.min(...sums)).toBeGreaterThanOrEqual(0);
    expect(n.sum()).toBe(0);
  });

  test('fractional increments: the sum is exactly 0 once the window is empty', () => {
    const { clock, n } = setup();
    n.increment(0.4);
    clock.advance(1000);
    n.increment(0.1);
    clock.advance(9000);
    expect(n.sum()).toBeCloseTo(0.1, 12);
    clock.advance(1000);
    expect(n.sum()).toBe(0);
  });

  test('property: whole increments: the sum equals the window, never below 0', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            n: fc.integer({ min: 0, max: 1000 }),
            gap: fc.integer({ min: 0, max: 2500 }),
          }),
          { maxLength: 60 },
        ),
        (writes) => {
          const { clock, n } = setup();
          const log: { t: number; n: number }[] = [];
          for (const w of writes) {
            n.increment(w.n);
            log.push({ t: clock.now(), n: w.n });
            clock.advance(w.gap);
            const head = Math.floor(clock.now() / 1000);
            const expected = log
              .filter((e) => head - Math.floor(e.t / 1000) < 10)
              .reduce((a, e) => a + e.n, 0);
            expect(n.sum()).toBe(expected);
          }
          clock.advance(10_000);
          expect(n.sum()).toBe(0);
        },
      ),
    );
  });
});

describe('a clock that goes backwards', () => {
  test('a jump back keeps the sum; writes after it count once; the window then rolls on', () => {
    const { clock, n } = setup();
    n.increment(1);
    clock.advance(2000);
    n.increment(2);
    clock.jump(-3500);
    expect(n.sum()).toBe(3);
    n.increment(4);
    expect(n.sum()).toBe(7);
    clock.jump(-3_600_000);
    expect(n.sum()).toBe(7);
    n.increment(8);
    expect(n.sum()).toBe(15);
    let previous = n.sum();
    for (let i = 0; i < 110; i++) {
      clock.advance(100);
      const sum = n.sum();
      expect(sum).toBeGreaterThanOrEqual(0);
      expect(sum).toBeLessThanOrEqual(previous);
      previous = sum;
    }
    expect(n.sum()).toBe(0);
  });

  test('max survives a jump back and leaves with its bucket', () => {
    const { clock, n } = setup();
    n.updateMax(5);
    clock.jump(-20_000);
    expect(n.max()).toBe(5);
    n.updateMax(3);
    expect(n.max()).toBe(5);
    clock.advance(10_000);
    expect(n.max()).toBe(0);
  });

  test('small back-and-forth corrections at a bucket boundary do not empty the window', () => {
    // Ten corrections of 1 ms, read between (as admissions read health), take 10 ms of real
    // time and leave the wall time where it was: a value written half a second before is still
    // in the window.
    const { clock, n } = setup();
    advanceTo(clock, START + 500);
    n.increment(1);
    advanceTo(clock, START + 1000);
    expect(n.sum()).toBe(1);
    for (let i = 0; i < 10; i++) {
      clock.jump(-1);
      expect(n.sum()).toBe(1);
      clock.advance(1);
      expect(n.sum()).toBe(1);
    }
    expect(clock.now()).toBe(START + 1000);
  });

  test('property: jumps never change the sum, writes add exactly, time never raises it', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), n: fc.integer({ min: 1, max: 100 }) }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 4000 }) }),
      fc.record({ kind: fc.constant('jump' as const), ms: fc.integer({ min: 1, max: 30_000 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const { clock, n } = setup();
        let written = 0;
        for (const o of ops) {
          const before = n.sum();
          if (o.kind === 'add') {
            n.increment(o.n);
            written += o.n;
            expect(n.sum()).toBe(before + o.n);
          } else if (o.kind === 'advance') {
            clock.advance(o.ms);
            expect(n.sum()).toBeLessThanOrEqual(before);
          } else {
            clock.jump(-o.ms);
            expect(n.sum()).toBe(before);
          }
          expect(n.sum()).toBeGreaterThanOrEqual(0);
          expect(n.sum()).toBeLessThanOrEqual(written);
        }
        clock.advance(10_000);
        expect(n.sum()).toBe(0);
      }),
    );
  });
});

describe('bad arguments throw RangeError', () => {
  test('lane out of range or not an integer', () => {
    const { n } = setup({ lanes: 2 });
    expect(() => n.increment(1, 2)).toThrow(RangeError);
    expect(() => n.increment(1, -1)).toThrow(RangeError);
    expect(() => n.updateMax(1, 0.5)).toThrow(RangeError);
    expect(() => n.sum(2)).toThrow(RangeError);
    expect(() => n.max(Number.NaN)).toThrow(RangeError);
    expect(() => n.avg(3)).toThrow(RangeError);
    expect(n.sum(0) + n.sum(1)).toBe(0);
  });

  test('NaN and infinite values, and nothing is written', () => {
    const { n } = setup();
    n.increment(2);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => n.increment(bad)).toThrow(RangeError);
      expect(() => n.updateMax(bad)).toThrow(RangeError);
    }
    expect(() => n.increment('1' as unknown as number)).toThrow(RangeError);
    expect(n.sum()).toBe(2);
    expect(n.max()).toBe(2);
  });

  test('window not a multiple of buckets, and bad sizes', () => {
    const clock = new ManualClock(START);
    expect(() => new RollingNumber({ clock, window: 1000, buckets: 3 })).toThrow(RangeError);
    expect(() => new RollingNumber({ clock, window: 10_000, buckets: 0 })).toThrow(RangeError);
    expect(() => new RollingNumber({ clock, window: 10_000, buckets: 2.5 })).toThrow(RangeError);
    expect(() => new RollingNumber({ clock, window: 0, buckets: 1 })).toThrow(RangeError);
    expect(() => new RollingNumber({ clock, window: Number.NaN })).toThrow(RangeError);
    expect(() => new RollingNumber({ clock, lanes: 0 })).toThrow(RangeError);
    expect(() => new RollingNumber({ clock, lanes: 1.5 })).toThrow(RangeError);
    expect(new RollingNumber({ clock, window: 3000, buckets: 3 }).bucketMs).toBe(1000);
  });
});
