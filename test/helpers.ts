import { afterEach, beforeEach, expect } from 'vitest';
import {
  Hystrix,
  type HystrixOptions,
  type Logger,
  ManualClock,
  type RunFunction,
} from '../src/index.js';

/** A logger that keeps what it is told: every line in order, and the info and error lines apart. */
export interface RecordingLogger extends Logger {
  readonly lines: string[];
  readonly infos: string[];
  readonly errors: string[];
}

/** Makes a {@link RecordingLogger}. */
export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  const infos: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    infos,
    errors,
    info: (m) => {
      lines.push(m);
      infos.push(m);
    },
    error: (m) => {
      lines.push(m);
      errors.push(m);
    },
  };
}

/** A registry on a manual clock, with a logger that keeps what it is told. */
export function manualHystrix(options: Omit<HystrixOptions, 'clock'> & { start?: number } = {}): {
  h: Hystrix;
  clock: ManualClock;
  logs: string[];
} {
  const clock = new ManualClock(options.start ?? 1_700_000_000_000);
  const logger = recordingLogger();
  const { logger: given, defaults, random } = options;
  const h = new Hystrix({
    logger: given ?? logger,
    clock,
    ...(defaults ? { defaults } : {}),
    ...(random ? { random } : {}),
  });
  return { h, clock, logs: logger.lines };
}

/** A promise with its resolve and reject at hand. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** Makes a {@link Deferred}. */
export function deferred<T = unknown>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A promise that never settles and is aborted by nothing: a run that hangs. */
export function never<T = never>(): Promise<T> {
  return new Promise<T>(() => undefined);
}

/** A run that waits until its signal aborts, then rejects with the abort reason (a well-behaved run). */
export function untilAborted(ctx: { signal: AbortSignal }): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (ctx.signal.aborted) reject(ctx.signal.reason);
    else ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
  });
}

/** Lets pending promise callbacks and immediates run. */
export async function flushPromises(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Resolves once `done()` holds: what a server learns over a socket arrives asynchronously. `limitMs` of real
 * time is a hang detector, not a clock for the logic.
 */
export async function until(done: () => boolean, limitMs = 5000): Promise<void> {
  const start = Date.now();
  while (!done()) {
    if (Date.now() - start > limitMs) throw new Error('condition not reached in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Runs `fn`, which must throw synchronously, and returns what it threw. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error: unknown) {
    return error;
  }
  throw new Error('expected a synchronous throw, but the call returned');
}

/** How often a promise settled, and with what. */
export interface Settlement {
  settles: number;
  rejected: boolean;
  value: unknown;
}

/** Watches `promise`, recording each time it settles. */
export function observe(promise: Promise<unknown>): Settlement {
  const s: Settlement = { settles: 0, rejected: false, value: undefined };
  promise.then(
    (value) => {
      s.settles++;
      s.value = value;
    },
    (error: unknown) => {
      s.settles++;
      s.rejected = true;
      s.value = error;
    },
  );
  return s;
}

/** What one call did: a synchronous throw, or how often (and with what) its promise settled. */
export interface CallRecord extends Settlement {
  threw: boolean;
  thrown: unknown;
}

/** Starts a call through `start`, recording everything it does; never throws. */
export function record(start: () => Promise<unknown>): CallRecord {
  let promise: Promise<unknown>;
  try {
    promise = start();
  } catch (error: unknown) {
    return { threw: true, thrown: error, settles: 0, rejected: false, value: undefined };
  }
  return Object.assign(observe(promise), { threw: false, thrown: undefined });
}

/** Lets calls on a manual clock run to their end: promise callbacks, then time, a bounded number of times. */
export async function settle(
  clock: ManualClock,
  records: readonly CallRecord[],
  ms = 1000,
): Promise<void> {
  for (let i = 0; i < 20 && records.some((r) => !r.threw && r.settles === 0); i++) {
    await flushPromises();
    clock.advance(ms);
  }
  await flushPromises();
}

/**
 * hystrix-go's event names (mixed `-` and `_`, as it spells them), then this library's own two: what the exports
 * count by.
 */
export const EVENTS: readonly string[] = [
  'success',
  'failure',
  'rejected',
  'short-circuit',
  'timeout',
  'context_canceled',
  'context_deadline_exceeded',
  'bad-request',
  'rate-limited',
  'fallback-success',
  'fallback-failure',
];

/** Every event of {@link EVENTS} at 0. */
export function noEvents(): Record<string, number> {
  return Object.fromEntries(EVENTS.map((e) => [e, 0]));
}

/** A run that takes `ms` on `clock`, then succeeds with 'ok' or fails with 'boom'. */
export function after(
  clock: ManualClock,
  ms: number,
  outcome: 'ok' | 'fail' = 'ok',
): RunFunction<string> {
  return () =>
    clock.sleep(ms).then(() => {
      if (outcome === 'fail') throw new Error('boom');
      return 'ok';
    });
}

/** Runs one call whose run takes `ms`, moving the clock by as much. */
export async function timed(
  h: Hystrix,
  clock: ManualClock,
  name: string,
  ms: number,
  outcome: 'ok' | 'fail' = 'ok',
  fallback?: () => string,
): Promise<Error | undefined> {
  const call = h.go(name, after(clock, ms, outcome), fallback);
  clock.advance(ms);
  return call;
}

/** Settles a promise that is expected to reject, and returns the rejection value. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error: unknown) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/**
 * Fails the test in which an unhandled rejection or uncaught exception reached the process. Call at the top of
 * a test file; vitest fails the run on these too, this pins the failure to the test.
 */
export function failOnUnhandled(): void {
  const seen: unknown[] = [];
  const onRejection = (reason: unknown): void => {
    seen.push(reason);
  };
  const onException = (error: unknown): void => {
    seen.push(error);
  };
  beforeEach(() => {
    seen.length = 0;
    process.on('unhandledRejection', onRejection);
    process.on('uncaughtException', onException);
  });
  afterEach(async () => {
    await flushPromises();
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
    expect(seen, 'unhandled rejections or uncaught exceptions').toEqual([]);
  });
}
