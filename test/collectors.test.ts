/** Metric collectors: the registry, what each collector receives, and isolation of faulty ones. */
import { describe, expect, test } from 'vitest';
import {
  defaultHystrix,
  ErrCircuitOpen,
  type MetricCollector,
  metricCollectors,
  type MetricResult,
} from '../src/index.js';
import { deferred, failOnUnhandled, manualHystrix } from './helpers.js';

failOnUnhandled();

class Recorder implements MetricCollector {
  readonly results: MetricResult[] = [];
  resets = 0;
  constructor(readonly name: string) {}
  update(result: MetricResult): void {
    this.results.push(result);
  }
  reset(): void {
    this.resets++;
  }
}

function recorders(): { made: Recorder[]; factory: (name: string) => Recorder } {
  const made: Recorder[] = [];
  return {
    made,
    factory: (name) => {
      const r = new Recorder(name);
      made.push(r);
      return r;
    },
  };
}

describe('the registry', () => {
  test('a factory registered first serves every circuit created after', async () => {
    const { h } = manualHystrix();
    const { made, factory } = recorders();
    h.metricCollectors.register(factory);
    await h.go('a', async () => 1);
    await h.go('b', async () => 1);
    expect(made.map((r) => r.name)).toEqual(['a', 'b']);
    expect(made.map((r) => r.results.length)).toEqual([1, 1]);
  });

  test('a factory registered after a circuit exists is attached to it too', async () => {
    const { h } = manualHystrix();
    await h.go('a', async () => 1);
    const { made, factory } = recorders();
    h.metricCollectors.register(factory);
    expect(made.map((r) => r.name)).toEqual(['a']);
    await h.go('a', async () => 1);
    expect(made[0]!.results).toHaveLength(1);
  });

  test('unregistering detaches the collectors; a second call does nothing', async () => {
    const { h } = manualHystrix();
    const { made, factory } = recorders();
    const unregister = h.metricCollectors.register(factory);
    await h.go('a', async () => 1);
    unregister();
    unregister();
    await h.go('a', async () => 1);
    expect(made[0]!.results).toHaveLength(1);
    expect(h.metricCollectors.list()).toEqual([]);
  });

  test('a factory registered twice serves each circuit once, and stays until both are removed', async () => {
    const { h } = manualHystrix();
    await h.go('a', async () => 1);
    const { made, factory } = recorders();
    const first = h.metricCollectors.register(factory);
    const second = h.metricCollectors.register(factory);
    expect(made.map((r) => r.name)).toEqual(['a']);
    first();
    await h.go('a', async () => 1);
    await h.go('b', async () => 1);
    expect(made.map((r) => [r.name, r.results.length])).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
    second();
    await h.go('a', async () => 1);
    expect(made[0]!.results).toHaveLength(1);
  });

  test('register takes a function only', () => {
    const { h } = manualHystrix();
    expect(() => h.metricCollectors.register({} as never)).toThrow(TypeError);
    expect(h.metricCollectors.list()).toEqual([]);
  });

  test("the module's metricCollectors is the default registry's", () => {
    expect(metricCollectors).toBe(defaultHystrix.metricCollectors);
  });
});

describe('what a collector receives', () => {
  test('one result per execution, with the fields of its events', async () => {
    const { h, clock } = manualHystrix();
    h.configureCommand('x', { timeout: 50, maxConcurrentRequests: 2, requestVolumeThreshold: 100 });
    const { made, factory } = recorders();
    h.metricCollectors.register(factory);
    await h.go('x', async () => 1);
    await h.go(
      'x',
      async () => {
        throw new Error('no');
      },
      () => undefined,
    );
    const hold = deferred();
    const holders = [h.go('x', () => hold.promise), h.go('x', () => hold.promise)];
    await h.go(
      'x',
      async () => 1,
      () => Promise.reject(new Error('fb')),
    );
    clock.advance(50);
    await Promise.all(holders);
    hold.resolve(undefined);
    await h.go('x', async () => 1, null, { signal: AbortSignal.abort() });
    h.getCircuit('x').circuit.forceOpen(true);
    await h.go('x', async () => 1);
    const rows = made[0]!.results.map((r) => [
      r.event,
      r.fallbackEvent,
      r.attempts,
      r.errors,
      r.successes + r.failures + r.rejects + r.shortCircuits + r.timeouts,
      r.contextCanceled + r.contextDeadlineExceeded,
      r.fallbackSuccesses,
      r.fallbackFailures,
      r.runDuration === undefined ? 'no run' : 'ran',
    ]);
    expect(rows).toEqual([
      ['success', undefined, 1, 0, 1, 0, 0, 0, 'ran'],
      ['failure', 'fallback-success', 1, 1, 1, 0, 1, 0, 'ran'],
      ['rejected', 'fallback-failure', 1, 1, 1, 0, 0, 1, 'no run'],
      ['timeout', undefined, 1, 1, 1, 0, 0, 0, 'no run'],
      ['timeout', undefined, 1, 1, 1, 0, 0, 0, 'no run'],
      ['context_canceled', undefined, 1, 0, 0, 1, 0, 0, 'no run'],
      ['short-circuit', undefined, 1, 1, 1, 0, 0, 0, 'no run'],
    ]);
    expect(made[0]!.results[3]!.totalDuration).toBe(50);
  });

  test('concurrencyInUse is tickets in use over the limit after the ticket came back', async () => {
    const { h } = manualHystrix();
    h.configureCommand('x', { maxConcurrentRequests: 4 });
    const { made, factory } = recorders();
    h.metricCollectors.register(factory);
    const hold = deferred();
    const held = h.go('x', () => hold.promise);
    await h.go('x', async () => 1);
    expect(made[0]!.results[0]!.concurrencyInUse).toBe(0.25);
    hold.resolve(undefined);
    await held;
    expect(made[0]!.results[1]!.concurrencyInUse).toBe(0);
  });

  test('reset() is called when the circuit closes after being open, and on flush', async () => {
    const { h, clock } = manualHystrix();
    h.configureCommand('x', { requestVolumeThreshold: 1, sleepWindow: 100 });
    const { made, factory } = recorders();
    h.metricCollectors.register(factory);
    await h.go('x', async () => {
      throw new Error('no');
    });
    expect(await h.go('x', async () => 1)).toBeCircuitError(ErrCircuitOpen);
    clock.advance(101);
    await h.go('x', async () => 1);
    expect(made[0]!.resets).toBe(1);
    h.flush();
    expect(made[0]!.resets).toBe(2);
  });
});

describe('faulty collectors', () => {
  test('a collector that throws is logged; the command and the other collectors are unaffected', async () => {
    const { h, logs } = manualHystrix();
    h.metricCollectors.register(() => ({
      update() {
        throw new Error('collector bug');
      },
      reset() {
        throw new Error('reset bug');
      },
    }));
    const { made, factory } = recorders();
    h.metricCollectors.register(factory);
    expect(await h.do('x', async () => 'value')).toBe('value');
    expect(made[0]!.results).toHaveLength(1);
    expect(logs).toContain('hystrix: metric collector of circuit x failed: collector bug');
    h.flush();
    expect(logs).toContain('hystrix: metric collector of circuit x failed to reset: reset bug');
    expect(h.getCircuit('x').circuit.stats().requests).toBe(0);
  });

  test('a factory that throws, or returns no collector, is logged and skipped', async () => {
    const { h, logs } = manualHystrix();
    h.metricCollectors.register(() => {
      throw new Error('factory bug');
    });
    h.metricCollectors.register(() => ({ update: 1 }) as never);
    expect(await h.do('x', async () => 3)).toBe(3);
    expect(
      logs.filter((l) => l.startsWith('hystrix: metric collector factory failed')),
    ).toHaveLength(2);
  });

  test('a logger that throws does not break anything either', async () => {
    const { h } = manualHystrix({
      logger: {
        info() {
          throw new Error('logger bug');
        },
        error() {
          throw new Error('logger bug');
        },
      },
    });
    h.configureCommand('x', { requestVolumeThreshold: 1 });
    h.metricCollectors.register(() => ({
      update() {
        throw new Error('collector bug');
      },
      reset() {},
    }));
    await h.go('x', async () => {
      throw new Error('no');
    });
    expect(await h.go('x', async () => 1)).toBeCircuitError(ErrCircuitOpen);
  });
});
