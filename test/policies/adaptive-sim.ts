/**
 * A dependency with a capacity, under the ManualClock, and a load against it through one command: the workload
 * that shows what an adaptive concurrency limit does. The dependency serves `capacity` calls at once at its base
 * latency; beyond that, calls queue in it: a call's latency is `base * max(1, inFlight / capacity)`, `inFlight`
 * counting it, as it starts, times a seeded jitter of +-10 %. Its runs ignore their signal: a timed-out call
 * still occupies the dependency, and its ticket, until the dependency answers. Calls arrive at a fixed rate
 * (open loop), twice what the dependency can serve at its base latency.
 */
import type { AdaptiveAlgorithm, CommandConfig } from '../../src/index.js';
import { isContextCanceled, isMaxConcurrency, isTimeout } from '../../src/index.js';
import { manualHystrix } from '../helpers.js';

/** The load and the dependency. */
export interface Workload {
  /** Calls the dependency serves at once at its base latency, from `changeAt` on `capacityAfter`. */
  readonly capacity: number;
  readonly capacityAfter: number;
  /** Simulated milliseconds from which the capacity is `capacityAfter`. */
  readonly changeAt: number;
  /** Base latency, ms. */
  readonly baseMs: number;
  /** Calls arriving each millisecond. */
  readonly arrivalsPerMs: number;
  /** Simulated milliseconds in all. */
  readonly durationMs: number;
  /** The command's timeout, ms. */
  readonly timeoutMs: number;
}

/** How a run went. */
export interface SimResult {
  /** Successful calls a second, over the run. */
  readonly goodput: number;
  /** Successful calls a second, over the last quarter of the run. */
  readonly goodputEnd: number;
  /** 99th percentile of the time callers waited for an answer (successes and timeouts), ms. */
  readonly p99: number;
  readonly successes: number;
  readonly timeouts: number;
  /** Calls shed by the full pool. */
  readonly rejected: number;
  /** Calls cancelled by close() (only when closing with calls in flight). */
  readonly cancelled: number;
  /** Calls that ended otherwise (none are expected). */
  readonly other: number;
  /** Calls whose promise settled more than once or never (none are expected). */
  readonly unsettled: number;
  /** The pool's limit at the end. */
  readonly finalLimit: number;
  /** The pool's limit every 100 ms. */
  readonly limits: readonly number[];
  /** Timers still armed after close(). */
  readonly timersAfterClose: number;
}

/** A small seeded generator (mulberry32), so that every run repeats. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The limit under test: a fixed `maxConcurrentRequests`, or an adaptive algorithm up to `max`. */
export type LimitUnderTest =
  | { readonly kind: 'static'; readonly limit: number }
  | {
      readonly kind: 'adaptive';
      readonly algorithm: AdaptiveAlgorithm;
      readonly min: number;
      readonly max: number;
    };

/**
 * Runs the workload through a command with the given limit. With `closeInFlight`, the registry is closed at the
 * end while calls are still in flight and waiting, before the dependency answers them.
 */
export async function simulate(
  w: Workload,
  under: LimitUnderTest,
  closeInFlight = false,
): Promise<SimResult> {
  const { h, clock } = manualHystrix();
  const config: CommandConfig =
    under.kind === 'static'
      ? { maxConcurrentRequests: under.limit }
      : {
          adaptiveConcurrency: under.algorithm,
          minConcurrentRequests: under.min,
          maxConcurrentRequests: under.max,
        };
  // Health is not under test here: the circuit stays closed so that only the limit sheds.
  h.configureCommand('dep', { ...config, timeout: w.timeoutMs, requestVolumeThreshold: 1e9 });
  const circuit = h.getCircuit('dep').circuit;
  const rand = random(42);
  const start = clock.now();
  // The dependency's answers due, by millisecond.
  const due = new Map<number, (() => void)[]>();
  let inDependency = 0;
  let successes = 0;
  let timeouts = 0;
  let rejected = 0;
  let other = 0;
  let cancelled = 0;
  let successesEnd = 0;
  let unsettled = 0;
  const waits: number[] = [];
  const limits: number[] = [];
  const endFrom = Math.floor((w.durationMs * 3) / 4);
  const run = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const t = clock.now() - start;
      const capacity = t >= w.changeAt ? w.capacityAfter : w.capacity;
      inDependency++;
      const jitter = 0.9 + 0.2 * rand();
      const ms = Math.max(1, Math.round(w.baseMs * Math.max(1, inDependency / capacity) * jitter));
      const at = t + ms;
      let list = due.get(at);
      if (list === undefined) due.set(at, (list = []));
      list.push(() => {
        inDependency--;
        resolve();
      });
    });
  const call = (): void => {
    const began = clock.now();
    let settled = 0;
    h.do('dep', run).then(
      () => {
        settled++;
        successes++;
        if (began - start >= endFrom) successesEnd++;
        waits.push(clock.now() - began);
      },
      (error: unknown) => {
        settled++;
        if (isTimeout(error)) {
          timeouts++;
          waits.push(clock.now() - began);
        } else if (isMaxConcurrency(error)) rejected++;
        else if (isContextCanceled(error)) cancelled++;
        else other++;
      },
    );
    pending.push(() => settled);
  };
  const pending: (() => number)[] = [];
  let owed = 0;
  for (let t = 0; t < w.durationMs; t++) {
    owed += w.arrivalsPerMs;
    for (; owed >= 1; owed--) call();
    await flush();
    clock.advance(1);
    const answers = due.get(t + 1);
    if (answers !== undefined) {
      due.delete(t + 1);
      for (const answer of answers) answer();
    }
    await flush();
    if (t % 100 === 0) limits.push(circuit.pool.max);
  }
  const finalLimit = circuit.pool.max;
  const closing = closeInFlight ? h.close() : null;
  // Let the dependency answer every call still in it.
  for (let t = w.durationMs; due.size > 0; t++) {
    clock.advance(1);
    const answers = due.get(t + 1);
    if (answers !== undefined) {
      due.delete(t + 1);
      for (const answer of answers) answer();
    }
    await flush();
  }
  await (closing ?? h.close());
  await flush();
  for (const settled of pending) if (settled() !== 1) unsettled++;
  waits.sort((a, b) => a - b);
  const seconds = w.durationMs / 1000;
  return {
    goodput: successes / seconds,
    goodputEnd: successesEnd / (seconds - endFrom / 1000),
    p99: waits.length === 0 ? 0 : (waits[Math.ceil(waits.length * 0.99) - 1] ?? 0),
    successes,
    timeouts,
    rejected,
    cancelled,
    other,
    unsettled,
    finalLimit,
    limits,
    timersAfterClose: clock.pendingTimers(),
  };
}

/** Lets settled promises' callbacks run (a few microtask turns: run's promise, then the caller's). */
async function flush(): Promise<void> {
  for (let i = 0; i < 4; i++) await Promise.resolve();
}

/** The time after the change until the limit came within [0.9, 2] x the new capacity and stayed, in ms. */
export function followMs(r: SimResult, w: Workload): number {
  const lo = 0.9 * w.capacityAfter;
  const hi = 2 * w.capacityAfter;
  let since = -1;
  for (let i = 0; i < r.limits.length; i++) {
    const t = i * 100;
    if (t < w.changeAt) continue;
    const limit = r.limits[i] ?? 0;
    if (limit >= lo && limit <= hi) {
      if (since < 0) since = t;
    } else since = -1;
  }
  return since < 0 ? Number.POSITIVE_INFINITY : since - w.changeAt;
}

/** The scenarios of the result table: capacity 20 at 10 ms, calls at twice that rate, a 100 ms timeout. */
export const STEADY: Workload = {
  capacity: 20,
  capacityAfter: 20,
  changeAt: Number.POSITIVE_INFINITY,
  baseMs: 10,
  arrivalsPerMs: 4,
  durationMs: 20_000,
  timeoutMs: 100,
};
/** The capacity halves after 10 s. */
export const HALVES: Workload = { ...STEADY, capacityAfter: 10, changeAt: 10_000 };
/** The capacity doubles after 10 s (and the load with it, to stay twice the capacity). */
export const DOUBLES: Workload = {
  ...STEADY,
  capacityAfter: 40,
  changeAt: 10_000,
  arrivalsPerMs: 8,
};

/** A timeout at twice the no-load latency: what a loss-based algorithm (AIMD) needs to see drops. */
export const TIGHT: Workload = { ...STEADY, timeoutMs: 20 };

/** The limits of the table: right for the starting capacity, 4x too high, 4x too low, and each algorithm. */
export const LIMITS: readonly (readonly [string, LimitUnderTest])[] = [
  ['static 20 (right at first)', { kind: 'static', limit: 20 }],
  ['static 80 (4x too high)', { kind: 'static', limit: 80 }],
  ['static 5 (4x too low)', { kind: 'static', limit: 5 }],
  ['aimd 5..80', { kind: 'adaptive', algorithm: 'aimd', min: 5, max: 80 }],
  ['vegas 5..80', { kind: 'adaptive', algorithm: 'vegas', min: 5, max: 80 }],
  ['gradient2 5..80', { kind: 'adaptive', algorithm: 'gradient2', min: 5, max: 80 }],
];
