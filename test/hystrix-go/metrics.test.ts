/** Counterparts of hystrix-go's hystrix/metrics_test.go. */
import { describe, expect, test } from 'vitest';
import { DefaultMetricCollector, ErrCircuitOpen, ManualClock } from '../../src/index.js';
import type { MetricResult } from '../../src/index.js';
import { failOnUnhandled, manualHystrix } from '../helpers.js';

failOnUnhandled();

function result(event: 'success' | 'failure'): MetricResult {
  const failure = event === 'failure' ? 1 : 0;
  return {
    attempts: 1,
    errors: failure,
    successes: 1 - failure,
    failures: failure,
    rejects: 0,
    shortCircuits: 0,
    timeouts: 0,
    fallbackSuccesses: 0,
    fallbackFailures: 0,
    contextCanceled: 0,
    contextDeadlineExceeded: 0,
    badRequests: 0,
    rateLimited: 0,
    slowCalls: 0,
    retries: 0,
    hedges: 0,
    hedgeWins: 0,
    totalDuration: 1,
    runDuration: 1,
    concurrencyInUse: 0,
    event,
    fallbackEvent: undefined,
  };
}

describe('TestErrorPercent', () => {
  test('100 updates with 40 failures: error percent 40 (the collector itself)', () => {
    const collector = new DefaultMetricCollector({ clock: new ManualClock(1000) });
    for (let i = 0; i < 100; i++) collector.update(result(i < 40 ? 'failure' : 'success'));
    expect(collector.numRequests()).toBe(100);
    expect(collector.errors()).toBe(40);
    expect(collector.errorPercent()).toBe(40);
  });

  test('40 % errors: healthy with threshold 50, and with threshold 39 the next call opens it', async () => {
    const { h } = manualHystrix();
    h.configureCommand('x', { requestVolumeThreshold: 100, errorPercentThreshold: 50 });
    for (let i = 0; i < 100; i++) {
      await h.go('x', async () => {
        if (i < 40) throw new Error('no');
      });
    }
    const { circuit } = h.getCircuit('x');
    expect(circuit.stats().errorPercent).toBe(40);
    expect(circuit.allowRequest()).toBe(true);
    h.configureCommand('x', { requestVolumeThreshold: 100, errorPercentThreshold: 39 });
    expect(circuit.allowRequest()).toBe(false);
    expect(circuit.state).toBe('closed');
    expect(await h.go('x', async () => 1)).toBeCircuitError(ErrCircuitOpen);
    expect(circuit.state).toBe('open');
  });
});
