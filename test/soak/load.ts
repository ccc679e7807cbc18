/**
 * Soak: N calls over M command names on one registry driven by a manual clock, with a seeded mix of
 * successes, failures, timeouts (runs that settle after their timeout, and runs that stop on their
 * signal), runs that never settle, synchronous throws and fallbacks (that succeed or fail, at once
 * or later), in batches: start a batch, let promise callbacks run, advance the clock past the
 * timeout, let them run again, yield.
 *
 * A model of the library's rules predicts every call's outcome (admission, tickets, health), so the
 * totals are exact: what the model expected, what the callers saw, and what the circuits report
 * must agree. Heap is measured after a forced GC before the first call, after a tenth of the calls
 * and after the last.
 *
 *   node --expose-gc --import tsx test/soak/load.ts --calls 1000000 --names 1000 \
 *     [--seed 1] [--batch 1000]
 *
 * Prints one JSON line (see `SoakReport`).
 */
import { parseArgs } from 'node:util';
import {
  ErrCircuitOpen,
  ErrMaxConcurrency,
  ErrTimeout,
  isCircuitError,
  FallbackError,
  Hystrix,
  ManualClock,
  type RunContext,
} from '../../src/index.js';

/** Per-outcome figures: summed over every circuit's `stats()`, or what the model expected. */
export interface OutcomeTotals {
  requests: number;
  successes: number;
  failures: number;
  timeouts: number;
  shortCircuits: number;
  rejects: number;
  fallbackSuccesses: number;
  fallbackFailures: number;
  contextCanceled: number;
  contextDeadlineExceeded: number;
}

/** What the script prints. */
export interface SoakReport {
  calls: number;
  names: number;
  seed: number;
  batch: number;
  /** What the model predicted. */
  expected: OutcomeTotals;
  /** Sum of `stats()` over every circuit. */
  reported: OutcomeTotals;
  /** `MetricResult`s a registered collector received (one per call), and their `attempts`. */
  collectorUpdates: number;
  collectorAttempts: number;
  /** Calls whose promise settled exactly once, never, or more than once (by the end of the run). */
  settledOnce: number;
  unsettled: number;
  settledTwice: number;
  /** Calls whose caller saw another value or error than predicted; the first few of them. */
  callerMismatches: number;
  firstMismatches: string[];
  /** Fallback invocations, and how many the model expected (one per failed call with one). */
  fallbackCalls: number;
  expectedFallbackCalls: number;
  /** Runs that never settle (each keeps its ticket, by design). */
  hung: number;
  /** Sum of `activeCount` over every circuit: must equal `hung`. */
  activeSum: number;
  /** Circuits whose runs all settled but whose `activeCount` is not 0: must be 0. */
  stuckCircuits: number;
  /** Circuits whose `activeCount` differs from their own hung runs: must be 0. */
  activeMismatches: number;
  circuits: number;
  expectedCircuits: number;
  /** The mix of runs as drawn (for the record). */
  kinds: Record<string, number>;
  /** Circuits the model expected to open by health, and those the library reports open. */
  expectedOpen: number;
  open: number;
  /** heapUsed after a forced GC: before the first call, after a tenth of the calls, at the end. */
  heapBefore: number;
  heapWarm: number;
  heapAfter: number;
  elapsedMs: number;
  callsPerSecond: number;
}

const { values: args } = parseArgs({
  options: {
    calls: { type: 'string', default: '1000000' },
    names: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    batch: { type: 'string', default: '1000' },
  },
});
const CALLS = positive(args.calls, 'calls');
const NAMES = positive(args.names, 'names');
const SEED = positive(args.seed, 'seed');
const BATCH = positive(args.batch, 'batch');

function positive(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new RangeError(`--${what} must be a positive integer`);
  return n;
}

const gc = globalThis.gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

// -------------------------------------------------------------------------------------------------
// Settings. Every call stays in the window: an hour in 60 buckets, while the run lasts a few
// simulated seconds (20 ms a batch). Ordinary circuits never open (the volume threshold is out of
// reach); "trip" circuits open by health; "forced" ones are forced open; "tight" ones have 3
// tickets.

const TIMEOUT = 10;
const LATE = TIMEOUT + 5; // a late run settles 5 ms after its timeout
const ADVANCE = TIMEOUT + 10; // each batch moves the clock past every timeout and every late run
const TIGHT_LIMIT = 3;
const TRIP_VOLUME = 20;
const TRIP_PERCENT = 50;
const WINDOW = 3_600_000;

// Groups of names.
const NORMAL = 0;
const TIGHT = 1;
const TRIP = 2;
const FORCED = 3;

// Kinds of run.
const SYNC_OK = 0; // returns a value
const ASYNC_OK = 1; // resolves in a microtask
const ASYNC_FAIL = 2; // rejects in a microtask
const SYNC_THROW = 3; // throws
const LATE_OK = 4; // resolves after its timeout
const LATE_FAIL = 5; // rejects after its timeout
const ABORTABLE = 6; // waits for its signal, rejects when it aborts (at the timeout)
const HANG = 7; // never settles, ignores its signal
const KIND_NAMES = [
  'syncOk',
  'asyncOk',
  'asyncFail',
  'syncThrow',
  'lateOk',
  'lateFail',
  'abortable',
  'hang',
] as const;
// Cumulative weights (per 1000) of the kinds, for ordinary and tight names.
const KIND_WEIGHTS = [200, 440, 120, 80, 60, 40, 50, 10];
// Trip names run synchronously only, so that every outcome is counted before the next admission.
const TRIP_FAIL_PER_1000 = 550;

// Fallbacks.
const FB_NONE = 0;
const FB_OK = 1; // returns a value
const FB_THROW = 2; // throws
const FB_ASYNC_OK = 3; // resolves in a microtask
const FB_ASYNC_FAIL = 4; // rejects in a microtask
const FALLBACK_WEIGHTS = [400, 250, 100, 150, 100];

// Primary events, as the model predicts them.
const E_SUCCESS = 0;
const E_FAILURE = 1;
const E_TIMEOUT = 2;
const E_SHORT = 3;
const E_REJECT = 4;

// What a caller sees, as a code: values, errors (10 + error), fallback errors (20 + error).
const SEEN_RUN_VALUE = 0;
const SEEN_FALLBACK_VALUE = 1;
const SEEN_UNDEFINED = 2; // `go` on success, of the run or of the fallback
const SEEN_UNKNOWN = 99;
const RUN_ERROR = new Error('run failed');
const SYNC_ERROR = new Error('run threw');
const LATE_ERROR = new Error('late failure');
const FALLBACK_ERROR = new Error('fallback failed');
const ERRORS: readonly unknown[] = [
  RUN_ERROR,
  SYNC_ERROR,
  ErrTimeout,
  ErrCircuitOpen,
  ErrMaxConcurrency,
];
const RUN_VALUE = 'value';
const FALLBACK_VALUE = 'fallback value';

function errorIndex(error: unknown): number {
  const i = ERRORS.indexOf(error);
  if (i >= 0) return i;
  // The library's own errors are made per call, of one of the kinds above, naming their command.
  if (!isCircuitError(error) || typeof error.command !== 'string') return SEEN_UNKNOWN;
  const kind = ERRORS.findIndex((e) => isCircuitError(e) && e.reason === error.reason);
  return kind < 0 ? SEEN_UNKNOWN : kind;
}

/** What a `do` caller saw: a value it resolved with (`ok`) or an error it rejected with. */
function seenOfDo(ok: boolean, value: unknown): number {
  if (ok) {
    if (value === RUN_VALUE) return SEEN_RUN_VALUE;
    if (value === FALLBACK_VALUE) return SEEN_FALLBACK_VALUE;
    return SEEN_UNKNOWN;
  }
  return seenOfError(value);
}

/** What a `go` caller saw: it never rejects; `undefined` on success, else the error. */
function seenOfGo(ok: boolean, value: unknown): number {
  if (!ok) return SEEN_UNKNOWN;
  return value === undefined ? SEEN_UNDEFINED : seenOfError(value);
}

function seenOfError(value: unknown): number {
  if (value instanceof FallbackError) {
    if (value.cause !== FALLBACK_ERROR) return SEEN_UNKNOWN;
    const i = errorIndex(value.runError);
    return i === SEEN_UNKNOWN ? i : 20 + i;
  }
  const i = errorIndex(value);
  return i === SEEN_UNKNOWN ? i : 10 + i;
}

// mulberry32: a small seeded generator, so that a run can be repeated exactly.
let rngState = SEED >>> 0;
function random(): number {
  rngState = (rngState + 0x6d2b79f5) >>> 0;
  let t = rngState;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}

function pick(cumulative: readonly number[]): number {
  const r = Math.floor(random() * 1000);
  let acc = 0;
  for (let i = 0; i < cumulative.length; i++) {
    acc += cumulative[i]!;
    if (r < acc) return i;
  }
  throw new Error('weights must sum to 1000');
}

// -------------------------------------------------------------------------------------------------
// The registry.

// A whole number of windows: the run starts at the beginning of a bucket.
const START = WINDOW * 472_222;
const clock = new ManualClock(START);
const h = new Hystrix({
  clock,
  defaults: {
    timeout: TIMEOUT,
    rollingWindow: WINDOW,
    rollingBuckets: 60,
    requestVolumeThreshold: Number.MAX_SAFE_INTEGER,
    maxConcurrentRequests: 1_000_000,
    sleepWindow: WINDOW,
  },
});
let collectorUpdates = 0;
let collectorAttempts = 0;
h.metricCollectors.register(() => ({
  update(result) {
    collectorUpdates++;
    collectorAttempts += result.attempts;
  },
  reset() {},
}));

const names: string[] = [];
const groups = new Uint8Array(NAMES);
for (let n = 0; n < NAMES; n++) {
  const name = `command-${n}`;
  names.push(name);
  if (n % 50 === 3) {
    groups[n] = FORCED;
    h.getCircuit(name).circuit.forceOpen(true);
  } else if (n % 10 === 1) {
    groups[n] = TIGHT;
    h.configureCommand(name, { maxConcurrentRequests: TIGHT_LIMIT });
  } else if (n % 10 === 2) {
    groups[n] = TRIP;
    h.configureCommand(name, {
      requestVolumeThreshold: TRIP_VOLUME,
      errorPercentThreshold: TRIP_PERCENT,
    });
  } else {
    groups[n] = NORMAL;
  }
}

// -------------------------------------------------------------------------------------------------
// Runs and fallbacks: shared functions, no closure per call.

let fallbackCalls = 0;
const runs: readonly ((ctx: RunContext) => unknown)[] = [
  () => RUN_VALUE,
  () => Promise.resolve(RUN_VALUE),
  () => Promise.reject(RUN_ERROR),
  () => {
    throw SYNC_ERROR;
  },
  () => clock.sleep(LATE).then(() => RUN_VALUE),
  () =>
    clock.sleep(LATE).then(() => {
      throw LATE_ERROR;
    }),
  (ctx) =>
    new Promise((_resolve, reject) => {
      const signal = ctx.signal;
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    }),
  () => new Promise(() => undefined),
];
const fallbacks: readonly (((error: unknown) => unknown) | undefined)[] = [
  undefined,
  () => {
    fallbackCalls++;
    return FALLBACK_VALUE;
  },
  () => {
    fallbackCalls++;
    throw FALLBACK_ERROR;
  },
  () => {
    fallbackCalls++;
    return Promise.resolve(FALLBACK_VALUE);
  },
  () => {
    fallbackCalls++;
    return Promise.reject(FALLBACK_ERROR);
  },
];

// -------------------------------------------------------------------------------------------------
// The model.

const expected: OutcomeTotals = {
  requests: 0,
  successes: 0,
  failures: 0,
  timeouts: 0,
  shortCircuits: 0,
  rejects: 0,
  fallbackSuccesses: 0,
  fallbackFailures: 0,
  contextCanceled: 0,
  contextDeadlineExceeded: 0,
};
const kinds = new Array<number>(KIND_NAMES.length).fill(0);
const used = new Uint8Array(NAMES);
const hungOf = new Int32Array(NAMES); // tickets held for good
const inBatch = new Int32Array(NAMES); // tickets held by this batch's runs, until they settle
const tripRequests = new Int32Array(NAMES);
const tripErrors = new Int32Array(NAMES);
const tripOpen = new Uint8Array(NAMES);
let hung = 0;
let expectedFallbackCalls = 0;

const expectedSeen = new Uint8Array(CALLS);
const settledCount = new Uint8Array(CALLS);
let callerMismatches = 0;
const firstMismatches: string[] = [];

function errorPercent(requests: number, errors: number): number {
  return Math.trunc((errors / requests) * 100 + 0.5);
}

function settle(i: number, seen: number, value: unknown): void {
  if (settledCount[i] !== 255) settledCount[i]!++;
  if (seen !== expectedSeen[i]) {
    callerMismatches++;
    if (firstMismatches.length < 5) {
      firstMismatches.push(
        `call ${i}: expected ${expectedSeen[i]!}, saw ${seen}: ${String(value)}`,
      );
    }
  }
}

/** Starts call `i`: draws it, predicts it, makes it. */
function startCall(i: number): void {
  const n = Math.floor(random() * NAMES);
  const group = groups[n]!;
  let kind: number;
  let fallback = pick(FALLBACK_WEIGHTS);
  if (group === TRIP) {
    kind = Math.floor(random() * 1000) < TRIP_FAIL_PER_1000 ? SYNC_THROW : SYNC_OK;
    // Only fallbacks that end at once: every outcome is counted before the next call is admitted.
    if (fallback === FB_ASYNC_OK) fallback = FB_OK;
    else if (fallback === FB_ASYNC_FAIL) fallback = FB_THROW;
  } else {
    kind = pick(KIND_WEIGHTS);
  }
  const goMode = random() < 0.5;
  used[n] = 1;
  kinds[kind]!++;

  // Admission, ticket, run: the library's order.
  let event: number;
  let runError = 0; // index in ERRORS when the event is a failure
  if (group === FORCED) {
    event = E_SHORT;
  } else if (group === TRIP) {
    if (tripOpen[n] === 0) {
      const requests = tripRequests[n]!;
      if (requests >= TRIP_VOLUME && errorPercent(requests, tripErrors[n]!) >= TRIP_PERCENT) {
        tripOpen[n] = 1;
      }
    }
    event = tripOpen[n] === 1 ? E_SHORT : kind === SYNC_OK ? E_SUCCESS : E_FAILURE;
    runError = 1;
    tripRequests[n]!++;
    if (event !== E_SUCCESS) tripErrors[n]!++;
  } else {
    const limit = group === TIGHT ? TIGHT_LIMIT : 1_000_000;
    if (hungOf[n]! + inBatch[n]! >= limit) {
      event = E_REJECT;
    } else {
      switch (kind) {
        case SYNC_OK:
          event = E_SUCCESS;
          break;
        case SYNC_THROW:
          event = E_FAILURE;
          runError = 1;
          break;
        case ASYNC_OK:
          event = E_SUCCESS;
          inBatch[n]!++;
          break;
        case ASYNC_FAIL:
          event = E_FAILURE;
          runError = 0;
          inBatch[n]!++;
          break;
        case HANG:
          event = E_TIMEOUT;
          hungOf[n]!++;
          hung++;
          break;
        case LATE_OK:
        case LATE_FAIL:
        case ABORTABLE:
          event = E_TIMEOUT;
          inBatch[n]!++;
          break;
        default:
          throw new Error(`unknown kind ${kind}`);
      }
    }
  }

  expected.requests++;
  let seen: number;
  if (event === E_SUCCESS) {
    expected.successes++;
    seen = goMode ? SEEN_UNDEFINED : SEEN_RUN_VALUE;
  } else {
    const error =
      event === E_FAILURE ? runError : event === E_TIMEOUT ? 2 : event === E_SHORT ? 3 : 4;
    if (event === E_FAILURE) expected.failures++;
    else if (event === E_TIMEOUT) expected.timeouts++;
    else if (event === E_SHORT) expected.shortCircuits++;
    else expected.rejects++;
    if (fallback === FB_NONE) {
      seen = 10 + error;
    } else {
      expectedFallbackCalls++;
      if (fallback === FB_OK || fallback === FB_ASYNC_OK) {
        expected.fallbackSuccesses++;
        seen = goMode ? SEEN_UNDEFINED : SEEN_FALLBACK_VALUE;
      } else {
        expected.fallbackFailures++;
        seen = 20 + error;
      }
    }
  }
  expectedSeen[i] = seen;

  const name = names[n]!;
  const run = runs[kind]!;
  const fb = fallbacks[fallback];
  if (goMode) {
    h.go(name, run, fb).then(
      (value) => settle(i, seenOfGo(true, value), value),
      (error: unknown) => settle(i, seenOfGo(false, error), error),
    );
  } else {
    h.do(name, run, fb).then(
      (value) => settle(i, seenOfDo(true, value), value),
      (error: unknown) => settle(i, seenOfDo(false, error), error),
    );
  }
}

// -------------------------------------------------------------------------------------------------
// The run.

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function heap(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

await yieldToLoop();
const heapBefore = heap();
let heapWarm = -1;
const warmAt = Math.ceil(CALLS / 10);
const started = performance.now();
for (let done = 0; done < CALLS;) {
  const k = Math.min(BATCH, CALLS - done);
  for (let j = 0; j < k; j++) startCall(done + j);
  await yieldToLoop(); // runs and fallbacks that end in a microtask do so now, before any deadline
  clock.advance(ADVANCE); // deadlines pass; late runs settle after them
  await yieldToLoop();
  inBatch.fill(0);
  done += k;
  if (heapWarm < 0 && done >= warmAt) heapWarm = heap();
}
const elapsedMs = performance.now() - started;
await yieldToLoop();

let settledOnce = 0;
let unsettled = 0;
let settledTwice = 0;
for (let i = 0; i < CALLS; i++) {
  const c = settledCount[i]!;
  if (c === 1) settledOnce++;
  else if (c === 0) unsettled++;
  else settledTwice++;
}

const reported: OutcomeTotals = {
  requests: 0,
  successes: 0,
  failures: 0,
  timeouts: 0,
  shortCircuits: 0,
  rejects: 0,
  fallbackSuccesses: 0,
  fallbackFailures: 0,
  contextCanceled: 0,
  contextDeadlineExceeded: 0,
};
let activeSum = 0;
let stuckCircuits = 0;
let activeMismatches = 0;
let open = 0;
const circuits = h.getCircuits();
const index = new Map(names.map((name, n) => [name, n]));
for (const circuit of circuits) {
  const s = circuit.stats();
  for (const key of Object.keys(reported) as (keyof OutcomeTotals)[]) reported[key] += s[key];
  activeSum += s.activeCount;
  const n = index.get(circuit.name);
  const own = n === undefined ? 0 : hungOf[n]!;
  if (own === 0 && s.activeCount !== 0) stuckCircuits++;
  if (s.activeCount !== own) activeMismatches++;
  if (!s.forcedOpen && s.state === 'open') open++;
}
let expectedCircuits = 0;
let expectedOpen = 0;
for (let n = 0; n < NAMES; n++) {
  if (used[n] === 1 || groups[n] === FORCED) expectedCircuits++;
  if (tripOpen[n] === 1) expectedOpen++;
}

const heapAfter = heap();
const report: SoakReport = {
  calls: CALLS,
  names: NAMES,
  seed: SEED,
  batch: BATCH,
  expected,
  reported,
  collectorUpdates,
  collectorAttempts,
  settledOnce,
  unsettled,
  settledTwice,
  callerMismatches,
  firstMismatches,
  fallbackCalls,
  expectedFallbackCalls,
  hung,
  activeSum,
  stuckCircuits,
  activeMismatches,
  circuits: circuits.length,
  expectedCircuits,
  kinds: Object.fromEntries(KIND_NAMES.map((name, k) => [name, kinds[k]!])),
  expectedOpen,
  open,
  heapBefore,
  heapWarm,
  heapAfter,
  elapsedMs: Math.round(elapsedMs),
  callsPerSecond: Math.round(CALLS / (elapsedMs / 1000)),
};
process.stdout.write(`${JSON.stringify(report)}\n`);
