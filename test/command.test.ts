/** One execution: its signal, its deadline, what it records, and what run and fallback may return. */
import { describe, expect, test } from 'vitest';
import {
  ContextError,
  ErrTimeout,
  FallbackError,
  isContextCanceled,
  isContextDeadlineExceeded,
  type RunContext,
} from '../src/index.js';
import {
  deferred,
  failOnUnhandled,
  flushPromises,
  manualHystrix,
  never,
  rejectionOf,
  untilAborted,
} from './helpers.js';

failOnUnhandled();

describe('the signal given to run', () => {
  test('is not aborted when run returns normally', async () => {
    const { h } = manualHystrix();
    let signal: AbortSignal | undefined;
    await h.do('x', async (ctx) => {
      signal = ctx.signal;
      await Promise.resolve();
      return 1;
    });
    expect(signal?.aborted).toBe(false);
  });

  test('is aborted with ErrTimeout on timeout, so the run can stop', async () => {
    const { h, clock } = manualHystrix();
    h.configureCommand('x', { timeout: 20 });
    let signal: AbortSignal | undefined;
    const call = h.go('x', (ctx) => {
      signal = ctx.signal;
      return untilAborted(ctx);
    });
    clock.advance(19);
    expect(signal?.aborted).toBe(false);
    clock.advance(1);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeCircuitError(ErrTimeout);
    expect(await call).toBeCircuitError(ErrTimeout);
  });

  test('read for the first time after the timeout, it is already aborted', async () => {
    const { h, clock } = manualHystrix();
    h.configureCommand('x', { timeout: 20 });
    let ctx: RunContext | undefined;
    const call = h.go('x', (c) => {
      ctx = c;
      return clock.sleep(100);
    });
    clock.advance(20);
    expect(await call).toBeCircuitError(ErrTimeout);
    expect(ctx?.signal.aborted).toBe(true);
    expect(ctx?.signal.reason).toBeCircuitError(ErrTimeout);
    expect(ctx?.name).toBe('x');
  });

  test("is aborted with the caller's reason when the caller aborts", async () => {
    const { h } = manualHystrix();
    const controller = new AbortController();
    let signal: AbortSignal | undefined;
    const call = h.go(
      'x',
      (ctx) => {
        signal = ctx.signal;
        return untilAborted(ctx);
      },
      null,
      { signal: controller.signal },
    );
    const reason = new Error('client went away');
    controller.abort(reason);
    const err = await call;
    expect(isContextCanceled(err)).toBe(true);
    expect((err as ContextError).cause).toBe(reason);
    expect(signal?.reason).toBe(reason);
  });

  test("an abort reason that is a TimeoutError counts as the caller's deadline", async () => {
    const { h } = manualHystrix();
    const reason = new DOMException('late', 'TimeoutError');
    const err = await h.go('x', async () => 1, null, { signal: AbortSignal.abort(reason) });
    expect(isContextDeadlineExceeded(err)).toBe(true);
    expect(h.getCircuit('x').circuit.stats().contextDeadlineExceeded).toBe(1);
  });
});

describe('a caller signal', () => {
  test('already aborted: run never runs, the fallback does, it counts as context_canceled', async () => {
    const { h } = manualHystrix();
    let ran = false;
    const seen: unknown[] = [];
    const value = await h.do(
      'x',
      () => {
        ran = true;
        return 1;
      },
      (e) => {
        seen.push(e);
        return 2;
      },
      { signal: AbortSignal.abort() },
    );
    expect(value).toBe(2);
    expect(ran).toBe(false);
    expect(isContextCanceled(seen[0])).toBe(true);
    const s = h.getCircuit('x').circuit.stats();
    expect([s.requests, s.contextCanceled, s.fallbackSuccesses, s.activeCount]).toEqual([
      1, 1, 1, 0,
    ]);
  });

  test('aborted while run runs synchronously: context_canceled', async () => {
    const { h } = manualHystrix();
    const controller = new AbortController();
    const err = await h.go(
      'x',
      () => {
        controller.abort();
        return new Promise(() => undefined);
      },
      null,
      { signal: controller.signal },
    );
    expect(isContextCanceled(err)).toBe(true);
  });

  test('aborted after the call ended: nothing more happens', async () => {
    const { h } = manualHystrix();
    const controller = new AbortController();
    let fallbacks = 0;
    const value = await h.do(
      'x',
      async () => 1,
      () => {
        fallbacks++;
        return 2;
      },
      { signal: controller.signal },
    );
    controller.abort();
    await flushPromises();
    expect(value).toBe(1);
    expect(fallbacks).toBe(0);
    const s = h.getCircuit('x').circuit.stats();
    expect([s.requests, s.successes, s.contextCanceled]).toEqual([1, 1, 0]);
  });
});

describe('deadlines', () => {
  test('one timer serves every call in flight with the same timeout, across circuits', () => {
    const { h, clock } = manualHystrix();
    for (let i = 0; i < 100; i++) h.go(`c${i % 10}`, () => never());
    expect(clock.pendingTimers()).toBe(1);
    h.configureCommand('other', { timeout: 250 });
    h.go('other', () => never());
    expect(clock.pendingTimers()).toBe(2);
    clock.advance(1000);
  });

  test('calls time out in order, each at its own deadline', async () => {
    const { h, clock } = manualHystrix();
    h.configureCommand('x', { timeout: 100 });
    const expiredAt: number[] = [];
    h.metricCollectors.register(() => ({
      update: (r) => expiredAt.push(clock.now() - r.totalDuration, r.totalDuration),
      reset() {},
    }));
    const start = clock.now();
    const calls = [];
    for (let i = 0; i < 3; i++) {
      calls.push(h.go('x', () => never()));
      clock.advance(30);
    }
    clock.advance(200);
    const errors = await Promise.all(calls);
    expect(errors).toHaveLength(3);
    for (const error of errors) expect(error).toBeCircuitError(ErrTimeout, 'x');
    // Pairs of (when the call started, how long until it timed out).
    expect(expiredAt).toEqual([start, 100, start + 30, 100, start + 60, 100]);
  });

  test("a call started by another's synchronous part does not delay the other's deadline", async () => {
    const { h, clock } = manualHystrix();
    h.configureCommand('outer', { timeout: 100 });
    h.configureCommand('inner', { timeout: 100 });
    const start = clock.now();
    let abortedAfter = -1;
    const outer = h.go('outer', (ctx) => {
      ctx.signal.addEventListener('abort', () => (abortedAfter = clock.now() - start));
      clock.advance(50); // synchronous work, then another command with the same timeout
      void h.go('inner', () => never());
      return never();
    });
    clock.advance(100);
    expect(await outer).toBeCircuitError(ErrTimeout);
    expect(abortedAfter).toBe(100);
  });

  test('no timer keeps the process alive at rest, and none is left once the deadlines pass', async () => {
    const { h, clock } = manualHystrix();
    const run = deferred<number>();
    const call = h.do('x', () => run.promise);
    expect(clock.refedTimers()).toBe(1);
    run.resolve(1);
    await call;
    expect(clock.refedTimers()).toBe(0);
    clock.advance(1000);
    expect(clock.pendingTimers()).toBe(0);
  });

  test('a fallback past fallbackTimeout fails with ErrTimeout, and its own signal is aborted', async () => {
    const { h, clock } = manualHystrix();
    h.configureCommand('x', { fallbackTimeout: 50 });
    let fallbackSignal: AbortSignal | undefined;
    const call = h.do(
      'x',
      async () => {
        throw new Error('run failed');
      },
      (_e, ctx) => {
        fallbackSignal = ctx.signal;
        return never();
      },
    );
    await flushPromises();
    clock.advance(50);
    const err = await rejectionOf(call);
    expect(err).toBeInstanceOf(FallbackError);
    expect((err as FallbackError).cause).toBeCircuitError(ErrTimeout);
    expect((err as FallbackError).message).toBe(
      "fallback failed with 'hystrix: timeout'. run error was 'run failed'",
    );
    expect(fallbackSignal?.aborted).toBe(true);
    expect(h.getCircuit('x').circuit.stats().fallbackFailures).toBe(1);
  });

  test("the fallback's signal is its own: not aborted by the run's timeout", async () => {
    const { h, clock } = manualHystrix();
    h.configureCommand('x', { timeout: 10 });
    let fallbackSignal: AbortSignal | undefined;
    const call = h.do(
      'x',
      () => never(),
      (_e, ctx) => {
        fallbackSignal = ctx.signal;
        return 'cached';
      },
    );
    clock.advance(10);
    expect(await call).toBe('cached');
    expect(fallbackSignal?.aborted).toBe(false);
  });
});

describe('what is recorded', () => {
  test('stats are up to date when the caller resumes', async () => {
    const { h } = manualHystrix();
    await h.do('x', async () => 1);
    expect(h.getCircuit('x').circuit.stats().successes).toBe(1);
  });

  test('run latency counts only runs that decided; total latency includes the fallback', async () => {
    const { h, clock } = manualHystrix();
    h.configureCommand('x', { timeout: 100 });
    const ok = h.do('x', async () => {
      await clock.sleep(20);
      return 1;
    });
    await clock.advanceAsync(20);
    await ok;
    const failed = h.go(
      'x',
      async () => {
        await clock.sleep(40);
        throw new Error('no');
      },
      async () => {
        await clock.sleep(30);
      },
    );
    await clock.advanceAsync(70);
    await failed;
    const timedOut = h.go('x', () => never());
    clock.advance(100);
    await timedOut;
    const s = h.getCircuit('x').circuit.stats();
    expect(s.runLatency.count).toBe(2);
    expect(s.runLatency.p0).toBe(20);
    expect(s.runLatency.p100).toBe(40);
    expect(s.runLatency.mean).toBe(30);
    expect(s.totalLatency.count).toBe(3);
    expect(s.totalLatency.p0).toBe(20);
    expect(s.totalLatency.p100).toBe(100);
    expect(s.totalLatency.mean).toBeCloseTo((20 + 70 + 100) / 3, 9);
  });

  test('a long latency has a true mean (hystrix-go wraps means above 4.3 s)', async () => {
    const { h, clock } = manualHystrix();
    h.configureCommand('x', { timeout: 60_000 });
    const call = h.do('x', () => clock.sleep(5000));
    clock.advance(5000);
    await call;
    expect(h.getCircuit('x').circuit.stats().runLatency.mean).toBe(5000);
  });
});

describe('what run and fallback may return', () => {
  test('a plain value, synchronously', async () => {
    const { h } = manualHystrix();
    expect(await h.do('x', () => 7)).toBe(7);
    expect(h.getCircuit('x').circuit.stats().successes).toBe(1);
  });

  test('a synchronous throw is a failure', async () => {
    const { h } = manualHystrix();
    const boom = new Error('boom');
    expect(
      await rejectionOf(
        h.do('x', () => {
          throw boom;
        }),
      ),
    ).toBe(boom);
    expect(h.getCircuit('x').circuit.stats().failures).toBe(1);
  });

  test('a thenable that is not a Promise', async () => {
    const { h } = manualHystrix();
    const thenable = {
      then(resolve: (v: number) => void) {
        resolve(5);
      },
    };
    expect(await h.do('x', () => thenable as unknown as PromiseLike<number>)).toBe(5);
  });

  test('a thenable that calls both callbacks counts once', async () => {
    const { h } = manualHystrix();
    const thenable = {
      then(resolve: (v: number) => void, reject: (e: unknown) => void) {
        resolve(1);
        reject(new Error('and also this'));
        resolve(2);
      },
    };
    expect(await h.do('x', () => thenable as unknown as PromiseLike<number>)).toBe(1);
    const s = h.getCircuit('x').circuit.stats();
    expect([s.requests, s.successes, s.failures]).toEqual([1, 1, 0]);
  });

  test('an object whose then getter throws is a failure with that error', async () => {
    const { h } = manualHystrix();
    const boom = new Error('getter');
    const hostile = Object.defineProperty({}, 'then', {
      get() {
        throw boom;
      },
    });
    expect(await h.go('x', () => hostile)).toBe(boom);
  });

  test('an object with a then that is not a function is a plain value', async () => {
    const { h } = manualHystrix();
    const value = { then: 3 };
    expect(await h.do('x', () => value)).toBe(value);
  });

  test('go wraps a rejection value that is not an Error, keeping it as cause', async () => {
    const { h } = manualHystrix();
    const err = await h.go('x', () => Promise.reject('just a string'));
    expect(err).toBeInstanceOf(Error);
    expect(err?.message).toBe('just a string');
    expect(err?.cause).toBe('just a string');
    const nothing = await h.go('x', () => Promise.reject(undefined));
    expect(nothing).toBeInstanceOf(Error);
    expect(nothing?.cause).toBeUndefined();
  });

  test('do rejects with the value as it was', async () => {
    const { h } = manualHystrix();
    const frozen = Object.freeze({ code: 42 });
    expect(await rejectionOf(h.do('x', () => Promise.reject(frozen)))).toBe(frozen);
  });

  test('a fallback returning a plain value, a promise, or throwing', async () => {
    const { h } = manualHystrix();
    const fail = (): never => {
      throw new Error('run');
    };
    expect(await h.do('x', fail, () => 'plain')).toBe('plain');
    expect(await h.do('x', fail, async () => 'async')).toBe('async');
    const err = await rejectionOf(
      h.do('x', fail, () => {
        throw new Error('fb');
      }),
    );
    expect((err as Error).message).toBe("fallback failed with 'fb'. run error was 'run'");
    const s = h.getCircuit('x').circuit.stats();
    expect([s.failures, s.fallbackSuccesses, s.fallbackFailures]).toEqual([3, 2, 1]);
  });
});

describe('names', () => {
  test("'__proto__', 'constructor' and '' are ordinary, separate commands", async () => {
    const { h } = manualHystrix();
    for (const name of ['__proto__', 'constructor', '', 'toString', 'hasOwnProperty']) {
      expect(await h.do(name, () => name)).toBe(name);
    }
    expect(h.getCircuits().map((c) => c.name)).toEqual([
      '__proto__',
      'constructor',
      '',
      'toString',
      'hasOwnProperty',
    ]);
    expect(h.getCircuit('__proto__').circuit.stats().successes).toBe(1);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
});
