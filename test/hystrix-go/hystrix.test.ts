/**
 * Counterparts of hystrix-go's hystrix/hystrix_test.go, one `describe` per Go test, on the ManualClock instead of
 * sleeps. Where a deliberate deviation changes what a test can observe, the test says so.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  ContextError,
  ErrCircuitOpen,
  ErrMaxConcurrency,
  ErrTimeout,
  FallbackError,
  isContextCanceled,
  isContextDeadlineExceeded,
  isMaxConcurrency,
} from '../../src/index.js';
import {
  failOnUnhandled,
  flushPromises,
  manualHystrix,
  rejectionOf,
  untilAborted,
} from '../helpers.js';

failOnUnhandled();

describe('TestSuccess', () => {
  test('a successful run yields no error and counts one success', async () => {
    const { h } = manualHystrix();
    const out: number[] = [];
    const err = await h.go('', async () => {
      out.push(1);
    });
    expect(err).toBeUndefined();
    expect(out).toEqual([1]);
    expect(h.getCircuit('').circuit.stats().successes).toBe(1);
  });
});

describe('TestFallback', () => {
  test('the fallback receives the run error; one failure and one fallback success', async () => {
    const { h } = manualHystrix();
    const runError = new Error('error');
    const seen: unknown[] = [];
    const err = await h.go(
      '',
      async () => {
        throw runError;
      },
      (e) => {
        seen.push(e);
      },
    );
    expect(err).toBeUndefined();
    expect(seen).toEqual([runError]);
    expect(seen[0]).toBe(runError);
    const s = h.getCircuit('').circuit.stats();
    expect([s.successes, s.failures, s.fallbackSuccesses]).toEqual([0, 1, 1]);
  });
});

describe('TestTimeout', () => {
  test('a run past the timeout calls the fallback with ErrTimeout', async () => {
    const { h, clock } = manualHystrix();
    h.configureCommand('', { timeout: 100 });
    const seen: unknown[] = [];
    const result = h.go(
      '',
      () => clock.sleep(1000),
      (e) => {
        seen.push(e);
      },
    );
    clock.advance(100);
    expect(await result).toBeUndefined();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeCircuitError(ErrTimeout);
  });
});

describe('TestTimeoutEmptyFallback', () => {
  test('without a fallback the caller gets ErrTimeout; one timeout and nothing else', async () => {
    const { h, clock } = manualHystrix();
    h.configureCommand('', { timeout: 100 });
    const result = h.go('', () => clock.sleep(1000));
    clock.advance(100);
    expect(await result).toBeCircuitError(ErrTimeout);
    const s = h.getCircuit('').circuit.stats();
    expect(s.timeouts).toBe(1);
    expect([s.successes, s.fallbackSuccesses, s.fallbackFailures]).toEqual([0, 0, 0]);
  });
});

describe('TestMaxConcurrent', () => {
  test('with a limit of 2, the third of three overlapping calls is rejected', async () => {
    const { h, clock } = manualHystrix();
    h.configureCommand('', { maxConcurrentRequests: 2, timeout: 10_000 });
    const results: Promise<Error | undefined>[] = [];
    for (let i = 0; i < 3; i++) {
      results.push(h.go('', () => clock.sleep(1000)));
      clock.advance(10);
    }
    clock.advance(1000);
    const errors = await Promise.all(results);
    expect(errors.filter((e) => isMaxConcurrency(e) && e.command === '')).toHaveLength(1);
    expect(errors.filter((e) => e === undefined)).toHaveLength(2);
  });
});

describe('TestForceOpenCircuit', () => {
  test('a forced-open circuit short-circuits: ErrCircuitOpen, one short-circuit, no success', async () => {
    const { h } = manualHystrix();
    const { circuit } = h.getCircuit('');
    circuit.forceOpen(true);
    let ran = false;
    const err = await h.go('', () => {
      ran = true;
    });
    expect(err).toBeCircuitError(ErrCircuitOpen);
    expect(ran).toBe(false);
    const s = circuit.stats();
    expect([s.shortCircuits, s.successes]).toEqual([1, 0]);
  });
});

describe('TestNilFallbackRunError', () => {
  test('without a fallback the run error comes back as it was, not wrapped', async () => {
    const { h } = manualHystrix();
    const runError = new Error('run_error');
    const err = await h.go('', async () => {
      throw runError;
    });
    expect(err).toBe(runError);
    expect(err?.message).toBe('run_error');
    expect(await rejectionOf(h.do('', () => Promise.reject(runError)))).toBe(runError);
  });
});

describe('TestFailedFallback', () => {
  test("a failing fallback gives hystrix-go's message, with both errors attached", async () => {
    const { h } = manualHystrix();
    const runError = new Error('run_error');
    const fallbackError = new Error('fallback_error');
    const err = await h.go(
      '',
      async () => {
        throw runError;
      },
      async () => {
        throw fallbackError;
      },
    );
    expect(err).toBeInstanceOf(FallbackError);
    expect(err?.message).toBe("fallback failed with 'fallback_error'. run error was 'run_error'");
    expect((err as FallbackError).cause).toBe(fallbackError);
    expect((err as FallbackError).runError).toBe(runError);
  });
});

describe('TestCloseCircuitAfterSuccess', () => {
  // hystrix-go opens the circuit with its unexported setOpen(); here it is opened the way users see it open:
  // by failures reaching both thresholds.
  test('an open circuit short-circuits, and after the sleep window a success closes it', async () => {
    const { h, clock } = manualHystrix();
    h.configureCommand('', { requestVolumeThreshold: 1 });
    await h.go('', async () => {
      throw new Error('down');
    });
    expect(await h.go('', async () => 1)).toBeCircuitError(ErrCircuitOpen);
    const { circuit } = h.getCircuit('');
    expect(circuit.isOpen()).toBe(true);
    clock.advance(6000);
    expect(await h.go('', async () => 1)).toBeUndefined();
    expect(circuit.isOpen()).toBe(false);
    expect(circuit.state).toBe('closed');
  });
});

describe('TestFailAfterTimeout', () => {
  test('a run that fails after its timeout: the caller gets the timeout, nothing breaks', async () => {
    const { h, clock } = manualHystrix();
    h.configureCommand('', { timeout: 10 });
    const result = h.go('', async () => {
      await clock.sleep(50);
      throw new Error('foo');
    });
    clock.advance(10);
    const err = await result;
    expect(err?.message).toContain('timeout');
    await clock.advanceAsync(100);
    const s = h.getCircuit('').circuit.stats();
    expect([s.timeouts, s.failures, s.requests]).toEqual([1, 0, 1]);
  });

  test('with a fallback, it is called exactly once, for the timeout', async () => {
    const { h, clock } = manualHystrix();
    h.configureCommand('', { timeout: 10 });
    const seen: unknown[] = [];
    const result = h.go(
      '',
      async () => {
        await clock.sleep(50);
        throw new Error('foo');
      },
      (e) => {
        seen.push(e);
      },
    );
    clock.advance(10);
    expect(await result).toBeUndefined();
    await clock.advanceAsync(100);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeCircuitError(ErrTimeout, '');
  });
});

describe('TestSlowFallbackOpenCircuit', () => {
  test('a slow fallback of a short-circuited call is not cut by the run timeout', async () => {
    const { h, clock } = manualHystrix();
    h.configureCommand('', { timeout: 10, requestVolumeThreshold: 1 });
    await h.go('', async () => {
      throw new Error('down');
    });
    let fallbacks = 0;
    let ran = false;
    const result = h.go(
      '',
      () => {
        ran = true;
      },
      async () => {
        await clock.sleep(100);
        fallbacks++;
      },
    );
    await clock.advanceAsync(100);
    expect(await result).toBeUndefined();
    expect(fallbacks).toBe(1);
    expect(ran).toBe(false);
    const s = h.getCircuit('').circuit.stats();
    expect([s.shortCircuits, s.timeouts, s.fallbackSuccesses]).toEqual([1, 0, 1]);
  });
});

describe('TestFallbackAfterRejected', () => {
  test('with the only ticket taken, the fallback runs and the run never does', async () => {
    const { h, clock } = manualHystrix();
    h.configureCommand('', { maxConcurrentRequests: 1, timeout: 10_000 });
    const holder = h.go('', () => clock.sleep(1000));
    let ran = false;
    const seen: unknown[] = [];
    const err = await h.go(
      '',
      () => {
        ran = true;
      },
      (e) => {
        seen.push(e);
      },
    );
    expect(err).toBeUndefined();
    expect(ran).toBe(false);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeCircuitError(ErrMaxConcurrency, '');
    clock.advance(1000);
    expect(await holder).toBeUndefined();
  });
});

describe('TestReturnTicket_QuickCheck', () => {
  // hystrix-go returns the ticket at the timeout while run goes on. Here the timeout aborts the run's signal
  // (deviation 1) and the ticket comes back when run settles, so a run that honours its signal returns it at once.
  test('a run blocked until its signal aborts: ErrTimeout, then no ticket in use', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 50 }), async (timeout) => {
        const { h, clock } = manualHystrix();
        h.configureCommand('', { timeout });
        const result = h.go('', untilAborted);
        clock.advance(timeout);
        expect(await result).toBeCircuitError(ErrTimeout);
        await flushPromises();
        expect(h.getCircuit('').circuit.pool.activeCount).toBe(0);
      }),
      { numRuns: 100 },
    );
  });
});

describe('TestReturnTicket', () => {
  test('timeout 10 ms, a run blocked until aborted: no ticket in use afterwards', async () => {
    const { h, clock } = manualHystrix();
    h.configureCommand('', { timeout: 10 });
    const result = h.go('', untilAborted);
    clock.advance(10);
    expect(await result).toBeCircuitError(ErrTimeout);
    await flushPromises();
    expect(h.getCircuit('').circuit.pool.activeCount).toBe(0);
  });

  test('a run that ignores its signal keeps its ticket until it settles (the limit stays true)', async () => {
    const { h, clock } = manualHystrix();
    h.configureCommand('', { timeout: 10 });
    const result = h.go('', () => clock.sleep(500));
    clock.advance(10);
    expect(await result).toBeCircuitError(ErrTimeout);
    const { pool } = h.getCircuit('').circuit;
    expect(pool.activeCount).toBe(1);
    clock.advance(490);
    await flushPromises();
    expect(pool.activeCount).toBe(0);
    expect(pool.executed()).toBe(1);
  });
});

describe('TestContextHandling', () => {
  function setup(): ReturnType<typeof manualHystrix> {
    const m = manualHystrix();
    m.h.configureCommand('', { timeout: 15 });
    return m;
  }
  function abortAt(
    clock: { setTimeout(cb: () => void, ms: number): unknown },
    ms: number,
    reason?: unknown,
  ) {
    const controller = new AbortController();
    clock.setTimeout(() => controller.abort(reason), ms);
    return controller.signal;
  }
  const deadline = (): DOMException => new DOMException('The operation timed out.', 'TimeoutError');

  test('a live signal: the timeout wins; one request, one timeout, no context event', async () => {
    const { h, clock } = setup();
    const controller = new AbortController();
    const result = h.goC(controller.signal, '', () => clock.sleep(20));
    clock.advance(20);
    expect(await result).toBeCircuitError(ErrTimeout);
    const s = h.getCircuit('').circuit.stats();
    expect(s.requests).toBe(1);
    expect(s.timeouts).toBe(1);
    expect([s.failures, s.contextCanceled, s.contextDeadlineExceeded]).toEqual([0, 0, 0]);
  });

  test('a live signal with a fallback: no error, one fallback success', async () => {
    const { h, clock } = setup();
    const result = h.goC(
      new AbortController().signal,
      '',
      () => clock.sleep(20),
      () => undefined,
    );
    clock.advance(20);
    expect(await result).toBeUndefined();
    const s = h.getCircuit('').circuit.stats();
    expect([s.requests, s.timeouts, s.fallbackSuccesses]).toEqual([1, 1, 1]);
  });

  test('a caller deadline at 5 ms: context deadline exceeded, not a timeout', async () => {
    const { h, clock } = setup();
    const reason = deadline();
    const result = h.goC(abortAt(clock, 5, reason), '', () => clock.sleep(20));
    clock.advance(20);
    const err = await result;
    expect(isContextDeadlineExceeded(err)).toBe(true);
    expect(err?.message).toBe('context deadline exceeded');
    expect((err as ContextError).cause).toBe(reason);
    const s = h.getCircuit('').circuit.stats();
    expect([s.requests, s.contextDeadlineExceeded, s.timeouts, s.failures]).toEqual([1, 1, 0, 0]);
  });

  test('a caller deadline with a fallback: no error, one fallback success', async () => {
    const { h, clock } = setup();
    const seen: unknown[] = [];
    const result = h.goC(
      abortAt(clock, 5, deadline()),
      '',
      () => clock.sleep(20),
      (e) => {
        seen.push(e);
      },
    );
    clock.advance(20);
    expect(await result).toBeUndefined();
    expect(isContextDeadlineExceeded(seen[0])).toBe(true);
    const s = h.getCircuit('').circuit.stats();
    expect([s.requests, s.contextDeadlineExceeded, s.fallbackSuccesses]).toEqual([1, 1, 1]);
  });

  test('a caller cancel at 5 ms: context canceled', async () => {
    const { h, clock } = setup();
    const result = h.goC(abortAt(clock, 5), '', () => clock.sleep(20));
    clock.advance(20);
    const err = await result;
    expect(isContextCanceled(err)).toBe(true);
    expect(err?.message).toBe('context canceled');
    expect((err as ContextError).cause).toBeInstanceOf(DOMException);
    const s = h.getCircuit('').circuit.stats();
    expect([s.requests, s.contextCanceled, s.timeouts, s.failures]).toEqual([1, 1, 0, 0]);
  });

  test('a caller cancel with a fallback: no error, one fallback success', async () => {
    const { h, clock } = setup();
    const result = h.goC(
      abortAt(clock, 5),
      '',
      () => clock.sleep(20),
      () => undefined,
    );
    clock.advance(20);
    expect(await result).toBeUndefined();
    const s = h.getCircuit('').circuit.stats();
    expect([s.requests, s.contextCanceled, s.fallbackSuccesses]).toEqual([1, 1, 1]);
  });
});

describe('TestDoC', () => {
  test('success: resolves, and run was executed', async () => {
    const { h } = manualHystrix();
    let ran = false;
    await expect(
      h.doC(new AbortController().signal, '', async () => {
        ran = true;
      }),
    ).resolves.toBeUndefined();
    expect(ran).toBe(true);
  });

  test('failure without a fallback: rejects with the run error', async () => {
    const { h } = manualHystrix();
    const err = await rejectionOf(
      h.doC(new AbortController().signal, '', async () => {
        throw new Error('i failed');
      }),
    );
    expect((err as Error).message).toBe('i failed');
  });

  test('failure with a succeeding fallback: resolves with the fallback value', async () => {
    const { h } = manualHystrix();
    await expect(
      h.doC(
        new AbortController().signal,
        '',
        async (): Promise<string> => {
          throw new Error('i failed');
        },
        () => 'from fallback',
      ),
    ).resolves.toBe('from fallback');
  });

  test('failure with a failing fallback: the combined message', async () => {
    const { h } = manualHystrix();
    const err = await rejectionOf(
      h.doC(
        new AbortController().signal,
        '',
        async () => {
          throw new Error('i failed');
        },
        async () => {
          throw new Error('fallback failed');
        },
      ),
    );
    expect((err as Error).message).toBe(
      "fallback failed with 'fallback failed'. run error was 'i failed'",
    );
  });

  test('timeout 10 ms with a 100 ms run: hystrix: timeout', async () => {
    const { h, clock } = manualHystrix();
    h.configureCommand('', { timeout: 10 });
    const result = h.doC(new AbortController().signal, '', () => clock.sleep(100));
    clock.advance(10);
    const err = await rejectionOf(result);
    expect((err as Error).message).toBe('hystrix: timeout');
  });
});
