/** A clock that returns garbage once in a while: every call still ends in exactly one outcome, nothing throws out
 * of do()/go() or a timer, and one absurd reading is ignored. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type Clock,
  ErrCircuitOpen,
  ErrTimeout,
  Hystrix,
  ManualClock,
  type RunContext,
} from '../src/index.js';
import {
  type CallRecord,
  failOnUnhandled,
  flushPromises,
  record,
  untilAborted,
} from './helpers.js';
import { expectStillWorks, GlitchClock } from './hostile.js';

failOnUnhandled();

type RunKind = 'ok' | 'fail' | 'slow-ok' | 'slow-fail' | 'hang';
type FallbackKind = 'none' | 'ok' | 'fail' | 'hang';
interface ClockCall {
  kind: 'call';
  method: 'do' | 'go';
  run: RunKind;
  ms: number;
  fallback: FallbackKind;
  abortAfter: number | null;
}
interface ClockAdvance {
  kind: 'advance';
  ms: number;
}
type ClockStep = ClockCall | ClockAdvance;

const clockStep: fc.Arbitrary<ClockStep> = fc.oneof(
  fc.record({
    kind: fc.constant('call' as const),
    method: fc.constantFrom('do' as const, 'go' as const),
    run: fc.constantFrom<RunKind>('ok', 'fail', 'slow-ok', 'slow-fail', 'hang'),
    ms: fc.integer({ min: 0, max: 400 }),
    fallback: fc.constantFrom<FallbackKind>('none', 'ok', 'fail', 'hang'),
    abortAfter: fc.option(fc.integer({ min: 0, max: 400 }), { nil: null }),
  }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 3000 }) }),
);

interface ClockReport {
  calls: number;
  syncThrows: unknown[];
  settledCounts: number[];
  fallbackCounts: number[];
  reports: number;
  negativeDurations: number;
  activeCount: number;
}

/** Runs `steps` on a registry driven by `clock`, then lets time run until every call could have settled. */
async function runOnClock(clock: GlitchClock, steps: readonly ClockStep[]): Promise<ClockReport> {
  const base = clock.base;
  // The registry reads its clock once when it is made, and refuses one that cannot tell the time (tested
  // below): the glitches start after that.
  clock.armed = false;
  const h = new Hystrix({ clock, defaults: { timeout: 200, fallbackTimeout: 200 } });
  clock.armed = true;
  h.configureCommand('clocked', {
    requestVolumeThreshold: 4,
    sleepWindow: 500,
    maxConcurrentRequests: 1000,
  });
  let reports = 0;
  let negativeDurations = 0;
  h.metricCollectors.register(() => ({
    update: (r) => {
      reports++;
      if (!(r.totalDuration >= 0) || (r.runDuration !== undefined && !(r.runDuration >= 0))) {
        negativeDurations++;
      }
    },
    reset: () => undefined,
  }));
  const records: CallRecord[] = [];
  const fallbacks: number[] = [];
  const runs: Record<RunKind, (ms: number) => (ctx: RunContext) => unknown> = {
    ok: () => () => 1,
    fail: () => () => {
      throw new Error('fail');
    },
    'slow-ok': (ms) => () => base.sleep(ms).then(() => 1),
    'slow-fail': (ms) => () =>
      base.sleep(ms).then(() => {
        throw new Error('slow fail');
      }),
    hang: () => untilAborted,
  };
  for (const step of steps) {
    if (step.kind === 'advance') {
      base.advance(step.ms);
      await flushPromises();
      continue;
    }
    const index = fallbacks.push(0) - 1;
    const fallback =
      step.fallback === 'none'
        ? null
        : (error: unknown, ctx: RunContext): unknown => {
            fallbacks[index]!++;
            if (step.fallback === 'ok') return 'fb';
            if (step.fallback === 'fail') throw error;
            return untilAborted(ctx);
          };
    let signal: AbortSignal | undefined;
    if (step.abortAfter !== null) {
      const controller = new AbortController();
      base.setTimeout(() => controller.abort(new Error('caller gave up')), step.abortAfter);
      signal = controller.signal;
    }
    const run = runs[step.run](step.ms);
    const options = signal ? { signal } : {};
    records.push(
      record(() =>
        step.method === 'do'
          ? h.do('clocked', run, fallback, options)
          : h.go('clocked', run, fallback, options),
      ),
    );
  }
  for (let i = 0; i < 40 && records.some((r) => !r.threw && r.settles === 0); i++) {
    base.advance(500);
    await flushPromises();
  }
  // Runs last at most 400 ms: let those that outlived their call end and return their tickets.
  for (let i = 0; i < 2; i++) {
    base.advance(500);
    await flushPromises();
  }
  return {
    calls: records.length,
    syncThrows: records.filter((r) => r.threw).map((r) => r.thrown),
    settledCounts: records.filter((r) => !r.threw).map((r) => r.settles),
    fallbackCounts: fallbacks,
    reports,
    negativeDurations,
    activeCount: h.getCircuit('clocked').circuit.pool.activeCount,
  };
}

function expectOneOutcomeEach(report: ClockReport): void {
  expect(report.syncThrows, 'do()/go() threw').toEqual([]);
  expect(
    report.settledCounts.filter((n) => n !== 1),
    'calls that did not settle exactly once',
  ).toEqual([]);
  expect(report.fallbackCounts.filter((n) => n > 1)).toEqual([]);
  expect(report.reports, 'one report per call').toBe(report.calls);
  expect(report.negativeDurations).toBe(0);
  expect(report.activeCount).toBe(0);
}

describe('a clock that returns garbage once in a while', () => {
  const BAD_NUMBERS: readonly number[] = [
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -1,
    -1e15,
    0,
    -0,
    1e308,
    2 ** 60,
    Number.MIN_VALUE,
  ];

  test('numbers (NaN, ±Infinity, negative, zero, huge): every call ends in exactly one outcome, nothing throws', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...BAD_NUMBERS),
        fc.integer({ min: 2, max: 15 }),
        fc.integer({ min: 0, max: 14 }),
        fc.array(clockStep, { minLength: 1, maxLength: 25 }),
        async (bad, every, phase, steps) => {
          const clock = new GlitchClock(new ManualClock(1_700_000_000_000), bad, every, phase);
          expectOneOutcomeEach(await runOnClock(clock, steps));
        },
      ),
      { numRuns: 150 },
    );
  });

  // What the library does with each kind of non-number: `MonotonicClock.now()` computes `source.now() + offset`
  // and compares it with the last reading. A numeric string is concatenated ('1700000000000' + 0), null reads as
  // 0 and true as 1 (backward jumps), undefined and objects read as NaN, and a bigint or a symbol makes the `+`
  // throw a TypeError, wherever the clock happens to be read.
  test.each<[string, unknown]>([
    ['a numeric string', '1700000000000'],
    ['a word', 'soon'],
    ['null', null],
    ['undefined', undefined],
    ['true', true],
    ['an object', {}],
    ['an array', []],
    ['a Date', new Date(1_700_000_000_000)],
    ['a bigint', 1_700_000_000_000n],
    ['a symbol', Symbol('now')],
  ])(
    '%s: every call ends in exactly one outcome, nothing throws out of do()/go()',
    async (_l, bad) => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 2, max: 15 }),
          fc.integer({ min: 0, max: 14 }),
          fc.array(clockStep, { minLength: 1, maxLength: 25 }),
          async (every, phase, steps) => {
            const clock = new GlitchClock(new ManualClock(1_700_000_000_000), bad, every, phase);
            expectOneOutcomeEach(await runOnClock(clock, steps));
          },
        ),
        {
          numRuns: 40,
          // A call whose run times out and whose fallback hangs: the fallback's deadline must end it.
          examples: [
            [
              2,
              0,
              [
                {
                  kind: 'call',
                  method: 'do',
                  run: 'ok',
                  ms: 0,
                  fallback: 'none',
                  abortAfter: null,
                },
                {
                  kind: 'call',
                  method: 'do',
                  run: 'hang',
                  ms: 0,
                  fallback: 'hang',
                  abortAfter: null,
                },
                { kind: 'advance', ms: 0 },
              ],
            ],
          ],
        },
      );
    },
  );

  test.each<[string, unknown]>([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a numeric string', '1700000000000'],
    ['undefined', undefined],
    ['a bigint', 1_700_000_000_000n],
  ])('a clock whose first reading is %s is refused when the registry is made', (_l, bad) => {
    const clock = new GlitchClock(new ManualClock(1_700_000_000_000), bad, 1, 1);
    expect(() => new Hystrix({ clock })).toThrow(
      new TypeError('the clock must return a finite number of milliseconds from now()'),
    );
    const throwing: Clock = {
      now: () => {
        throw new Error('no time');
      },
      setTimeout: (cb, ms) => clock.setTimeout(cb, ms),
      clearTimeout: (t) => {
        clock.clearTimeout(t);
      },
    };
    expect(() => new Hystrix({ clock: throwing })).toThrow(TypeError);
  });

  /** A registry on a glitch clock that is disarmed, with a circuit that trips on 2 requests. */
  function glitchRegistry(bad: unknown): { h: Hystrix; clock: GlitchClock; base: ManualClock } {
    const base = new ManualClock(1_700_000_000_000);
    const clock = new GlitchClock(base, bad, 1);
    clock.armed = false;
    const h = new Hystrix({ clock });
    h.configureCommand('g', { requestVolumeThreshold: 2, sleepWindow: 1000, timeout: 1000 });
    return { h, clock, base };
  }

  /** Reads the clock through the registry once, while the glitch is armed. */
  function glitchOnce(clock: GlitchClock, read: () => unknown): unknown {
    clock.armed = true;
    try {
      return read();
    } finally {
      clock.armed = false;
    }
  }

  // A NaN reading at the admission that opens a circuit becomes its `openedAt`: `now - NaN > sleepWindow` is never
  // true, so the circuit never half-opens again (until forced, flushed or closed). undefined and objects read as
  // NaN too (`undefined + 0`).
  test.each<[string, unknown]>([
    ['NaN', Number.NaN],
    ['undefined', undefined],
    ['an object', {}],
  ])(
    'one %s reading at the admission that opens a circuit: a probe is still admitted after the sleep window',
    async (_l, bad) => {
      const { h, clock, base } = glitchRegistry(bad);
      await h.go('g', () => Promise.reject(new Error('x')));
      await h.go('g', () => Promise.reject(new Error('x')));
      // This admission finds the circuit unhealthy and opens it, at the time the clock returned.
      const opening = glitchOnce(clock, () => h.go('g', () => 1)) as Promise<unknown>;
      expect(await opening).toBeCircuitError(ErrCircuitOpen);
      expect(clock.glitches).toBe(1);
      expect(h.getCircuit('g').circuit.state).toBe('open');
      for (const ms of [1001, 60_000, 3_600_000]) {
        base.advance(ms);
        expect(h.getCircuit('g').circuit.allowRequest(), `probe admitted ${ms} ms later`).toBe(
          true,
        );
      }
      let ran = false;
      await h.go('g', () => {
        ran = true;
      });
      expect(ran).toBe(true);
    },
  );

  // An infinite (or huge) reading enters MonotonicClock's offset (`offset += last - t`), so every later reading is
  // Infinity (or stuck at 1e308, where adding milliseconds changes nothing): deadlines `now + timeout` equal `now`
  // and every call whose run is asynchronous times out at the first timer, 1 ms later; windows never rotate again.
  test.each<[string, number]>([
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['1e308', 1e308],
  ])(
    'one %s reading does not freeze time: a later 50 ms call with a 1000 ms timeout succeeds',
    async (_l, bad) => {
      const { h, clock, base } = glitchRegistry(bad);
      expect(await h.do('g', () => 'before')).toBe('before');
      glitchOnce(clock, () => h.getCircuit('g').circuit.stats());
      expect(clock.glitches).toBeGreaterThan(0);
      base.advance(10_000);
      const r = record(() => h.go('g', () => base.sleep(50).then(() => 'slow')));
      base.advance(50);
      await flushPromises();
      expect(r.settles).toBe(1);
      expect(r.value, 'the call timed out instead of succeeding').toBeUndefined();
    },
  );

  // A bigint or a symbol makes MonotonicClock's `source.now() + offset` throw a TypeError wherever the clock is
  // read: at the call (out of do()/go(), above), when a run settles (inside a promise reaction), or in a deadline
  // timer (inside the timer callback).
  test.each<[string, unknown]>([
    ['a bigint', 5n],
    ['a symbol', Symbol('now')],
  ])(
    '%s read once as an async run settles: the call ends once, with its value, and returns its ticket',
    async (_l, bad) => {
      const { h, clock, base } = glitchRegistry(bad);
      const r = record(() => h.go('g', () => base.sleep(10).then(() => 'late')));
      expect(r.threw).toBe(false);
      base.advance(10);
      clock.armed = true; // runResolved reads the clock in a promise reaction
      await flushPromises();
      clock.armed = false;
      base.advance(2000);
      await flushPromises();
      expect(r.settles).toBe(1);
      expect.soft(r.value, 'the run succeeded').toBeUndefined();
      expect.soft(h.getCircuit('g').circuit.pool.activeCount, 'ticket returned').toBe(0);
    },
  );

  test.each<[string, unknown]>([
    ['a bigint', 5n],
    ['a symbol', Symbol('now')],
  ])(
    '%s read once by a deadline timer: nothing escapes the timer, the call still times out',
    async (_l, bad) => {
      const { h, clock, base } = glitchRegistry(bad);
      const r = record(() => h.go('g', untilAborted));
      clock.armed = true;
      let escaped: unknown;
      try {
        base.advance(1000); // the deadline timer fires and reads the clock
      } catch (error: unknown) {
        escaped = error;
      }
      clock.armed = false;
      expect.soft(escaped, 'an exception escaped the timer callback').toBeUndefined();
      base.advance(5000);
      await flushPromises();
      expect(r.settles, 'the call never settled').toBe(1);
      expect(r.value).toBeCircuitError(ErrTimeout);
    },
  );

  test('one absurd reading (negative) is ignored: time stands still for it and goes on as before', async () => {
    // A reading decades away from the last one is broken, not time passing: the view stands still for it. The
    // windows keep their counts, an open circuit stays open until its sleep window has really passed.
    const { h, clock, base } = glitchRegistry(-1);
    const durations: number[] = [];
    h.metricCollectors.register(() => ({
      update: (r) => durations.push(r.totalDuration, r.runDuration ?? 0),
      reset: () => undefined,
    }));
    await h.go('g', () => Promise.reject(new Error('x')));
    await h.go('g', () => Promise.reject(new Error('x')));
    expect(await h.go('g', () => 1)).toBeCircuitError(ErrCircuitOpen);
    glitchOnce(clock, () => h.getCircuit('g').circuit.stats());
    base.advance(1);
    const s = h.getCircuit('g').circuit.stats();
    expect([s.requests, s.shortCircuits, s.state]).toEqual([3, 1, 'open']);
    expect(h.getCircuit('g').circuit.allowRequest()).toBe(false);
    base.advance(1000);
    expect(await h.go('g', () => 'probe')).toBeUndefined();
    expect(h.getCircuit('g').circuit.state).toBe('closed');
    expect(durations.every((d) => d >= 0)).toBe(true);
    await expectStillWorks(h);
  });

  test('a clock corrected by decades, and staying there, is followed after a few readings, no time passing', async () => {
    const base = new ManualClock(1_700_000_000_000);
    let shift = 0;
    const clock: Clock = {
      now: () => base.now() + shift,
      setTimeout: (cb, ms) => base.setTimeout(cb, ms),
      clearTimeout: (t) => {
        base.clearTimeout(t);
      },
    };
    const h = new Hystrix({ clock });
    await h.go('g', () => 1);
    const before = h.now();
    shift = -1_600_000_000_000; // an RTC back to the 1970s, then fixed: the clock tells 1973 from now on
    for (let i = 0; i < 5; i++) {
      base.advance(10);
      h.getCircuit('g').circuit.stats();
    }
    const after = h.now();
    expect(after).toBeGreaterThanOrEqual(before);
    expect(after - before).toBeLessThanOrEqual(50);
    base.advance(100);
    expect(h.now() - after).toBe(100);
    expect(h.getCircuit('g').circuit.stats().successes).toBe(1);
    await expectStillWorks(h);
  });
});
