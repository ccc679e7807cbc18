/**
 * Time that misbehaves, on a ManualClock (nothing sleeps): jumps forward by hours (`advance`: time passes;
 * `jump`: the wall clock is corrected), time standing still, and the wall clock going backwards by small and large
 * amounts, repeatedly, around bucket boundaries. For each: rolling windows hold exactly what a model of the
 * documented time view says (nothing lost, nothing counted twice), no duration is negative, percentiles are sane,
 * no circuit stays open more than a sleep window after the clock went back, deadlines never fire early and at
 * most one timeout late, and the stream's `currentTime` never goes backwards between ticks.
 *
 * The documented time view (`Clock`, `MonotonicClock`): the registry reads its clock through a view that never
 * goes backwards; when the source goes back, time stands still, then flows on from where it stood.
 */
import { connect, type Socket } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import {
  type CircuitStats,
  type Clock,
  ErrCircuitOpen,
  ErrTimeout,
  Hystrix,
  type LatencyStats,
  type Logger,
  ManualClock,
  type MetricResult,
  type RunContext,
} from '../src/index.js';
import { startStreamServer, type StreamServer } from '../src/stream/index.js';
import { RollingNumber, RollingTiming } from '../src/rolling/index.js';
import { failOnUnhandled, flushPromises, until, untilAborted } from './helpers.js';

failOnUnhandled();

const HOUR = 3_600_000;
const START = 1_700_000_000_000;

// ---------------------------------------------------------------------------------------------
// The model and the harness
// ---------------------------------------------------------------------------------------------

/** The documented view of a clock: time that goes backwards stands still, then flows on from where it stood. */
class TimeView {
  private offset = 0;
  private last = Number.NEGATIVE_INFINITY;

  read(wall: number): number {
    const t = wall + this.offset;
    if (t < this.last) {
      this.offset += this.last - t;
      return this.last;
    }
    this.last = t;
    return t;
  }
}

/**
 * A wall clock without `monotonic()`: the library can only read `now()`, which jumps, so it reads it through its
 * standing-still view. (Given the ManualClock itself, the library follows its monotonic time and ignores jumps,
 * as it ignores wall-clock corrections in production.)
 */
function wallOnly(clock: ManualClock): Clock {
  return {
    now: () => clock.now(),
    setTimeout: (callback, ms) => clock.setTimeout(callback, ms),
    clearTimeout: (timer) => {
      clock.clearTimeout(timer);
    },
  };
}

/** A ManualClock with the real (monotonic) time it has let pass kept at hand, inside timer callbacks too. */
class Timeline {
  readonly clock = new ManualClock(START);
  /** The same clock, as a wall clock only. */
  readonly wall = wallOnly(this.clock);
  private jumped = 0;

  /** Milliseconds of real time since the start: what the clock's timers have seen. */
  real(): number {
    return this.clock.now() - START - this.jumped;
  }

  advance(ms: number): void {
    this.clock.advance(ms);
  }

  jump(ms: number): void {
    this.clock.jump(ms);
    this.jumped += ms;
  }
}

/** One execution, as a registered collector saw it, with the time at which the registry recorded it. */
interface Seen {
  t: number;
  result: MetricResult;
}

type CountKey =
  | 'requests'
  | 'errors'
  | 'successes'
  | 'failures'
  | 'rejects'
  | 'shortCircuits'
  | 'timeouts'
  | 'fallbackSuccesses'
  | 'fallbackFailures'
  | 'contextCanceled'
  | 'contextDeadlineExceeded';

const COUNT_OF: Record<CountKey, (r: MetricResult) => number> = {
  requests: (r) => r.attempts,
  errors: (r) => r.errors,
  successes: (r) => r.successes,
  failures: (r) => r.failures,
  rejects: (r) => r.rejects,
  shortCircuits: (r) => r.shortCircuits,
  timeouts: (r) => r.timeouts,
  fallbackSuccesses: (r) => r.fallbackSuccesses,
  fallbackFailures: (r) => r.fallbackFailures,
  contextCanceled: (r) => r.contextCanceled,
  contextDeadlineExceeded: (r) => r.contextDeadlineExceeded,
};

/** Whether time `t` is still in a window of `buckets` buckets of `bucketMs` at time `now`. */
function inWindow(t: number, now: number, bucketMs: number, buckets: number): boolean {
  return Math.floor(t / bucketMs) > Math.floor(now / bucketMs) - buckets;
}

const NAME = 'w';
const SETTINGS = {
  timeout: 300,
  fallbackTimeout: 300,
  requestVolumeThreshold: 4,
  errorPercentThreshold: 50,
  sleepWindow: 700,
  rollingWindow: 1000,
  rollingBuckets: 10,
  latencyWindow: 2000,
  latencyBuckets: 4,
  maxConcurrentRequests: 5,
} as const;

/**
 * A registry on a Timeline with a collector that records every execution at the time the registry recorded it
 * (the model reads the wall clock at the same instant the registry did), and a `sync()` that makes the registry
 * and the model read the clock at the same instant, so that a backward jump is seen by both from the same point.
 */
class Harness {
  readonly line = new Timeline();
  readonly view = new TimeView();
  readonly h: Hystrix;
  /** Executions since the last reset of the circuit's metrics. */
  seen: Seen[] = [];
  all: MetricResult[] = [];

  constructor() {
    const logger: Logger = { info: () => undefined, error: () => undefined };
    this.h = new Hystrix({ clock: this.line.wall, logger });
    this.h.configureCommand(NAME, SETTINGS);
    this.h.metricCollectors.register(() => ({
      update: (result) => {
        this.seen.push({ t: this.view.read(this.line.clock.now()), result });
        this.all.push(result);
      },
      reset: () => {
        this.seen = [];
      },
    }));
  }

  /** The registry and the model read the clock now; returns the model's time. */
  sync(): number {
    this.h.getCircuit(NAME).circuit.allowRequest();
    return this.view.read(this.line.clock.now());
  }

  async advance(ms: number): Promise<void> {
    this.line.advance(ms);
    await flushPromises();
    this.sync();
  }

  jump(ms: number): void {
    this.line.jump(ms);
    this.sync();
  }

  /** Checks the circuit's figures against the model, and their sanity. */
  check(): void {
    const now = this.sync();
    const s = this.h.getCircuit(NAME).circuit.stats();
    const countBucket = SETTINGS.rollingWindow / SETTINGS.rollingBuckets;
    const latencyBucket = SETTINGS.latencyWindow / SETTINGS.latencyBuckets;
    const counted = this.seen.filter((e) =>
      inWindow(e.t, now, countBucket, SETTINGS.rollingBuckets),
    );
    const expected = {} as Record<CountKey, number>;
    const actual = {} as Record<CountKey, number>;
    for (const key of Object.keys(COUNT_OF) as CountKey[]) {
      expected[key] = counted.reduce((sum, e) => sum + COUNT_OF[key](e.result), 0);
      actual[key] = s[key];
    }
    expect(actual, 'rolling counts against the model').toEqual(expected);
    const timed = this.seen.filter((e) =>
      inWindow(e.t, now, latencyBucket, SETTINGS.latencyBuckets),
    );
    expect(s.totalLatency.count, 'total latencies in the window').toBe(timed.length);
    expect(s.runLatency.count, 'run latencies in the window').toBe(
      timed.filter((e) => e.result.runDuration !== undefined).length,
    );
    expectSane(s);
  }
}

/** Figures that make sense whatever the clock did. */
function expectSane(s: CircuitStats): void {
  expect(s.requests, 'requests equal the sum of primary events').toBe(
    s.successes +
      s.failures +
      s.rejects +
      s.shortCircuits +
      s.timeouts +
      s.contextCanceled +
      s.contextDeadlineExceeded,
  );
  expect(s.errors).toBe(s.failures + s.rejects + s.shortCircuits + s.timeouts);
  expect(s.errorPercent).toBeGreaterThanOrEqual(0);
  expect(s.errorPercent).toBeLessThanOrEqual(100);
  expect(s.fallbackSuccesses + s.fallbackFailures).toBeLessThanOrEqual(s.requests);
  for (const l of [s.runLatency, s.totalLatency]) expectSaneLatency(l);
}

function expectSaneLatency(l: LatencyStats): void {
  const ps = [l.p0, l.p25, l.p50, l.p75, l.p90, l.p95, l.p99, l.p99_5, l.p100];
  for (const v of [...ps, l.mean, l.count]) {
    expect(Number.isFinite(v), `latency figure ${v}`).toBe(true);
    expect(v, 'no negative latency').toBeGreaterThanOrEqual(0);
  }
  for (let i = 1; i < ps.length; i++) expect(ps[i]!).toBeGreaterThanOrEqual(ps[i - 1]!);
  if (l.count > 0) {
    expect(l.mean).toBeGreaterThanOrEqual(l.p0 - 1e-9);
    expect(l.mean).toBeLessThanOrEqual(l.p100 + 1e-9);
  } else {
    expect(ps.every((p) => p === 0) && l.mean === 0).toBe(true);
  }
}

type RunKind = 'ok' | 'fail' | 'slow-ok' | 'slow-fail' | 'hang';
interface CallStep {
  kind: 'call';
  run: RunKind;
  ms: number;
  fallback: boolean;
  abortAfter: number | null;
}
interface AdvanceStep {
  kind: 'advance';
  ms: number;
}
interface JumpStep {
  kind: 'jump';
  ms: number;
}
/** Advance to `k` ms past the next boundary of a bucket of `bucketMs` (k from -1 to 1). */
interface BoundaryStep {
  kind: 'boundary';
  bucketMs: number;
  k: number;
}
type Step = CallStep | AdvanceStep | JumpStep | BoundaryStep;

const callStep: fc.Arbitrary<Step> = fc.record({
  kind: fc.constant('call' as const),
  run: fc.constantFrom<RunKind>('ok', 'fail', 'slow-ok', 'slow-fail', 'hang'),
  ms: fc.integer({ min: 0, max: 500 }),
  fallback: fc.boolean(),
  abortAfter: fc.option(fc.integer({ min: 0, max: 500 }), { nil: null }),
});
const smallAdvance: fc.Arbitrary<Step> = fc.record({
  kind: fc.constant('advance' as const),
  ms: fc.integer({ min: 0, max: 400 }),
});
const hoursAdvance: fc.Arbitrary<Step> = fc.record({
  kind: fc.constant('advance' as const),
  ms: fc.constantFrom(HOUR, 5 * HOUR, 24 * HOUR),
});
const forwardJump: fc.Arbitrary<Step> = fc.record({
  kind: fc.constant('jump' as const),
  ms: fc.oneof(fc.integer({ min: 1, max: 3000 }), fc.constantFrom(HOUR, 5 * HOUR, 24 * HOUR)),
});
const backwardJump: fc.Arbitrary<Step> = fc.record({
  kind: fc.constant('jump' as const),
  ms: fc.oneof(
    fc.integer({ min: -2500, max: -1 }),
    fc.constantFrom(-1, -100, -500, -HOUR, -5 * HOUR),
  ),
});
const boundary: fc.Arbitrary<Step> = fc.record({
  kind: fc.constant('boundary' as const),
  bucketMs: fc.constantFrom(
    SETTINGS.rollingWindow / SETTINGS.rollingBuckets,
    SETTINGS.latencyWindow / SETTINGS.latencyBuckets,
  ),
  k: fc.integer({ min: -1, max: 1 }),
});

/** Plays `steps` on a harness, checking the windows after every step; returns what the collector saw. */
async function playWindows(steps: readonly Step[]): Promise<Harness> {
  const harness = new Harness();
  const { h, line } = harness;
  const clock = line.clock;
  harness.sync();
  for (const step of steps) {
    switch (step.kind) {
      case 'advance':
        await harness.advance(step.ms);
        break;
      case 'jump':
        harness.jump(step.ms);
        break;
      case 'boundary': {
        const t = harness.sync();
        const toNext = step.bucketMs - (t % step.bucketMs);
        await harness.advance(Math.max(0, toNext + step.k));
        break;
      }
      case 'call': {
        const run = runOf(step, clock);
        let signal: AbortSignal | undefined;
        if (step.abortAfter !== null) {
          const controller = new AbortController();
          clock.setTimeout(() => controller.abort(new Error('caller gave up')), step.abortAfter);
          signal = controller.signal;
        }
        void h.go(NAME, run, step.fallback ? () => 'fb' : null, signal ? { signal } : {});
        await flushPromises();
        break;
      }
    }
    harness.check();
  }
  // Let everything in flight end, then check once more.
  for (let i = 0; i < 4; i++) await harness.advance(500);
  harness.check();
  return harness;
}

function runOf(step: CallStep, clock: ManualClock): (ctx: RunContext) => unknown {
  switch (step.run) {
    case 'ok':
      return () => 1;
    case 'fail':
      return () => {
        throw new Error('fail');
      };
    case 'slow-ok':
      return () => clock.sleep(step.ms).then(() => 1);
    case 'slow-fail':
      return () =>
        clock.sleep(step.ms).then(() => {
          throw new Error('slow fail');
        });
    case 'hang':
      return untilAborted;
  }
}

/** Every duration a collector was given is a number >= 0. */
function expectNoNegativeDuration(harness: Harness): void {
  for (const r of harness.all) {
    expect(r.totalDuration).toBeGreaterThanOrEqual(0);
    if (r.runDuration !== undefined) expect(r.runDuration).toBeGreaterThanOrEqual(0);
  }
}

// ---------------------------------------------------------------------------------------------
// Deadlines: a hung call on each of two timeouts, under any moves of the clock
// ---------------------------------------------------------------------------------------------

interface DeadlineCall {
  timeout: number;
  start: number;
  ended: number | undefined;
  error: unknown;
  /** How far the clock had gone back, in total, when the call ended. */
  backAtEnd: number;
}

type DeadlineStep =
  | { kind: 'call'; timeout: 300 | 1000 }
  | { kind: 'advance'; ms: number }
  | { kind: 'jump'; ms: number };

const deadlineCall: fc.Arbitrary<DeadlineStep> = fc.record({
  kind: fc.constant('call' as const),
  timeout: fc.constantFrom(300 as const, 1000 as const),
});
const deadlineAdvance: fc.Arbitrary<DeadlineStep> = fc.record({
  kind: fc.constant('advance' as const),
  ms: fc.integer({ min: 0, max: 400 }),
});

/**
 * Plays `steps` on a registry whose only calls hang until their deadline; `busy` makes the registry read the
 * clock after every step (as a busy service does), else only the calls and the deadline timers read it.
 */
async function playDeadlines(
  steps: readonly DeadlineStep[],
  busy: boolean,
  source: 'wall' | 'monotonic' = 'wall',
): Promise<DeadlineCall[]> {
  const line = new Timeline();
  const h = new Hystrix({ clock: source === 'wall' ? line.wall : line.clock });
  let wentBack = 0;
  for (const timeout of [300, 1000]) {
    h.configureCommand(`d${timeout}`, {
      timeout,
      requestVolumeThreshold: Number.MAX_SAFE_INTEGER,
      maxConcurrentRequests: Number.MAX_SAFE_INTEGER,
    });
  }
  const calls: DeadlineCall[] = [];
  const read = (): void => {
    if (busy) h.getCircuit('d300').circuit.allowRequest();
  };
  for (const step of steps) {
    if (step.kind === 'call') {
      const call: DeadlineCall = {
        timeout: step.timeout,
        start: line.real(),
        ended: undefined,
        error: undefined,
        backAtEnd: wentBack,
      };
      calls.push(call);
      void h.go(`d${step.timeout}`, untilAborted, (error) => {
        call.ended = line.real();
        call.error = error;
        call.backAtEnd = wentBack;
        return 'fb';
      });
    } else if (step.kind === 'advance') {
      line.advance(step.ms);
      await flushPromises();
    } else {
      line.jump(step.ms);
      if (step.ms < 0) wentBack -= step.ms;
    }
    read();
  }
  for (let i = 0; i < 60 && calls.some((c) => c.ended === undefined); i++) {
    line.advance(50);
    await flushPromises();
    read();
  }
  return calls;
}

/**
 * Every call timed out, never early and at most one timeout late. `standingStill`: a wall-only clock, whose view
 * stands still while it goes back. A correction of J ms makes the view lose the real time that passed unseen
 * before it, at most J: a call may then time out early by at most the clock's backward corrections so far.
 */
function expectDeadlinesKept(calls: readonly DeadlineCall[], standingStill = false): void {
  for (const call of calls) {
    expect(call.ended, 'the call never timed out').toBeDefined();
    expect(call.error).toBeCircuitError(ErrTimeout);
    const elapsed = call.ended! - call.start;
    const early = standingStill ? call.backAtEnd : 0;
    expect(elapsed, `timed out early (timeout ${call.timeout})`).toBeGreaterThanOrEqual(
      call.timeout - early,
    );
    expect(elapsed, `more than one timeout late (timeout ${call.timeout})`).toBeLessThanOrEqual(
      2 * call.timeout,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// The circuit after the clock went back while it was open
// ---------------------------------------------------------------------------------------------

type OpenStep = { kind: 'jump'; ms: number } | { kind: 'advance'; ms: number } | { kind: 'call' };

/**
 * Trips a circuit (sleep window 1000 ms), plays `steps` (calls fail, so a probe reopens it), and checks at every
 * call that a circuit open for more than a sleep window of real time, and not gone back in the last sleep window
 * of real time, admits a probe. `busy`: a call right after every jump.
 */
async function playOpen(
  steps: readonly OpenStep[],
  busy: boolean,
  source: 'wall' | 'monotonic' = 'wall',
): Promise<void> {
  const line = new Timeline();
  let openedAt = 0;
  const logger: Logger = {
    info: (m) => {
      if (m.startsWith('hystrix: opening circuit')) openedAt = line.real();
    },
    error: () => undefined,
  };
  const h = new Hystrix({ clock: source === 'wall' ? line.wall : line.clock, logger });
  const sleepWindow = 1000;
  h.configureCommand('o', { requestVolumeThreshold: 2, sleepWindow, timeout: 60_000 });
  const fail = (): never => {
    throw new Error('down');
  };
  await h.go('o', fail);
  await h.go('o', fail);
  expect(await h.go('o', fail)).toBeCircuitError(ErrCircuitOpen);
  let wentBack = Number.NEGATIVE_INFINITY;
  const { circuit } = h.getCircuit('o');
  const probe = async (): Promise<void> => {
    const real = line.real();
    if (
      circuit.state === 'open' &&
      real - openedAt > sleepWindow &&
      real - wentBack > sleepWindow
    ) {
      expect(
        circuit.allowRequest(),
        `open since ${real - openedAt} ms, gone back ${real - wentBack} ms ago`,
      ).toBe(true);
    }
    await h.go('o', fail);
  };
  for (const step of steps) {
    if (step.kind === 'jump') {
      line.jump(step.ms);
      if (step.ms < 0 && circuit.state === 'open') wentBack = line.real();
      if (busy) await probe();
    } else if (step.kind === 'advance') {
      line.advance(step.ms);
    } else {
      await probe();
    }
  }
  // Whatever happened, one sleep window after the last time the clock went back, a probe goes through.
  line.advance(sleepWindow + 1);
  if (circuit.state === 'open' && line.real() - openedAt > sleepWindow) {
    expect(circuit.allowRequest(), 'a probe one sleep window after the last jump').toBe(true);
  }
  let ran = false;
  line.advance(sleepWindow + 1);
  await h.go('o', () => {
    ran = true;
  });
  expect(ran).toBe(true);
  expect(circuit.state).toBe('closed');
}

const openJumpBack: fc.Arbitrary<OpenStep> = fc.record({
  kind: fc.constant('jump' as const),
  ms: fc.oneof(fc.integer({ min: -3000, max: -1 }), fc.constantFrom(-HOUR, -5 * HOUR)),
});
const openAdvance: fc.Arbitrary<OpenStep> = fc.record({
  kind: fc.constant('advance' as const),
  ms: fc.integer({ min: 0, max: 1500 }),
});
const openCall: fc.Arbitrary<OpenStep> = fc.record({ kind: fc.constant('call' as const) });

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

describe('jumps forward by hours', () => {
  test('advance and jump by hours: windows hold exactly what the model says, durations >= 0', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(callStep, callStep, smallAdvance, hoursAdvance, forwardJump), {
          minLength: 1,
          maxLength: 40,
        }),
        async (steps) => {
          const harness = await playWindows(steps);
          expectNoNegativeDuration(harness);
        },
      ),
      { numRuns: 120 },
    );
  });

  test('after hours pass, the old window is empty and the circuit judges only new calls', async () => {
    for (const move of ['advance', 'jump'] as const) {
      const harness = new Harness();
      const { h, line } = harness;
      for (let i = 0; i < 3; i++) await h.go(NAME, () => Promise.reject(new Error('x')));
      await h.go(NAME, () => 1);
      harness.check();
      if (move === 'advance') await harness.advance(5 * HOUR);
      else harness.jump(5 * HOUR);
      harness.check();
      const s = h.getCircuit(NAME).circuit.stats();
      expect([s.requests, s.totalLatency.count]).toEqual([0, 0]);
      // Three new failures of four do not open it: the volume counts only the new window.
      for (let i = 0; i < 3; i++) await h.go(NAME, () => Promise.reject(new Error('x')));
      expect(h.getCircuit(NAME).circuit.state).toBe('closed');
      line.advance(1);
      harness.check();
    }
  });

  test('advance by hours: deadlines fire on time, never early, at most one timeout late', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            deadlineCall,
            deadlineAdvance,
            fc.record({
              kind: fc.constant('advance' as const),
              ms: fc.constantFrom(HOUR, 5 * HOUR),
            }),
          ),
          { minLength: 1, maxLength: 30 },
        ),
        fc.boolean(),
        async (steps, busy) => {
          expectDeadlinesKept(await playDeadlines(steps, busy));
        },
      ),
      { numRuns: 100 },
    );
  });

  test('a clock with monotonic() (ManualClock, the system clock): a forward wall jump never fires a deadline early', async () => {
    // A jump moves the wall time only: no real time passed, so no call in flight has used up its timeout. The
    // library follows the clock's monotonic time, as it does in production with the system clock.
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            deadlineCall,
            deadlineAdvance,
            fc.record({
              kind: fc.constant('jump' as const),
              ms: fc.oneof(fc.integer({ min: 1, max: 2000 }), fc.constantFrom(HOUR, 5 * HOUR)),
            }),
          ),
          { minLength: 1, maxLength: 30 },
        ),
        fc.boolean(),
        async (steps, busy) => {
          expectDeadlinesKept(await playDeadlines(steps, busy, 'monotonic'));
        },
      ),
      {
        numRuns: 100,
        examples: [
          [
            [
              { kind: 'call', timeout: 1000 },
              { kind: 'advance', ms: 1 },
              { kind: 'call', timeout: 1000 },
              { kind: 'jump', ms: HOUR },
            ],
            false,
          ],
        ],
      },
    );
  });

  test('a forward jump of an hour while open: the sleep window is over, one probe closes it', async () => {
    const line = new Timeline();
    const h = new Hystrix({ clock: line.wall });
    h.configureCommand('o', { requestVolumeThreshold: 2, sleepWindow: 5000 });
    await h.go('o', () => Promise.reject(new Error('x')));
    await h.go('o', () => Promise.reject(new Error('x')));
    expect(await h.go('o', () => 1)).toBeCircuitError(ErrCircuitOpen);
    line.jump(HOUR);
    expect(h.getCircuit('o').circuit.allowRequest()).toBe(true);
    expect(await h.go('o', () => 'probe')).toBeUndefined();
    expect(h.getCircuit('o').circuit.state).toBe('closed');
  });
});

describe('time standing still', () => {
  test('thousands of calls at one instant: durations 0, counts exact, percentiles all 0', async () => {
    const harness = new Harness();
    const { h } = harness;
    h.configureCommand(NAME, {
      ...SETTINGS,
      requestVolumeThreshold: 1_000_000,
      maxConcurrentRequests: 10_000,
    });
    const outcomes = await Promise.all(
      Array.from({ length: 3000 }, (_, i) =>
        h.go(
          NAME,
          i % 3 === 0
            ? () => 1
            : i % 3 === 1
              ? async () => 2
              : () => Promise.reject(new Error('x')),
        ),
      ),
    );
    expect(outcomes.filter((o) => o === undefined)).toHaveLength(2000);
    harness.check();
    const s = h.getCircuit(NAME).circuit.stats();
    expect([s.requests, s.successes, s.failures, s.errorPercent]).toEqual([3000, 2000, 1000, 33]);
    for (const l of [s.runLatency, s.totalLatency]) {
      expect(l.count).toBe(3000);
      expect([l.mean, l.p0, l.p50, l.p99_5, l.p100]).toEqual([0, 0, 0, 0, 0]);
    }
    expect(harness.all.every((r) => r.totalDuration === 0 && r.runDuration === 0)).toBe(true);
  });

  test('no requests at all: the error percentage is 0, latencies are 0, nothing divides by zero', () => {
    const harness = new Harness();
    const s = harness.h.getCircuit(NAME).circuit.stats();
    expect([s.requests, s.errorPercent, s.totalLatency.mean, s.runLatency.p50]).toEqual([
      0, 0, 0, 0,
    ]);
    expectSane(s);
    const timing = new RollingTiming({ clock: harness.line.wall });
    expect([timing.mean(), timing.percentile(0), timing.percentile(100), timing.count()]).toEqual([
      0, 0, 0, 0,
    ]);
    expect(new RollingNumber({ clock: harness.line.wall }).avg()).toBe(0);
  });

  test('a circuit tripped at one instant stays open while time stands still, and calls hang on', async () => {
    const harness = new Harness();
    const { h, line } = harness;
    for (let i = 0; i < 4; i++) await h.go(NAME, () => Promise.reject(new Error('x')));
    expect(await h.go(NAME, () => 1)).toBeCircuitError(ErrCircuitOpen);
    for (let i = 0; i < 100; i++)
      expect(await h.go(NAME, () => 1)).toBeCircuitError(ErrCircuitOpen);
    harness.check();
    expect(h.getCircuit(NAME).circuit.allowRequest()).toBe(false);
    // A hung call on another command: no time passes, so its deadline never fires early.
    const other = new Hystrix({ clock: line.wall });
    let ended = false;
    void other.go('still', untilAborted).then(() => (ended = true));
    for (let i = 0; i < 100; i++) await flushPromises();
    expect(ended).toBe(false);
    line.advance(999);
    await flushPromises();
    expect(ended).toBe(false);
    line.advance(1);
    await flushPromises();
    expect(ended).toBe(true);
  });

  test('the same duration many times: every percentile and the mean are that duration', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.integer({ min: 1, max: 500 }),
        (ms, n) => {
          const timing = new RollingTiming({ clock: wallOnly(new ManualClock(START)) });
          for (let i = 0; i < n; i++) timing.add(ms);
          const ps = timing.percentiles([0, 1, 25, 50, 75, 99, 99.5, 100]);
          expect(timing.count()).toBe(n);
          expect(timing.mean()).toBeCloseTo(ms, 6);
          for (const p of ps) expect(p).toBeCloseTo(ms, 6);
        },
      ),
    );
  });
});

describe('the wall clock going backwards, repeatedly, around bucket boundaries', () => {
  test('windows hold exactly what the model says, durations >= 0, figures sane', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(callStep, callStep, smallAdvance, backwardJump, boundary, boundary), {
          minLength: 1,
          maxLength: 50,
        }),
        async (steps) => {
          const harness = await playWindows(steps);
          expectNoNegativeDuration(harness);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('calls on both sides of a boundary, then back across it: each counted once', async () => {
    const harness = new Harness();
    const { h } = harness;
    const bucket = SETTINGS.rollingWindow / SETTINGS.rollingBuckets;
    const t = harness.sync();
    await harness.advance(bucket - (t % bucket) - 1); // 1 ms before a boundary
    for (let round = 0; round < 20; round++) {
      await h.go(NAME, () => 1);
      await harness.advance(2); // across the boundary
      await h.go(NAME, () => 1);
      harness.jump(-3); // back across it
      await h.go(NAME, () => 1);
      harness.check();
    }
    expect(harness.all).toHaveLength(60);
    harness.check();
  });

  test('RollingNumber and RollingTiming alone: sums and counts match the model under any jumps', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('add' as const), n: fc.integer({ min: 1, max: 5 }) }),
            fc.record({
              op: fc.constant('advance' as const),
              ms: fc.integer({ min: 0, max: 700 }),
            }),
            fc.record({
              op: fc.constant('jump' as const),
              ms: fc.oneof(fc.integer({ min: -700, max: 700 }), fc.constantFrom(-HOUR, HOUR)),
            }),
          ),
          { minLength: 1, maxLength: 80 },
        ),
        (ops) => {
          const clock = new ManualClock(START + 37);
          const view = new TimeView();
          const number = new RollingNumber({ clock: wallOnly(clock), window: 1000, buckets: 10 });
          const timing = new RollingTiming({ clock: wallOnly(clock), window: 1000, buckets: 4 });
          // A window reads its clock once when it is made (a clock that cannot tell the time is refused there).
          view.read(clock.now());
          const added: { t: number; n: number }[] = [];
          // The two windows read the clock on every call: so does the model.
          const read = (): number => view.read(clock.now());
          for (const op of ops) {
            if (op.op === 'add') {
              number.increment(op.n);
              timing.add(op.n);
              added.push({ t: read(), n: op.n });
            } else if (op.op === 'advance') {
              clock.advance(op.ms);
            } else {
              clock.jump(op.ms);
            }
            const sum = number.sum();
            const count = timing.count();
            const now = read();
            const expectedSum = added
              .filter((a) => inWindow(a.t, now, 100, 10))
              .reduce((s, a) => s + a.n, 0);
            const expectedCount = added.filter((a) => inWindow(a.t, now, 250, 4)).length;
            expect([sum, count]).toEqual([expectedSum, expectedCount]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('a busy service: after the clock goes back, deadlines never fire early, at most one timeout late', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            deadlineCall,
            deadlineAdvance,
            fc.record({
              kind: fc.constant('jump' as const),
              ms: fc.oneof(fc.integer({ min: -1500, max: -1 }), fc.constantFrom(-HOUR)),
            }),
          ),
          { minLength: 1, maxLength: 30 },
        ),
        async (steps) => {
          expectDeadlinesKept(await playDeadlines(steps, true));
        },
      ),
      { numRuns: 100 },
    );
  });

  test('a single backward jump, nothing else reading the clock: at most one timeout late', async () => {
    for (const back of [-1, -250, -299, -1000, -HOUR]) {
      for (const at of [0, 1, 150, 299]) {
        const calls = await playDeadlines(
          [
            { kind: 'call', timeout: 300 },
            { kind: 'advance', ms: at },
            { kind: 'jump', ms: back },
          ],
          false,
        );
        expectDeadlinesKept(calls);
      }
    }
  });

  test('a quiet service whose wall clock is set back again and again: deadlines kept (monotonic), bounded (wall)', async () => {
    // Only the calls and the deadline timer read the clock. With monotonic() the corrections change nothing. A
    // wall-only clock's view stands still while it goes back: a call may time out early by the time that stood
    // still, never later than one timeout, and never not at all.
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            deadlineCall,
            deadlineAdvance,
            fc.record({
              kind: fc.constant('jump' as const),
              ms: fc.integer({ min: -400, max: -1 }),
            }),
          ),
          { minLength: 1, maxLength: 40 },
        ),
        async (steps) => {
          expectDeadlinesKept(await playDeadlines(steps, false, 'monotonic'));
          expectDeadlinesKept(await playDeadlines(steps, false, 'wall'), true);
        },
      ),
      {
        numRuns: 150,
        examples: [
          [
            [
              { kind: 'call', timeout: 300 },
              { kind: 'advance', ms: 150 },
              { kind: 'jump', ms: -150 },
              { kind: 'advance', ms: 150 },
              { kind: 'jump', ms: -150 },
              { kind: 'advance', ms: 150 },
              { kind: 'jump', ms: -150 },
            ],
          ],
        ],
      },
    );
  });

  test('a busy service: a circuit open when the clock went back admits a probe a sleep window later', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(openJumpBack, openAdvance, openCall), { minLength: 1, maxLength: 30 }),
        async (steps) => {
          await playOpen(steps, true);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('a quiet service, a clock with monotonic(): a circuit open when the wall clock went back admits a probe a sleep window later', async () => {
    // Only calls read the clock. A wall-only clock would lose the real time between the last reading and the
    // correction; a clock with monotonic() (the system clock, ManualClock) loses nothing.
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(openJumpBack, openAdvance, openCall), { minLength: 1, maxLength: 30 }),
        async (steps) => {
          await playOpen(steps, false, 'monotonic');
        },
      ),
      { numRuns: 150, examples: [[[{ kind: 'jump', ms: -HOUR }]]] },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The stream's currentTime, over a real socket
// ---------------------------------------------------------------------------------------------

const servers: StreamServer[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) await server.close();
});

/** Opens the stream on a raw socket and keeps the `data:` payloads it receives. */
async function openRaw(port: number, path: string): Promise<{ payloads: string[] }> {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  const payloads: string[] = [];
  let pending = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) if (line.startsWith('data:')) payloads.push(line.slice(5));
  });
  socket.on('error', () => undefined);
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  await until(() => payloads.length > 0);
  return { payloads };
}

describe("the stream's currentTime", () => {
  test('never goes backwards between ticks, whatever the wall clock does', async () => {
    const line = new Timeline();
    const h = new Hystrix({ clock: line.wall });
    await h.go('streamed', () => 1);
    const server = await startStreamServer({ hystrix: h });
    servers.push(server);
    const extended = await openRaw(server.port, '/hystrix.stream?extended=true');
    const plain = await openRaw(server.port, '/hystrix.stream');
    const moves = [0, -1, -999, 5, -HOUR, 2 * HOUR, -3 * HOUR, -1, 0, 1];
    for (const [i, move] of moves.entries()) {
      if (move !== 0) line.jump(move);
      line.advance(1000);
      await until(
        () => extended.payloads.length >= 4 * (i + 2) && plain.payloads.length >= 2 * (i + 2),
      );
    }
    const times = (payloads: string[], type: string): number[] =>
      payloads
        .map((p) => JSON.parse(p) as { type: string; currentTime?: number })
        .filter((m) => m.type === type)
        .map((m) => m.currentTime!);
    for (const series of [
      times(extended.payloads, 'HystrixTsFrame'),
      times(plain.payloads, 'HystrixCommand'),
    ]) {
      expect(series.length).toBeGreaterThanOrEqual(moves.length + 1);
      for (let i = 1; i < series.length; i++) {
        expect(series[i]!, `tick ${i}: ${series[i - 1]} then ${series[i]}`).toBeGreaterThanOrEqual(
          series[i - 1]!,
        );
      }
    }
  });
});
