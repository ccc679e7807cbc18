/** The registry: flush, close, the logger, and the module-level functions on the default registry. */
import { afterEach, describe, expect, test } from 'vitest';
import * as hystrix from '../src/index.js';
import {
  ContextError,
  defaultHystrix,
  ErrClosed,
  ErrTimeout,
  FallbackError,
  isContextCanceled,
} from '../src/index.js';
import {
  deferred,
  failOnUnhandled,
  flushPromises,
  manualHystrix,
  never,
  rejectionOf,
} from './helpers.js';

failOnUnhandled();

describe('flush', () => {
  test('forgets circuits and resets metrics, keeps settings', async () => {
    const { h } = manualHystrix();
    h.configureCommand('x', { timeout: 123 });
    await h.go('x', async () => 1);
    const before = h.getCircuit('x').circuit;
    h.flush();
    expect(before.stats().requests).toBe(0);
    const after = h.getCircuit('x');
    expect(after.created).toBe(true);
    expect(after.circuit).not.toBe(before);
    expect(after.circuit.circuitSettings.timeout).toBe(123);
  });

  test('a call in flight finishes on the circuit it started on', async () => {
    const { h } = manualHystrix();
    const run = deferred<number>();
    const call = h.do('x', () => run.promise);
    const old = h.getCircuit('x').circuit;
    h.flush();
    run.resolve(9);
    expect(await call).toBe(9);
    expect(old.stats().successes).toBe(1);
    expect(h.getCircuit('x').circuit.stats().successes).toBe(0);
  });
});

describe('close', () => {
  test('cancels calls in flight: context_canceled with ErrClosed, signal aborted, fallback run', async () => {
    const { h, clock } = manualHystrix();
    let signal: AbortSignal | undefined;
    const withoutFallback = h.do('x', (ctx) => {
      signal = ctx.signal;
      return never();
    });
    const withFallback = h.do(
      'x',
      () => never(),
      (e) => (isContextCanceled(e) ? 'fallback' : 'other'),
    );
    h.close();
    const err = await rejectionOf(withoutFallback);
    expect(isContextCanceled(err)).toBe(true);
    expect((err as ContextError).cause).toBe(ErrClosed);
    expect(signal?.reason).toBe(ErrClosed);
    expect(await withFallback).toBe('fallback');
    expect(clock.pendingTimers()).toBe(0);
    expect(h.getCircuits()).toEqual([]);
  });

  test('fails a fallback still running, and cancels calls a fallback starts meanwhile', async () => {
    const { h, clock } = manualHystrix();
    h.configureCommand('x', { timeout: 10 });
    const inner: Promise<unknown>[] = [];
    const slowFallback = h.do(
      'x',
      () => never(),
      () => never(),
    );
    clock.advance(10);
    const spawning = h.do(
      'y',
      () => never(),
      () => {
        const call = h.do('z', () => never());
        inner.push(call.catch((e: unknown) => e));
        return call;
      },
    );
    h.close();
    const err = await rejectionOf(slowFallback);
    expect(err).toBeInstanceOf(FallbackError);
    expect((err as FallbackError).cause).toBe(ErrClosed);
    expect((err as FallbackError).runError).toBeCircuitError(ErrTimeout);
    expect(await rejectionOf(spawning)).toBeInstanceOf(FallbackError);
    expect(isContextCanceled(await inner[0])).toBe(true);
    expect(clock.pendingTimers()).toBe(0);
  });

  test('leaves no timer after calls whose deadlines are still ahead, and the registry works after', async () => {
    const { h, clock } = manualHystrix();
    await h.do('x', async () => 1);
    expect(clock.pendingTimers()).toBe(1);
    h.close();
    expect(clock.pendingTimers()).toBe(0);
    expect(await h.do('x', async () => 2)).toBe(2);
    await flushPromises();
  });
});

describe('onClose', () => {
  test('close() runs every registered stop once and its promise waits for the asynchronous ones', async () => {
    const { h, logs } = manualHystrix();
    const order: string[] = [];
    const slow = deferred<undefined>();
    h.onClose(() => {
      order.push('sync');
    });
    h.onClose(() => {
      order.push('async started');
      return slow.promise.then(() => {
        order.push('async done');
      });
    });
    h.onClose(() => Promise.reject(new Error('export failed')));
    h.onClose(() => {
      throw new Error('thrown');
    });
    const removed = h.onClose(() => {
      order.push('removed');
    });
    removed();
    let closed = false;
    const closing = h.close().then(() => {
      closed = true;
    });
    expect(order).toEqual(['sync', 'async started']);
    await flushPromises();
    expect(closed).toBe(false);
    slow.resolve(undefined);
    await closing;
    expect(order).toEqual(['sync', 'async started', 'async done']);
    expect(logs).toContain('hystrix: a part stopped on close failed: export failed');
    expect(logs).toContain('hystrix: a part stopped on close failed: thrown');
  });

  test('onClose takes a function only', () => {
    const { h } = manualHystrix();
    expect(() => h.onClose('stop' as never)).toThrow(TypeError);
  });
});

describe('the logger', () => {
  test('setLogger takes an object with info and error; anything else throws and changes nothing', () => {
    const { h } = manualHystrix();
    const before = h.logger;
    expect(() => h.setLogger({ info() {} } as never)).toThrow(TypeError);
    expect(() => h.setLogger(null as never)).toThrow(TypeError);
    expect(h.logger).toBe(before);
    const logger = { info() {}, error() {} };
    h.setLogger(logger);
    expect(h.logger).toBe(logger);
  });
});

describe('the module-level functions act on the default registry', () => {
  afterEach(() => {
    hystrix.close();
  });

  test('do (under its own name and doCommand), go, doC, goC', async () => {
    expect(await hystrix.do('module-test', async () => 1)).toBe(1);
    expect(await hystrix.doCommand('module-test', async () => 2)).toBe(2);
    expect(await hystrix.go('module-test', async () => 3)).toBeUndefined();
    const signal = new AbortController().signal;
    expect(await hystrix.doC(signal, 'module-test', async () => 4)).toBe(4);
    expect(await hystrix.goC(signal, 'module-test', async () => 5)).toBeUndefined();
    expect(defaultHystrix.getCircuit('module-test').circuit.stats().successes).toBe(5);
    expect(hystrix.getCircuits().map((c) => c.name)).toContain('module-test');
  });

  test('configure, configureCommand, setDefaults, getCircuitSettings, getCircuit, flush, setLogger', () => {
    hystrix.configure({ 'module-a': { timeout: 111 } });
    hystrix.configureCommand('module-b', { max_concurrent_requests: 7 });
    expect(hystrix.getCircuitSettings().get('module-a')?.timeout).toBe(111);
    expect(hystrix.getCircuitSettings().get('module-b')?.maxConcurrentRequests).toBe(7);
    hystrix.setDefaults({ sleepWindow: 4321 });
    expect(hystrix.getCircuit('module-a').circuit.circuitSettings.sleepWindow).toBe(4321);
    hystrix.setDefaults({ sleepWindow: hystrix.DefaultSleepWindow });
    hystrix.flush();
    expect(hystrix.getCircuit('module-a').created).toBe(true);
    const logger = { info() {}, error() {} };
    hystrix.setLogger(logger);
    expect(defaultHystrix.logger).toBe(logger);
    hystrix.setLogger(new hystrix.NoopLogger());
  });
});
