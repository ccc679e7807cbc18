import { afterEach, beforeEach, expect } from 'vitest';
import { Hystrix, type HystrixOptions, type Logger, ManualClock } from '../src/index.js';

/** A registry on a manual clock, with a logger that keeps what it is told. */
export function manualHystrix(options: Omit<HystrixOptions, 'clock'> & { start?: number } = {}): {
  h: Hystrix;
  clock: ManualClock;
  logs: string[];
} {
  const clock = new ManualClock(options.start ?? 1_700_000_000_000);
  const logs: string[] = [];
  const logger: Logger = {
    info: (m) => logs.push(m),
    error: (m) => logs.push(m),
  };
  const { logger: given, defaults } = options;
  const h = new Hystrix({ logger: given ?? logger, clock, ...(defaults ? { defaults } : {}) });
  return { h, clock, logs };
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
