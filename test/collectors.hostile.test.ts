/** Collectors, factories and loggers that throw or return garbage never break a command. */
import { describe, expect, test } from 'vitest';
import {
  ErrCircuitOpen,
  Hystrix,
  type Logger,
  ManualClock,
  type MetricCollector,
  type MetricCollectorFactory,
  type MetricResult,
} from '../src/index.js';
import { failOnUnhandled, flushPromises, manualHystrix } from './helpers.js';
import { expectStillWorks, revokedProxy, throwingProxy } from './hostile.js';

failOnUnhandled();

describe('collectors and loggers that throw or return garbage', () => {
  const FACTORIES: readonly [string, MetricCollectorFactory][] = [
    ['returns null', () => null as never],
    ['returns undefined', () => undefined as never],
    ['returns a number', () => 42 as never],
    ['returns a string', () => 'collector' as never],
    ['returns an empty object', () => ({}) as never],
    ['returns methods that are not functions', () => ({ update: 1, reset: 'no' }) as never],
    ['returns no reset', () => ({ update: () => undefined }) as never],
    ['returns a function', () => (() => undefined) as never],
    ['returns a proxy whose every trap throws', () => throwingProxy() as never],
    ['returns a revoked proxy', () => revokedProxy() as never],
    [
      'throws an Error',
      () => {
        throw new Error('factory down');
      },
    ],
    [
      'throws a string',
      () => {
        throw 'factory string';
      },
    ],
    [
      'throws a proxy whose every trap throws',
      () => {
        throw throwingProxy();
      },
    ],
  ];

  test.each(FACTORIES)('a factory that %s is logged and skipped', async (_label, factory) => {
    const { h, logs } = manualHystrix();
    const unregister = h.metricCollectors.register(factory);
    expect(await h.do('f', () => 1)).toBe(1);
    expect(h.getCircuit('f').circuit.stats().requests).toBe(1);
    expect(
      logs.filter((l) => l.startsWith('hystrix: metric collector factory failed for circuit f: ')),
    ).toHaveLength(1);
    unregister();
    await expectStillWorks(h);
  });

  const UPDATES: readonly [string, MetricCollector['update']][] = [
    [
      'throws an Error',
      () => {
        throw new Error('update down');
      },
    ],
    [
      'throws undefined',
      () => {
        throw undefined;
      },
    ],
    [
      'throws a proxy whose every trap throws',
      () => {
        throw throwingProxy();
      },
    ],
    ['returns a number', () => 42 as never],
    ['returns a proxy whose every trap throws', () => throwingProxy() as never],
    ['returns a never-settling promise', () => new Promise(() => undefined) as never],
    [
      'returns a rejected promise (an async collector that fails)',
      () => Promise.reject(new Error('async update down')) as never,
    ],
  ];

  test.each(UPDATES)(
    'a collector whose update %s never breaks a command',
    async (_label, update) => {
      const { h, clock, logs } = manualHystrix();
      h.configureCommand('u', { requestVolumeThreshold: 2, sleepWindow: 100 });
      let resets = 0;
      h.metricCollectors.register(() => ({
        update,
        reset: () => {
          resets++;
          throw new Error('reset down');
        },
      }));
      expect(await h.do('u', () => 1)).toBe(1);
      expect(await h.go('u', () => Promise.reject(new Error('x')))).toBeInstanceOf(Error);
      expect(await h.go('u', () => Promise.reject(new Error('x')))).toBeInstanceOf(Error);
      expect(await h.go('u', () => 1)).toBeCircuitError(ErrCircuitOpen);
      clock.advance(101);
      // The probe closes the circuit, which resets every collector: reset throws, and is logged.
      expect(await h.do('u', () => 'probe')).toBe('probe');
      expect(h.getCircuit('u').circuit.state).toBe('closed');
      h.flush();
      await flushPromises();
      expect(resets).toBe(2);
      expect(logs.filter((l) => l.includes('failed to reset'))).toHaveLength(2);
      await expectStillWorks(h);
    },
  );

  test('a collector that scribbles on its MetricResult does not change what the next collector sees', async () => {
    const { h } = manualHystrix();
    const seen: MetricResult[] = [];
    h.metricCollectors.register(() => ({
      update: (result) => {
        const writable = result as { -readonly [K in keyof MetricResult]: MetricResult[K] };
        writable.attempts = 1000;
        writable.event = 'timeout';
        writable.totalDuration = -5;
      },
      reset: () => undefined,
    }));
    h.metricCollectors.register(() => ({
      update: (result) => seen.push({ ...result }),
      reset: () => undefined,
    }));
    await h.do('scribble', () => 1);
    expect(seen).toHaveLength(1);
    expect([seen[0]!.attempts, seen[0]!.event, seen[0]!.totalDuration]).toEqual([1, 'success', 0]);
  });

  test('a factory that re-enters the registry for its own circuit ends bounded, with one circuit', async () => {
    const { h, logs } = manualHystrix();
    let calls = 0;
    h.metricCollectors.register((name) => {
      calls++;
      h.getCircuit(name);
      return { update: () => undefined, reset: () => undefined };
    });
    expect(await h.go('reenter', () => 1)).toBeUndefined();
    // The recursion is cut by the stack: the innermost factory call fails, is logged, and the rest attach.
    expect(calls).toBeGreaterThan(1);
    expect(
      logs.some((l) => l.includes('metric collector factory failed for circuit reenter')),
    ).toBe(true);
    expect(h.getCircuits().map((c) => c.name)).toEqual(['reenter']);
    expect(h.getCircuit('reenter').circuit.stats().requests).toBe(1);
    await expectStillWorks(h);
  });

  /** A logger method that is async and fails: it returns a rejected promise. */
  const asyncRejecting =
    (message: string): ((m: string) => void) =>
    () =>
      Promise.reject(new Error(message));

  const LOGGERS: readonly [string, () => Logger][] = [
    [
      'throws an Error',
      () => ({
        info: () => {
          throw new Error('info down');
        },
        error: () => {
          throw new Error('error down');
        },
      }),
    ],
    [
      'throws a proxy whose every trap throws',
      () => ({
        info: () => {
          throw throwingProxy();
        },
        error: () => {
          throw throwingProxy();
        },
      }),
    ],
    [
      'has methods that turn into throwing getters after it was checked',
      () => {
        let reads = 0;
        const method = (): (() => void) => {
          if (++reads > 2) throw new Error('getter down');
          return () => undefined;
        };
        return Object.defineProperties({} as Logger, {
          info: { get: method },
          error: { get: method },
        });
      },
    ],
    ['returns garbage', () => ({ info: () => throwingProxy(), error: () => 42 })],
    [
      'is async and rejects',
      () => ({
        info: asyncRejecting('async info down'),
        error: asyncRejecting('async error down'),
      }),
    ],
  ];

  test.each(LOGGERS)('a logger that %s never breaks a command', async (_label, makeLogger) => {
    const clock = new ManualClock(1_000_000);
    const h = new Hystrix({ clock, logger: makeLogger() });
    h.configureCommand('l', { requestVolumeThreshold: 1, sleepWindow: 100 });
    h.metricCollectors.register(() => {
      throw new Error('factory down'); // makes the registry log an error
    });
    expect(await h.go('l', () => Promise.reject(new Error('x')))).toBeInstanceOf(Error);
    expect(await h.go('l', () => 1)).toBeCircuitError(ErrCircuitOpen); // logs "opening"
    clock.advance(101);
    expect(await h.do('l', () => 'probe')).toBe('probe'); // logs "allowing" and "closing"
    expect(h.getCircuit('l').circuit.state).toBe('closed');
    await flushPromises();
    await expectStillWorks(h);
  });
});
