/** Retries with a budget (`retryAttempts`), through the registry, on the ManualClock. */
import { describe, expect, it } from 'vitest';
import {
  BadRequestError,
  ErrCircuitOpen,
  ErrClosed,
  ErrMaxConcurrency,
  ErrRateLimited,
  ErrTimeout,
  isContextCanceled,
  isContextDeadlineExceeded,
  type RunContext,
} from '../../src/index.js';
import {
  deferred,
  failOnUnhandled,
  flushPromises,
  manualHystrix,
  never,
  record,
  untilAborted,
} from '../helpers.js';

failOnUnhandled();

/** A run that fails its first `failures` times, then answers 'ok'; it notes when each attempt started. */
function failing(failures: number, now: () => number): { run: () => string; starts: number[] } {
  const starts: number[] = [];
  return {
    starts,
    run: () => {
      starts.push(now());
      if (starts.length <= failures) throw new Error(`boom ${starts.length}`);
      return 'ok';
    },
  };
}

describe('retryAttempts', () => {
  it('retries a failure after a backoff with full jitter: random up to base x 2^n, capped', async () => {
    // The random source answers 0.5: each wait is half its ceiling (100, 200, 400, then the cap of 500).
    const { h, clock } = manualHystrix({
      random: () => 0.5,
      defaults: { retryAttempts: 5, retryBackoffBase: 100, retryBackoffCap: 500 },
    });
    const t0 = clock.now();
    const { run, starts } = failing(4, () => clock.now() - t0);
    const call = h.do('api', run);
    for (let i = 0; i < 4; i++) {
      await flushPromises();
      clock.advance(250);
    }
    expect(await call).toBe('ok');
    expect(starts).toEqual([0, 50, 150, 350, 600]);
    const s = h.getCircuit('api').circuit.stats();
    expect([s.requests, s.failures, s.successes, s.retries, s.hedges]).toEqual([5, 4, 1, 4, 0]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('waits on the clock: a retry never starts before its backoff is over', async () => {
    const { h, clock } = manualHystrix({
      random: () => 0.999,
      defaults: { retryAttempts: 2, retryBackoffBase: 100 },
    });
    const { run, starts } = failing(1, () => clock.now());
    const call = record(() => h.do('api', run));
    await flushPromises();
    clock.advance(99);
    await flushPromises();
    expect(starts).toHaveLength(1);
    expect(call.settles).toBe(0);
    clock.advance(1);
    await flushPromises();
    expect(starts).toHaveLength(2);
    expect(call.value).toBe('ok');
  });

  it('gives up after the last attempt, with its error; the fallback runs once, then, with that error', async () => {
    const { h, clock } = manualHystrix({ random: () => 0, defaults: { retryAttempts: 3 } });
    const { run, starts } = failing(10, () => clock.now());
    const seen: unknown[] = [];
    const call = record(() =>
      h.do('api', run, (error) => {
        seen.push(error);
        return 'fallback';
      }),
    );
    for (let i = 0; i < 3; i++) {
      await flushPromises();
      clock.advance(1);
    }
    await flushPromises();
    expect(starts).toHaveLength(3);
    expect(call.value).toBe('fallback');
    expect(seen).toHaveLength(1);
    expect((seen[0] as Error).message).toBe('boom 3');
    const s = h.getCircuit('api').circuit.stats();
    expect([s.failures, s.retries, s.fallbackSuccesses]).toEqual([3, 2, 1]);

    // Without a fallback, the caller gets the last attempt's error.
    const bare = record(() => h.do('api', run));
    for (let i = 0; i < 3; i++) {
      await flushPromises();
      clock.advance(1);
    }
    await flushPromises();
    expect(bare.rejected).toBe(true);
    expect((bare.value as Error).message).toBe('boom 6');
    expect(h.getCircuit('api').circuit.stats().fallbackSuccesses).toBe(1);
  });

  it('retries a timeout: each attempt has its own timeout and its own aborted signal', async () => {
    const { h, clock } = manualHystrix({
      random: () => 0,
      defaults: { retryAttempts: 2, timeout: 100 },
    });
    const signals: AbortSignal[] = [];
    const call = record(() =>
      h.do('api', (ctx: RunContext) => {
        signals.push(ctx.signal);
        return signals.length === 1 ? untilAborted(ctx) : 'second';
      }),
    );
    clock.advance(100);
    expect(signals[0]?.aborted).toBe(true);
    expect(signals[0]?.reason).toBeCircuitError(ErrTimeout, 'api');
    await flushPromises();
    clock.advance(1);
    await flushPromises();
    expect(call.value).toBe('second');
    expect(signals[1]?.aborted).toBe(false);
    const s = h.getCircuit('api').circuit.stats();
    expect([s.timeouts, s.successes, s.retries]).toEqual([1, 1, 1]);
  });

  it.each([
    ['a short-circuit', ErrCircuitOpen],
    ['a rejection', ErrMaxConcurrency],
    ['a rate-limited call', ErrRateLimited],
  ])('never retries %s', async (_what, kind) => {
    const { h } = manualHystrix({
      defaults: { retryAttempts: 3, maxConcurrentRequests: 1, timeout: 60_000 },
    });
    if (kind === ErrCircuitOpen) h.getCircuit('api').circuit.forceOpen(true);
    if (kind === ErrRateLimited)
      h.configureCommand('api', { retryAttempts: 3, maxRequestsPerSecond: 1 });
    const hold = kind === ErrMaxConcurrency ? h.go('api', () => never()) : null;
    if (kind === ErrRateLimited) await h.do('api', () => 'spends the token');
    let runs = 0;
    let fallbacks = 0;
    const result = await h.go(
      'api',
      () => {
        runs++;
        return 'ran';
      },
      (error) => {
        fallbacks++;
        throw error;
      },
    );
    expect((result as { runError?: unknown }).runError).toBeCircuitError(kind, 'api');
    expect([runs, fallbacks]).toEqual([0, 1]);
    expect(h.getCircuit('api').circuit.stats().retries).toBe(0);
    void h.close();
    if (hold !== null) await hold;
  });

  it.each([
    [
      'a BadRequestError',
      (): never => {
        throw new BadRequestError(new Error('404'));
      },
    ],
    [
      'an error isBadRequest accepts',
      (): never => {
        throw new Error('404');
      },
    ],
  ])('never retries %s: it passes through at once, without fallback', async (_what, run) => {
    const { h } = manualHystrix({
      defaults: { retryAttempts: 3, isBadRequest: (e) => (e as Error).message === '404' },
    });
    let runs = 0;
    let fallbacks = 0;
    const error = await h.go(
      'api',
      () => {
        runs++;
        return run();
      },
      () => {
        fallbacks++;
        return 'fallback';
      },
    );
    expect((error as Error).message).toBe('404');
    expect([runs, fallbacks]).toEqual([1, 0]);
    expect(h.getCircuit('api').circuit.stats().badRequests).toBe(1);
  });

  it("the caller's abort during a backoff ends the call at once: no retry, the fallback once", async () => {
    const { h, clock } = manualHystrix({ random: () => 0.5, defaults: { retryAttempts: 3 } });
    const controller = new AbortController();
    const { run, starts } = failing(10, () => clock.now());
    const seen: unknown[] = [];
    const call = record(() =>
      h.do(
        'api',
        run,
        (error) => {
          seen.push(error);
          return 'fallback';
        },
        { signal: controller.signal },
      ),
    );
    await flushPromises();
    // The backoff's timer keeps the process alive (the first attempt's deadline timer no longer does).
    expect(clock.refedTimers()).toBe(1);
    controller.abort();
    await flushPromises();
    expect(call.value).toBe('fallback');
    expect(seen).toHaveLength(1);
    expect(isContextCanceled(seen[0])).toBe(true);
    expect(clock.refedTimers()).toBe(0);
    const s = h.getCircuit('api').circuit.stats();
    expect([s.failures, s.contextCanceled, s.retries, s.fallbackSuccesses]).toEqual([1, 1, 0, 1]);
    clock.advance(10_000);
    await flushPromises();
    expect(starts).toHaveLength(1);
  });

  it("the caller's deadline during an attempt aborts it and ends the call: no retry", async () => {
    const { h, clock } = manualHystrix({ defaults: { retryAttempts: 3, timeout: 60_000 } });
    const controller = new AbortController();
    const signals: AbortSignal[] = [];
    const call = record(() =>
      h.go(
        'api',
        (ctx: RunContext) => {
          signals.push(ctx.signal);
          return untilAborted(ctx);
        },
        null,
        { signal: controller.signal },
      ),
    );
    controller.abort(new DOMException('late', 'TimeoutError'));
    await flushPromises();
    expect(isContextDeadlineExceeded(call.value)).toBe(true);
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(true);
    clock.advance(100_000);
    await flushPromises();
    expect(signals).toHaveLength(1);
    expect(call.settles).toBe(1);
  });

  it('an aborted signal before the call: decided at once, nothing runs', async () => {
    const { h } = manualHystrix({ defaults: { retryAttempts: 3 } });
    let runs = 0;
    const error = await h.go(
      'api',
      () => {
        runs++;
        return 'ran';
      },
      null,
      { signal: AbortSignal.abort() },
    );
    expect(isContextCanceled(error)).toBe(true);
    expect(runs).toBe(0);
  });

  it('close() during a backoff ends the call as cancelled and leaves no timer', async () => {
    const { h, clock } = manualHystrix({ random: () => 0.5, defaults: { retryAttempts: 3 } });
    const { run, starts } = failing(10, () => clock.now());
    const seen: unknown[] = [];
    const call = record(() =>
      h.do('api', run, (error) => {
        seen.push(error);
        throw error;
      }),
    );
    await flushPromises();
    await h.close();
    await flushPromises();
    expect(call.rejected).toBe(true);
    expect(isContextCanceled(seen[0])).toBe(true);
    expect((seen[0] as Error).cause).toBe(ErrClosed);
    expect(clock.pendingTimers()).toBe(0);
    expect(starts).toHaveLength(1);
  });

  it('close() during an attempt cancels it; nothing is retried and nothing is left running', async () => {
    const { h, clock } = manualHystrix({ defaults: { retryAttempts: 3, timeout: 60_000 } });
    const signals: AbortSignal[] = [];
    const call = record(() =>
      h.go('api', (ctx: RunContext) => {
        signals.push(ctx.signal);
        return untilAborted(ctx);
      }),
    );
    await h.close();
    await flushPromises();
    expect(isContextCanceled(call.value)).toBe(true);
    expect(signals[0]?.reason).toBe(ErrClosed);
    expect(clock.pendingTimers()).toBe(0);
    expect(signals).toHaveLength(1);
  });

  it('a run that answers synchronously is retried like one that answers later', async () => {
    const { h, clock } = manualHystrix({ random: () => 0, defaults: { retryAttempts: 2 } });
    const d = deferred<string>();
    let n = 0;
    const call = record(() =>
      h.do('api', () => {
        n++;
        if (n === 1) throw new Error('sync');
        return d.promise;
      }),
    );
    await flushPromises();
    clock.advance(1);
    d.resolve('async');
    await flushPromises();
    expect(call.value).toBe('async');
  });
});

describe('the retry budget', () => {
  it('a dead dependency: 10,000 calls of 3 attempts make at most 1.1 x the calls (plus the floor)', async () => {
    const { h, clock } = manualHystrix({ random: () => 0.5, defaults: { retryAttempts: 3 } });
    // Forced closed, so that the budget alone limits the load (an open circuit would shed the calls instead).
    h.getCircuit('dead').circuit.forceClosed(true);
    let executions = 0;
    const run = (): never => {
      executions++;
      throw new Error('down');
    };
    const calls = [];
    // 1,000 calls a second for 10 s: one rolling window.
    for (let ms = 0; ms < 10_000; ms++) {
      calls.push(h.go('dead', run));
      clock.advance(1);
      if (ms % 100 === 0) await flushPromises();
    }
    await flushPromises();
    clock.advance(10_000);
    await flushPromises();
    const results = await Promise.all(calls);
    expect(results.every((r) => r instanceof Error)).toBe(true);
    // 10 % of 10,000 calls, plus the floor of 10 a second over the time the calls and their retries span (10.2 s)
    // and one bucket (1 s) by which the window rolls in steps: 1,000 + 112 retries at most.
    expect(executions).toBeGreaterThan(10_900);
    expect(executions).toBeLessThanOrEqual(11_112);
  });

  it('a quiet command may still retry: the floor of retryBudgetMinPerSecond', async () => {
    const { h, clock } = manualHystrix({
      random: () => 0,
      defaults: { retryAttempts: 3, retryBudgetMinPerSecond: 0.2, rollingWindow: 10_000 },
    });
    // 0.2 a second over 10 s: 2 retries, whatever the share of 1 call.
    const { run, starts } = failing(100, () => clock.now());
    const call = record(() => h.go('api', run));
    for (let i = 0; i < 3; i++) {
      await flushPromises();
      clock.advance(1);
    }
    await flushPromises();
    expect(call.settles).toBe(1);
    expect(starts).toHaveLength(3);
    const second = record(() => h.go('api', run));
    await flushPromises();
    clock.advance(1);
    await flushPromises();
    expect(second.settles).toBe(1);
    expect(starts).toHaveLength(4);
  });

  it('no budget at all: no retry', async () => {
    const { h, clock } = manualHystrix({
      defaults: { retryAttempts: 3, retryBudgetPercent: 0, retryBudgetMinPerSecond: 0 },
    });
    const { run, starts } = failing(1, () => clock.now());
    expect(await h.go('api', run)).toBeInstanceOf(Error);
    expect(starts).toHaveLength(1);
  });
});
