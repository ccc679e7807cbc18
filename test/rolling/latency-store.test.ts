/**
 * The storage behind RollingTiming (a short list of counts, then groups of bins in bytes or words), against a
 * plain reference that keeps every duration; and RollingTiming over it against the dense histogram it replaced.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ManualClock } from '../../src/manual-clock.js';
import { BINS, binMiddleMs, binOf } from '../../src/rolling/histogram.js';
import { LatencyStore } from '../../src/rolling/latency-store.js';
import { ordinal, RollingTiming } from '../../src/rolling/timing.js';

/** Every duration put, by row and bucket: what the store must answer from. */
class Reference {
  readonly durations: number[][][];

  constructor(rows: number, buckets: number) {
    this.durations = Array.from({ length: rows }, () =>
      Array.from({ length: buckets }, () => [] as number[]),
    );
  }

  put(row: number, slot: number, d: number): void {
    this.durations[row]![slot]!.push(d);
  }

  clearSlot(slot: number): void {
    for (const row of this.durations) row[slot] = [];
  }

  all(row: number): number[] {
    return this.durations[row]!.flat();
  }

  counts(row: number): number[] {
    const out = new Array<number>(BINS).fill(0);
    for (const d of this.all(row)) out[binOf(d)]!++;
    return out;
  }
}

function countsOf(store: LatencyStore, row: number): number[] {
  const into = new Float64Array(BINS);
  store.addCounts(row, into);
  return [...into];
}

function expectSame(store: LatencyStore, reference: Reference, rows: number): void {
  for (let row = 0; row < rows; row++) {
    const all = reference.all(row);
    expect(countsOf(store, row)).toEqual(reference.counts(row));
    expect(store.count(row)).toBe(all.length);
    // Summed bucket by bucket, not in the reference's order: equal to the last bits of rounding.
    const sum = all.reduce((a, b) => a + b, 0);
    expect(Math.abs(store.sum(row) - sum)).toBeLessThanOrEqual(1e-12 * Math.max(1, sum));
    expect(store.extreme(row, false)).toBe(all.length === 0 ? Infinity : Math.min(...all));
    expect(store.extreme(row, true)).toBe(all.length === 0 ? -Infinity : Math.max(...all));
  }
}

/** Durations spread over every bin, from 0 to 71 minutes, and a few favourites that repeat (widening). */
const duration = fc.oneof(
  fc.integer({ min: 0, max: BINS - 1 }).map((bin) => binMiddleMs(bin)),
  fc.constantFrom(0, 0.004, 1.5, 12.25, 250),
);

type Op =
  | { kind: 'put'; row: number; slot: number; d: number; times: number }
  | { kind: 'clear'; slot: number };

function ops(rows: number, buckets: number): fc.Arbitrary<Op[]> {
  const put = fc.record({
    kind: fc.constant('put' as const),
    row: fc.integer({ min: 0, max: rows - 1 }),
    slot: fc.integer({ min: 0, max: buckets - 1 }),
    d: duration,
    times: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 600 })),
  });
  const clear = fc.record({
    kind: fc.constant('clear' as const),
    slot: fc.integer({ min: 0, max: buckets - 1 }),
  });
  return fc.array(fc.oneof({ weight: 6, arbitrary: put }, { weight: 1, arbitrary: clear }), {
    maxLength: 60,
  });
}

describe('LatencyStore', () => {
  test('property: counts, sums and extremes match a reference that keeps every duration', () => {
    const shapes = fc
      .record({ rows: fc.integer({ min: 1, max: 4 }), buckets: fc.integer({ min: 1, max: 7 }) })
      .chain(({ rows, buckets }) =>
        fc.record({
          rows: fc.constant(rows),
          buckets: fc.constant(buckets),
          list: ops(rows, buckets),
        }),
      );
    fc.assert(
      fc.property(shapes, ({ rows, buckets, list }) => {
        const store = new LatencyStore(rows, buckets);
        const reference = new Reference(rows, buckets);
        for (const op of list) {
          if (op.kind === 'clear') {
            store.clearSlot(op.slot);
            reference.clearSlot(op.slot);
            continue;
          }
          for (let i = 0; i < op.times; i++) {
            store.put(op.row, op.slot, binOf(op.d), op.d);
            reference.put(op.row, op.slot, op.d);
          }
        }
        expectSame(store, reference, rows);
      }),
      { numRuns: 300 },
    );
  });

  test('a few counts stay a list; more move to groups; a count past 255 widens its group alone', () => {
    const store = new LatencyStore(3, 6);
    const reference = new Reference(3, 6);
    const put = (row: number, slot: number, d: number): void => {
      store.put(row, slot, binOf(d), d);
      reference.put(row, slot, d);
    };
    put(2, 0, 1.5);
    put(2, 0, 1.5);
    expectSame(store, reference, 3);
    // Distinct bins in several buckets and rows: past the list's length.
    for (let bin = 0; bin < BINS; bin += 7) put(bin % 3, bin % 6, binMiddleMs(bin));
    expectSame(store, reference, 3);
    // One bin counted 1,000 times in one bucket: its group widens; its neighbours keep their counts.
    for (let i = 0; i < 1000; i++) put(0, 3, 40);
    put(0, 3, 41);
    put(1, 3, 40);
    expectSame(store, reference, 3);
    // Widening a second group moves the narrow groups after it: every count stays where it was.
    for (let i = 0; i < 300; i++) put(1, 5, 0.003);
    expectSame(store, reference, 3);
    for (let slot = 0; slot < 6; slot++) {
      store.clearSlot(slot);
      reference.clearSlot(slot);
      expectSame(store, reference, 3);
    }
    put(0, 2, 7);
    expectSame(store, reference, 3);
  });

  test('a bucket cleared while the counts are a list frees its pairs for the next counts', () => {
    const store = new LatencyStore(1, 2);
    const reference = new Reference(1, 2);
    for (let round = 0; round < 5; round++) {
      const slot = round % 2;
      store.clearSlot(slot);
      reference.clearSlot(slot);
      for (let k = 0; k < 4; k++) {
        const d = binMiddleMs(16 * round + k);
        store.put(0, slot, binOf(d), d);
        reference.put(0, slot, d);
      }
      expectSame(store, reference, 1);
    }
  });
});

/** The percentiles the dense histogram gave: the bin of the nearest-rank duration, within the exact min and max. */
function densePercentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const min = sorted[0]!;
  const max = sorted[sorted.length - 1]!;
  const rank = ordinal(sorted.length, p);
  if (rank <= 1) return min;
  if (rank >= sorted.length) return max;
  return Math.min(max, Math.max(min, binMiddleMs(binOf(sorted[rank - 1]!))));
}

describe('RollingTiming over the store', () => {
  const PS = [0, 1, 5, 10, 25, 50, 75, 90, 95, 99, 99.5, 100];

  test("property: lanes read alone and in pairs give exactly the dense histogram's percentiles", () => {
    const call = fc.record({
      advance: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 25_000 })),
      run: fc.oneof(fc.constant(-1), duration),
      total: duration,
      same: fc.boolean(),
      lane: fc.integer({ min: 0, max: 2 }),
      pair: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(call, { maxLength: 120 }), (calls) => {
        const clock = new ManualClock(1_700_000_040_000);
        const timing = new RollingTiming({ clock, lanes: 3 });
        const kept: { at: number; lane: number; d: number }[] = [];
        for (const c of calls) {
          clock.advance(c.advance);
          const now = clock.now();
          if (c.pair) {
            const run = c.same && c.run >= 0 ? c.total : c.run;
            timing.addPairAt(now, run, c.total);
            if (run >= 0) kept.push({ at: now, lane: 0, d: run });
            kept.push({ at: now, lane: 1, d: c.total });
          } else {
            timing.add(c.total, c.lane);
            kept.push({ at: now, lane: c.lane, d: c.total });
          }
        }
        // The window: the 6 buckets of 10 s up to the current one.
        const first = (Math.floor(clock.now() / 10_000) - 5) * 10_000;
        for (let lane = 0; lane < 3; lane++) {
          const inWindow = kept.filter((k) => k.lane === lane && k.at >= first).map((k) => k.d);
          expect(timing.count(lane)).toBe(inWindow.length);
          expect(timing.percentiles(PS, lane)).toEqual(PS.map((p) => densePercentile(inWindow, p)));
          const mean =
            inWindow.length === 0 ? 0 : inWindow.reduce((a, b) => a + b, 0) / inWindow.length;
          expect(Math.abs(timing.mean(lane) - mean)).toBeLessThanOrEqual(1e-12 * Math.max(1, mean));
        }
      }),
      { numRuns: 300 },
    );
  });

  test('a run and total of the same duration count once for both lanes, and each lane still reads it', () => {
    const clock = new ManualClock(0);
    const timing = new RollingTiming({ clock, lanes: 2 });
    timing.addPairAt(clock.now(), 12, 12);
    timing.addPairAt(clock.now(), 3, 40);
    timing.addPairAt(clock.now(), -1, 90);
    expect(timing.count(0)).toBe(2);
    expect(timing.count(1)).toBe(3);
    expect(timing.percentiles([0, 100], 0)).toEqual([3, 12]);
    expect(timing.percentiles([0, 100], 1)).toEqual([12, 90]);
    expect(timing.mean(1)).toBeCloseTo((12 + 40 + 90) / 3, 12);
  });
});
