/** RollingNumber's storage, lane by lane: lanes written at different times, against a reference of every write. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ManualClock } from '../../src/manual-clock.js';
import { RollingNumber } from '../../src/rolling/number.js';

const START = 1_700_000_040_000;

describe('lanes allocated on their first write', () => {
  test('property: sum, max and the running sum of each lane match every write in the window', () => {
    const op = fc.record({
      advance: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3_000 }), fc.constant(20_000)),
      lane: fc.integer({ min: 0, max: 13 }),
      max: fc.boolean(),
      n: fc.integer({ min: 1, max: 50 }),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const clock = new ManualClock(START);
        const number = new RollingNumber({ clock, lanes: 14 });
        // Per lane, per absolute bucket: the bucket's value.
        const buckets = Array.from({ length: 14 }, () => new Map<number, number>());
        for (const o of ops) {
          clock.advance(o.advance);
          const bucket = Math.floor(clock.now() / 1000);
          const values = buckets[o.lane]!;
          const current = values.get(bucket) ?? 0;
          if (o.max) {
            number.updateMax(o.n, o.lane);
            values.set(bucket, Math.max(current, o.n));
          } else {
            number.increment(o.n, o.lane);
            values.set(bucket, current + o.n);
          }
        }
        const head = Math.floor(clock.now() / 1000);
        for (let lane = 0; lane < 14; lane++) {
          const inWindow = [...buckets[lane]!].filter(([b]) => b > head - 10).map(([, v]) => v);
          const sum = inWindow.reduce((a, b) => a + b, 0);
          expect(number.sum(lane)).toBe(sum);
          expect(number.sumAt(clock.now(), lane)).toBe(sum);
          expect(number.max(lane)).toBe(Math.max(0, ...inWindow));
        }
      }),
      { numRuns: 300 },
    );
  });

  test('a lane first written after others keeps its own values, and the others keep theirs', () => {
    const clock = new ManualClock(START);
    const number = new RollingNumber({ clock, lanes: 3 });
    number.increment(2, 2);
    clock.advance(1000);
    number.updateMax(7, 0);
    number.increment(1, 1);
    number.increment(3, 2);
    expect([number.sum(0), number.sum(1), number.sum(2)]).toEqual([7, 1, 5]);
    expect([number.max(0), number.max(1), number.max(2)]).toEqual([7, 1, 3]);
    clock.advance(9_000);
    expect([number.sum(0), number.sum(1), number.sum(2)]).toEqual([7, 1, 3]);
    clock.advance(1_000);
    expect([number.sum(0), number.sum(1), number.sum(2)]).toEqual([0, 0, 0]);
    number.increment(4, 1);
    expect([number.sum(0), number.sum(1), number.sum(2)]).toEqual([0, 4, 0]);
  });

  test('updateMax with a value not above 0 on an unwritten lane leaves it at 0', () => {
    const number = new RollingNumber({ clock: new ManualClock(START), lanes: 2 });
    number.updateMax(0, 1);
    number.updateMax(-3, 1);
    expect(number.max(1)).toBe(0);
    expect(number.sum(1)).toBe(0);
  });
});
