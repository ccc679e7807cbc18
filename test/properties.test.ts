/**
 * Property tests (fast-check) of the invariants DESIGN.md names: active executions never exceed
 * the limit; every call ends in exactly one outcome and at most one fallback; requests equal the
 * sum of primary events; the circuit opens exactly when both thresholds are reached. Time is a
 * ManualClock: nothing sleeps.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CircuitStats,
  ErrCircuitOpen,
  ErrMaxConcurrency,
  ErrTimeout,
  type EventType,
  FallbackError,
  type FallbackEventType,
  isCircuitError,
  isCircuitOpen,
  isMaxConcurrency,
  type MetricCollector,
  type MetricResult,
  type RunContext,
} from '../src/index.js';
import {
  type Deferred,
  deferred,
  failOnUnhandled,
  flushPromises,
  manualHystrix,
  never,
  observe,
  type Settlement,
} from './helpers.js';

failOnUnhandled();

const NAME = 'prop';

/**
 * The error a call saw is the one expected: the same value, or, for the library's own kinds (`ErrTimeout`, ...),
 * an error of that kind made for this command's call.
 */
function sameError(seen: unknown, expected: unknown): boolean {
  if (Object.is(seen, expected)) return true;
  return (
    isCircuitError(expected) &&
    expected.command === undefined &&
    isCircuitError(seen) &&
    seen !== expected &&
    seen.reason === expected.reason &&
    seen.message === expected.message &&
    seen.command === NAME
  );
}

/** A rejection value that is not an `Error`. */
const nonError: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.object({ maxDepth: 1, maxKeys: 3 }),
);

/** A caller abort reason: a `TimeoutError` counts as a deadline, anything else as a cancel. */
function abortReason(deadline: boolean): unknown {
  return deadline
    ? new DOMException('caller deadline', 'TimeoutError')
    : new Error('caller gave up');
}

// -------------------------------------------------------------------------------------------------
// 1. Active executions never exceed the limit.
// -------------------------------------------------------------------------------------------------

const TIMEOUT_1 = 100;

type Step1 =
  | {
      tag: 'start';
      run: 'deferred' | 'cooperative' | 'sync-ok' | 'sync-throw';
      abortable: boolean;
      fallback: 'none' | 'value' | 'hang';
    }
  | { tag: 'settle'; pick: number; ok: boolean }
  | { tag: 'advance'; ms: number }
  | { tag: 'abort'; pick: number; deadline: boolean };

const step1: fc.Arbitrary<Step1> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      tag: fc.constant('start'),
      run: fc.constantFrom('deferred', 'cooperative', 'sync-ok', 'sync-throw'),
      abortable: fc.boolean(),
      fallback: fc.constantFrom('none', 'value', 'hang'),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ tag: fc.constant('settle'), pick: fc.nat(), ok: fc.boolean() }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      tag: fc.constant('advance'),
      ms: fc.integer({ min: 0, max: 2.5 * TIMEOUT_1 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ tag: fc.constant('abort'), pick: fc.nat(), deadline: fc.boolean() }),
  },
);

/** A run in flight: `live` until its promise settles. */
interface RunEntry {
  d: Deferred<string>;
  live: boolean;
}

describe('property: active executions never exceed the limit', () => {
  it('keeps runs in flight <= the limit and pool.activeCount equal to them', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 400 }),
        fc.array(step1, { minLength: 1, maxLength: 40, size: 'max' }),
        async (max, volume, sleepWindow, steps) => {
          const { h, clock } = manualHystrix();
          h.configureCommand(NAME, {
            maxConcurrentRequests: max,
            timeout: TIMEOUT_1,
            requestVolumeThreshold: volume,
            sleepWindow,
            fallbackTimeout: TIMEOUT_1,
          });
          const { circuit } = h.getCircuit(NAME);
          const pending: RunEntry[] = [];
          const controllers: AbortController[] = [];
          const calls: Settlement[] = [];
          // What run saw when it was called: its own ticket is taken, so active = executing + 1.
          const atRunStart: { executing: number; active: number }[] = [];
          let executing = 0;

          const finish = (entry: RunEntry, ok: boolean, reason?: unknown): void => {
            if (!entry.live) return;
            entry.live = false;
            executing--;
            pending.splice(pending.indexOf(entry), 1);
            if (ok) entry.d.resolve('late value');
            else entry.d.reject(reason ?? new Error('run failed'));
          };

          const check = (where: string): void => {
            for (const seen of atRunStart) {
              expect(
                seen.executing,
                `${where}: runs executing at a run's start`,
              ).toBeLessThanOrEqual(max);
              expect(seen.active, `${where}: activeCount at a run's start`).toBe(seen.executing);
            }
            atRunStart.length = 0;
            expect(executing, `${where}: runs executing`).toBeLessThanOrEqual(max);
            expect(circuit.pool.activeCount, `${where}: pool.activeCount`).toBe(executing);
          };

          for (const [i, step] of steps.entries()) {
            const where = `step ${i} ${JSON.stringify(step)}`;
            switch (step.tag) {
              case 'start': {
                const kind = step.run;
                const run = (ctx: RunContext): string | Promise<string> => {
                  atRunStart.push({ executing: executing + 1, active: circuit.pool.activeCount });
                  if (kind === 'sync-ok') return 'value';
                  if (kind === 'sync-throw') throw new Error('sync failure');
                  const entry: RunEntry = { d: deferred<string>(), live: true };
                  executing++;
                  pending.push(entry);
                  if (kind === 'cooperative') {
                    const signal = ctx.signal;
                    if (signal.aborted) finish(entry, false, signal.reason);
                    else
                      signal.addEventListener('abort', () => finish(entry, false, signal.reason), {
                        once: true,
                      });
                  }
                  return entry.d.promise;
                };
                const fallback =
                  step.fallback === 'none'
                    ? null
                    : step.fallback === 'value'
                      ? () => 'fallback'
                      : () => never<string>();
                let signal: AbortSignal | undefined;
                if (step.abortable) {
                  const controller = new AbortController();
                  controllers.push(controller);
                  signal = controller.signal;
                }
                calls.push(observe(h.go(NAME, run, fallback, { signal })));
                break;
              }
              case 'settle': {
                const entry = pending[step.pick % Math.max(1, pending.length)];
                if (entry !== undefined) finish(entry, step.ok);
                break;
              }
              case 'advance':
                clock.advance(step.ms);
                break;
              case 'abort': {
                const controller = controllers[step.pick % Math.max(1, controllers.length)];
                controller?.abort(abortReason(step.deadline));
                break;
              }
            }
            await flushPromises();
            check(where);
          }

          // Wind down: every run settles, every timeout and fallback deadline passes.
          for (const entry of [...pending]) finish(entry, true);
          await flushPromises();
          check('after settling every run');
          clock.advance(3 * TIMEOUT_1);
          await flushPromises();
          check('at the end');
          expect(circuit.pool.activeCount).toBe(0);
          expect(circuit.stats().maxActiveRequests).toBeLessThanOrEqual(max);
          for (const [i, call] of calls.entries()) {
            expect(call.settles, `call ${i} settles`).toBe(1);
            expect(call.rejected, `call ${i}: go never rejects`).toBe(false);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

// -------------------------------------------------------------------------------------------------
// 2. Every call ends in exactly one outcome and at most one fallback.
// -------------------------------------------------------------------------------------------------

const TIMEOUT_2 = 50;

const RUN_KINDS = [
  'value', // returns a plain value
  'resolve', // resolves at once
  'early-ok', // resolves on the clock before the timeout
  'throw', // throws an Error synchronously
  'throw-value', // throws a non-Error synchronously
  'reject', // rejects with an Error
  'reject-value', // rejects with a non-Error
  'early-fail', // rejects on the clock before the timeout
  'never', // never settles
  'late-ok', // resolves after the timeout
  'late-fail', // rejects after the timeout
] as const;
type RunKind = (typeof RUN_KINDS)[number];

const FALLBACK_KINDS = [
  'none',
  'value',
  'resolve',
  'slow-ok', // resolves before fallbackTimeout
  'throw',
  'throw-value',
  'reject',
  'reject-value',
  'hang', // never settles
  'slow-late', // resolves after fallbackTimeout
] as const;
type FallbackKind = (typeof FALLBACK_KINDS)[number];

const FALLBACK_OK: ReadonlySet<FallbackKind> = new Set(['value', 'resolve', 'slow-ok']);

type Step2 =
  | {
      tag: 'call';
      mode: 'go' | 'do';
      run: RunKind;
      fallback: FallbackKind;
      early: number;
      late: number;
      value: unknown;
    }
  | { tag: 'advance'; ms: number };

const step2: fc.Arbitrary<Step2> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      tag: fc.constant('call'),
      mode: fc.constantFrom('go', 'do'),
      run: fc.constantFrom(...RUN_KINDS),
      fallback: fc.constantFrom(...FALLBACK_KINDS),
      early: fc.nat({ max: 1_000 }),
      late: fc.integer({ min: 1, max: 100 }),
      value: nonError,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ tag: fc.constant('advance'), ms: fc.integer({ min: 0, max: 120 }) }),
  },
);

interface Call2 {
  step: Extract<Step2, { tag: 'call' }>;
  runValue: string;
  fallbackValue: string;
  /** What run throws or rejects with, for the failing kinds. */
  runError: unknown;
  /** What the fallback throws or rejects with, for the failing kinds. */
  fallbackError: unknown;
  runCalls: number;
  fallbackCalls: number;
  fallbackArg: unknown;
  outcome: Settlement;
}

function pairOf(event: EventType, fallback: FallbackEventType | undefined): string {
  return `${event}/${fallback ?? '-'}`;
}

describe('property: every call ends in exactly one outcome and at most one fallback', () => {
  it('settles each call once; the fallback runs iff the primary event is not success', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          maxConcurrentRequests: fc.integer({ min: 1, max: 10 }),
          requestVolumeThreshold: fc.integer({ min: 1, max: 30 }),
          errorPercentThreshold: fc.integer({ min: 1, max: 100 }),
          sleepWindow: fc.integer({ min: 1, max: 300 }),
          fallbackTimeout: fc.integer({ min: 10, max: 80 }),
        }),
        fc.array(step2, { minLength: 1, maxLength: 40, size: 'max' }),
        async (config, steps) => {
          const { h, clock } = manualHystrix();
          const fallbackTimeout = config.fallbackTimeout;
          h.configureCommand(NAME, { ...config, timeout: TIMEOUT_2 });
          const reported: string[] = [];
          h.metricCollectors.register(() => ({
            update: (r: MetricResult) => reported.push(pairOf(r.event, r.fallbackEvent)),
            reset: () => undefined,
          }));
          const calls: Call2[] = [];

          for (const step of steps) {
            if (step.tag === 'advance') {
              // advanceAsync lets promise callbacks run between timers, so that a run settling
              // on the clock before its deadline is seen before the deadline fires (advance
              // would fire both first).
              await clock.advanceAsync(step.ms);
              await flushPromises();
              continue;
            }
            const i = calls.length;
            const call: Call2 = {
              step,
              runValue: `run-${i}`,
              fallbackValue: `fallback-${i}`,
              runError: step.run.endsWith('-value') ? step.value : new Error(`run ${i} failed`),
              fallbackError: step.fallback.endsWith('-value')
                ? step.value
                : new Error(`fallback ${i} failed`),
              runCalls: 0,
              fallbackCalls: 0,
              fallbackArg: undefined,
              outcome: { settles: 0, rejected: false, value: undefined },
            };
            calls.push(call);
            const early = 1 + (step.early % (TIMEOUT_2 - 1));
            const late = TIMEOUT_2 + step.late;
            const run = (): string | Promise<string> => {
              call.runCalls++;
              switch (step.run) {
                case 'value':
                  return call.runValue;
                case 'resolve':
                  return Promise.resolve(call.runValue);
                case 'early-ok':
                  return clock.sleep(early).then(() => call.runValue);
                case 'throw':
                case 'throw-value':
                  throw call.runError;
                case 'reject':
                case 'reject-value':
                  return Promise.reject(call.runError);
                case 'early-fail':
                  return clock.sleep(early).then(() => Promise.reject(call.runError));
                case 'never':
                  return never();
                case 'late-ok':
                  return clock.sleep(late).then(() => call.runValue);
                case 'late-fail':
                  return clock.sleep(late).then(() => Promise.reject(call.runError));
              }
            };
            const fbEarly = 1 + (step.early % (fallbackTimeout - 1));
            const fbLate = fallbackTimeout + step.late;
            const fallback = (error: unknown): string | Promise<string> => {
              call.fallbackCalls++;
              call.fallbackArg = error;
              switch (step.fallback) {
                case 'none':
                case 'value':
                  return call.fallbackValue;
                case 'resolve':
                  return Promise.resolve(call.fallbackValue);
                case 'slow-ok':
                  return clock.sleep(fbEarly).then(() => call.fallbackValue);
                case 'throw':
                case 'throw-value':
                  throw call.fallbackError;
                case 'reject':
                case 'reject-value':
                  return Promise.reject(call.fallbackError);
                case 'hang':
                  return never();
                case 'slow-late':
                  return clock.sleep(fbLate).then(() => call.fallbackValue);
              }
            };
            const fb = step.fallback === 'none' ? null : fallback;
            call.outcome = observe(step.mode === 'go' ? h.go(NAME, run, fb) : h.do(NAME, run, fb));
            await flushPromises();
          }

          // Far enough for every late run, every timeout and every fallback deadline.
          for (let round = 0; round < 2; round++) {
            await clock.advanceAsync(2 * (TIMEOUT_2 + fallbackTimeout + 200));
            await flushPromises();
          }

          const expected: string[] = [];
          for (const [i, call] of calls.entries()) {
            const what = `call ${i} ${JSON.stringify({ ...call.step, value: undefined })}`;
            const { step, outcome } = call;
            expect(outcome.settles, `${what}: settles`).toBe(1);
            if (step.mode === 'go') expect(outcome.rejected, `${what}: go rejected`).toBe(false);
            expect(call.runCalls, `${what}: run calls`).toBeLessThanOrEqual(1);
            expect(call.fallbackCalls, `${what}: fallback calls`).toBeLessThanOrEqual(1);

            // The primary event: from the run's behaviour when it ran, else from the error seen.
            let event: EventType;
            if (call.runCalls === 1) {
              if (['value', 'resolve', 'early-ok'].includes(step.run)) event = 'success';
              else if (['never', 'late-ok', 'late-fail'].includes(step.run)) event = 'timeout';
              else event = 'failure';
            } else {
              // Not admitted: the fallback's argument, or what do rejected / go resolved with.
              const seen = step.fallback !== 'none' ? call.fallbackArg : outcome.value;
              expect(isCircuitOpen(seen) || isMaxConcurrency(seen), `${what}: not run, error`).toBe(
                true,
              );
              event = isCircuitOpen(seen) ? 'short-circuit' : 'rejected';
            }
            const primaryError =
              event === 'failure'
                ? call.runError
                : event === 'timeout'
                  ? ErrTimeout
                  : event === 'short-circuit'
                    ? ErrCircuitOpen
                    : ErrMaxConcurrency;

            if (event === 'success') {
              expect(call.fallbackCalls, `${what}: fallback after success`).toBe(0);
              expect(outcome.rejected, `${what}: rejected after success`).toBe(false);
              expect(outcome.value).toBe(step.mode === 'do' ? call.runValue : undefined);
              expected.push(pairOf(event, undefined));
            } else if (step.fallback === 'none') {
              if (step.mode === 'do') {
                expect(outcome.rejected, `${what}: do rejects`).toBe(true);
                expect(sameError(outcome.value, primaryError), `${what}: do's error`).toBe(true);
              } else if (primaryError instanceof Error) {
                expect(sameError(outcome.value, primaryError), `${what}: go's error`).toBe(true);
              } else {
                expect(outcome.value, `${what}: go's error`).toBeInstanceOf(Error);
                expect(Object.is((outcome.value as Error).cause, primaryError)).toBe(true);
              }
              expected.push(pairOf(event, undefined));
            } else {
              expect(call.fallbackCalls, `${what}: fallback calls`).toBe(1);
              expect(sameError(call.fallbackArg, primaryError), `${what}: fallback's error`).toBe(
                true,
              );
              if (FALLBACK_OK.has(step.fallback)) {
                expect(outcome.rejected, `${what}: rejected after fallback success`).toBe(false);
                expect(outcome.value).toBe(step.mode === 'do' ? call.fallbackValue : undefined);
                expected.push(pairOf(event, 'fallback-success'));
              } else {
                expect(outcome.rejected, `${what}: rejected`).toBe(step.mode === 'do');
                expect(outcome.value, `${what}: FallbackError`).toBeInstanceOf(FallbackError);
                const error = outcome.value as FallbackError;
                expect(sameError(error.runError, primaryError), `${what}: runError`).toBe(true);
                const cause =
                  step.fallback === 'hang' || step.fallback === 'slow-late'
                    ? ErrTimeout
                    : call.fallbackError;
                expect(sameError(error.cause, cause), `${what}: FallbackError cause`).toBe(true);
                expected.push(pairOf(event, 'fallback-failure'));
              }
            }
          }
          // One report per call, with the event and fallback event the caller saw.
          expect([...reported].sort()).toEqual(expected.sort());
        },
      ),
      { numRuns: 150 },
    );
  });
});

// -------------------------------------------------------------------------------------------------
// 3. Requests equal the sum of primary events; collectors see the same totals.
// -------------------------------------------------------------------------------------------------

const TIMEOUT_3 = 100;

type Step3 =
  | {
      tag: 'call';
      mode: 'go' | 'do';
      run: 'value' | 'throw' | 'deferred' | 'cooperative' | 'never';
      fallback: 'none' | 'value' | 'throw' | 'reject' | 'hang';
      signal: 'none' | 'live' | 'aborted' | 'deadline-aborted';
    }
  | { tag: 'settle'; pick: number; ok: boolean }
  | { tag: 'advance'; ms: number }
  | { tag: 'abort'; pick: number; deadline: boolean };

const step3: fc.Arbitrary<Step3> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      tag: fc.constant('call'),
      mode: fc.constantFrom('go', 'do'),
      run: fc.constantFrom('value', 'throw', 'deferred', 'cooperative', 'never'),
      fallback: fc.constantFrom('none', 'value', 'throw', 'reject', 'hang'),
      signal: fc.constantFrom('none', 'live', 'aborted', 'deadline-aborted'),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ tag: fc.constant('settle'), pick: fc.nat(), ok: fc.boolean() }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      tag: fc.constant('advance'),
      ms: fc.integer({ min: 0, max: 2.5 * TIMEOUT_3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ tag: fc.constant('abort'), pick: fc.nat(), deadline: fc.boolean() }),
  },
);

const COUNTS = [
  'requests',
  'errors',
  'successes',
  'failures',
  'rejects',
  'shortCircuits',
  'timeouts',
  'fallbackSuccesses',
  'fallbackFailures',
  'contextCanceled',
  'contextDeadlineExceeded',
] as const;
type Counts = Record<(typeof COUNTS)[number], number>;

function zeroCounts(): Counts {
  return {
    requests: 0,
    errors: 0,
    successes: 0,
    failures: 0,
    rejects: 0,
    shortCircuits: 0,
    timeouts: 0,
    fallbackSuccesses: 0,
    fallbackFailures: 0,
    contextCanceled: 0,
    contextDeadlineExceeded: 0,
  };
}

function countsOf(s: CircuitStats): Counts {
  const out = zeroCounts();
  for (const key of COUNTS) out[key] = s[key];
  return out;
}

/** A collector that sums what it receives: since its last reset, and overall. */
class SummingCollector implements MetricCollector {
  updates = 0;
  resets = 0;
  sinceReset = zeroCounts();
  overall = zeroCounts();
  malformed: MetricResult[] = [];

  update(r: MetricResult): void {
    this.updates++;
    const events =
      r.successes +
      r.failures +
      r.rejects +
      r.shortCircuits +
      r.timeouts +
      r.contextCanceled +
      r.contextDeadlineExceeded;
    if (r.attempts !== 1 || events !== 1 || r.fallbackSuccesses + r.fallbackFailures > 1) {
      this.malformed.push(r);
    }
    for (const totals of [this.sinceReset, this.overall]) {
      totals.requests += r.attempts;
      totals.errors += r.errors;
      totals.successes += r.successes;
      totals.failures += r.failures;
      totals.rejects += r.rejects;
      totals.shortCircuits += r.shortCircuits;
      totals.timeouts += r.timeouts;
      totals.fallbackSuccesses += r.fallbackSuccesses;
      totals.fallbackFailures += r.fallbackFailures;
      totals.contextCanceled += r.contextCanceled;
      totals.contextDeadlineExceeded += r.contextDeadlineExceeded;
    }
  }

  reset(): void {
    this.resets++;
    this.sinceReset = zeroCounts();
  }
}

describe('property: requests equal the sum of primary events', () => {
  it('keeps stats consistent and equal to what a registered collector received', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          maxConcurrentRequests: fc.integer({ min: 1, max: 4 }),
          requestVolumeThreshold: fc.integer({ min: 1, max: 10 }),
          errorPercentThreshold: fc.integer({ min: 1, max: 100 }),
          sleepWindow: fc.oneof(fc.integer({ min: 1, max: 150 }), fc.constant(1_000_000)),
        }),
        fc.array(step3, { minLength: 1, maxLength: 40, size: 'max' }),
        async (config, steps) => {
          const { h, clock } = manualHystrix();
          // A window far longer than the test, so that nothing leaves it.
          h.configureCommand(NAME, {
            ...config,
            timeout: TIMEOUT_3,
            fallbackTimeout: TIMEOUT_3,
            rollingWindow: 600_000,
            rollingBuckets: 10,
          });
          const collector = new SummingCollector();
          let factoryCalls = 0;
          h.metricCollectors.register(() => {
            factoryCalls++;
            return collector;
          });
          const { circuit } = h.getCircuit(NAME);
          const pending: Deferred<string>[] = [];
          const controllers: AbortController[] = [];
          const calls: Settlement[] = [];
          let fallbacksRun = 0;
          let preCanceled = 0;
          let preDeadline = 0;

          const settleRun = (d: Deferred<string>, ok: boolean, reason?: unknown): void => {
            const at = pending.indexOf(d);
            if (at < 0) return;
            pending.splice(at, 1);
            if (ok) d.resolve('value');
            else d.reject(reason ?? new Error('run failed'));
          };

          const check = (where: string): void => {
            const s = circuit.stats();
            expect(s.requests, `${where}: requests = sum of primary events`).toBe(
              s.successes +
                s.failures +
                s.rejects +
                s.shortCircuits +
                s.timeouts +
                s.contextCanceled +
                s.contextDeadlineExceeded,
            );
            expect(s.errors, `${where}: errors`).toBe(
              s.failures + s.rejects + s.shortCircuits + s.timeouts,
            );
            expect(collector.malformed, `${where}: malformed results`).toEqual([]);
            const settled = calls.filter((c) => c.settles > 0).length;
            expect(collector.updates, `${where}: one update per ended call`).toBe(settled);
            expect(countsOf(s), `${where}: stats = collector totals`).toEqual(collector.sinceReset);
            const fallbacksReported =
              collector.overall.fallbackSuccesses + collector.overall.fallbackFailures;
            expect(fallbacksReported, `${where}: fallbacks reported`).toBeLessThanOrEqual(
              fallbacksRun,
            );
            if (collector.resets === 0) {
              expect(s.requests, `${where}: requests = ended calls`).toBe(settled);
            }
          };

          for (const [i, step] of steps.entries()) {
            const where = `step ${i} ${JSON.stringify(step)}`;
            switch (step.tag) {
              case 'call': {
                const kind = step.run;
                const run = (ctx: RunContext): string | Promise<string> => {
                  switch (kind) {
                    case 'value':
                      return 'value';
                    case 'throw':
                      throw new Error('sync failure');
                    case 'never':
                      return never();
                    case 'deferred':
                    case 'cooperative': {
                      const d = deferred<string>();
                      pending.push(d);
                      if (kind === 'cooperative') {
                        const signal = ctx.signal;
                        if (signal.aborted) settleRun(d, false, signal.reason);
                        else
                          signal.addEventListener(
                            'abort',
                            () => settleRun(d, false, signal.reason),
                            { once: true },
                          );
                      }
                      return d.promise;
                    }
                  }
                };
                const fbKind = step.fallback;
                const fallback = (): string | Promise<string> => {
                  fallbacksRun++;
                  switch (fbKind) {
                    case 'none':
                    case 'value':
                      return 'fallback';
                    case 'throw':
                      throw new Error('fallback failure');
                    case 'reject':
                      return Promise.reject(new Error('fallback rejection'));
                    case 'hang':
                      return never();
                  }
                };
                let signal: AbortSignal | undefined;
                if (step.signal === 'live') {
                  const controller = new AbortController();
                  controllers.push(controller);
                  signal = controller.signal;
                } else if (step.signal !== 'none') {
                  const deadline = step.signal === 'deadline-aborted';
                  if (deadline) preDeadline++;
                  else preCanceled++;
                  signal = AbortSignal.abort(abortReason(deadline));
                }
                const fb = fbKind === 'none' ? null : fallback;
                const options = { signal };
                calls.push(
                  observe(
                    step.mode === 'go'
                      ? h.go(NAME, run, fb, options)
                      : h.do(NAME, run, fb, options),
                  ),
                );
                break;
              }
              case 'settle': {
                const d = pending[step.pick % Math.max(1, pending.length)];
                if (d !== undefined) settleRun(d, step.ok);
                break;
              }
              case 'advance':
                clock.advance(step.ms);
                break;
              case 'abort': {
                const controller = controllers[step.pick % Math.max(1, controllers.length)];
                controller?.abort(abortReason(step.deadline));
                break;
              }
            }
            await flushPromises();
            check(where);
          }

          for (const d of [...pending]) settleRun(d, true);
          await flushPromises();
          clock.advance(3 * TIMEOUT_3);
          await flushPromises();
          check('at the end');
          expect(factoryCalls).toBe(1);
          for (const [i, call] of calls.entries()) {
            expect(call.settles, `call ${i} settles`).toBe(1);
          }
          expect(collector.updates).toBe(calls.length);
          expect(collector.overall.requests).toBe(calls.length);
          expect(collector.overall.fallbackSuccesses + collector.overall.fallbackFailures).toBe(
            fallbacksRun,
          );
          expect(collector.overall.contextCanceled).toBeGreaterThanOrEqual(preCanceled);
          expect(collector.overall.contextDeadlineExceeded).toBeGreaterThanOrEqual(preDeadline);
          if (collector.resets === 0) {
            const s = circuit.stats();
            expect(s.requests).toBe(calls.length);
            expect(s.fallbackSuccesses + s.fallbackFailures).toBe(fallbacksRun);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

// -------------------------------------------------------------------------------------------------
// 4. The circuit opens exactly when both thresholds are reached.
// -------------------------------------------------------------------------------------------------

describe('property: the circuit opens exactly when both thresholds are reached', () => {
  it('opens on the first admission where volume and error % are both reached', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 100 }),
        // A failure rate per run, so that some sequences are healthy and some are not.
        fc.integer({ min: 0, max: 100 }),
        fc.array(fc.record({ draw: fc.nat({ max: 99 }), mode: fc.constantFrom('go', 'do') }), {
          minLength: 1,
          maxLength: 80,
          size: 'max',
        }),
        async (volume, threshold, failureRate, draws) => {
          const sequence = draws.map(({ draw, mode }) => ({ ok: draw >= failureRate, mode }));
          const { h, logs } = manualHystrix();
          h.configureCommand(NAME, {
            requestVolumeThreshold: volume,
            errorPercentThreshold: threshold,
            sleepWindow: 2_147_483_647,
          });
          const { circuit } = h.getCircuit(NAME);
          // The reference model: requests and errors as the library counts them.
          let requests = 0;
          let errors = 0;
          let openedAt = -1;
          for (const [i, c] of sequence.entries()) {
            const where = `call ${i} (volume ${volume}, threshold ${threshold})`;
            expect(circuit.state, `${where}: state before`).toBe(openedAt >= 0 ? 'open' : 'closed');
            if (
              openedAt < 0 &&
              requests >= volume &&
              Math.trunc((errors / requests) * 100 + 0.5) >= threshold
            ) {
              openedAt = i;
            }
            const open = openedAt >= 0;
            let ran = false;
            const failure = new Error(`failure ${i}`);
            const run = (): string => {
              ran = true;
              if (c.ok) return 'ok';
              throw failure;
            };
            const outcome =
              c.mode === 'go'
                ? await h.go(NAME, run)
                : await h.do(NAME, run).then(
                    () => undefined,
                    (error: unknown) => error,
                  );
            requests++;
            if (open || !c.ok) errors++;
            expect(ran, `${where}: run called`).toBe(!open);
            if (open) expect(outcome, `${where}: outcome`).toBeCircuitError(ErrCircuitOpen, NAME);
            else expect(outcome, `${where}: outcome`).toBe(c.ok ? undefined : failure);
            expect(circuit.state, `${where}: state after`).toBe(open ? 'open' : 'closed');
            const s = circuit.stats();
            expect(s.requests, `${where}: requests`).toBe(requests);
            expect(s.errors, `${where}: errors`).toBe(errors);
            expect(s.shortCircuits, `${where}: short-circuits`).toBe(open ? i - openedAt + 1 : 0);
          }
          const opened = logs.filter((m) => m === `hystrix: opening circuit ${NAME}`).length;
          expect(opened).toBe(openedAt >= 0 ? 1 : 0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
