/**
 * Runs that time out and never settle keep their tickets (so the limit bounds real work): the circuit counts
 * them, shows them, and says once when they fill its pool.
 */
import { describe, expect, it } from 'vitest';
import { ErrMaxConcurrency } from '../src/index.js';
import { extendedMessage } from '../src/stream/messages.js';
import { deferred, failOnUnhandled, flushPromises, manualHystrix, never } from './helpers.js';

failOnUnhandled();

const FULL =
  'hystrix: circuit api: all 2 tickets are held by runs that timed out and have not settled';

describe('hung runs', () => {
  it('are counted in stats(), shown in the extended stream, and a full pool of them is logged once', async () => {
    const { h, clock, logs } = manualHystrix({
      defaults: { maxConcurrentRequests: 2, timeout: 10 },
    });
    const late = deferred<string>();
    const first = h.go('api', () => late.promise);
    const second = h.go('api', () => never());
    const { circuit } = h.getCircuit('api');
    expect(circuit.stats().hungRuns).toBe(0);
    clock.advance(10);
    await Promise.all([first, second]);
    let s = circuit.stats();
    expect([s.timeouts, s.activeCount, s.hungRuns]).toEqual([2, 2, 2]);
    // Counted when the runs started, although neither has returned its ticket.
    expect(s.maxActiveRequests).toBe(2);
    expect(JSON.parse(extendedMessage(circuit, s))).toMatchObject({ hungRuns: 2, activeCount: 2 });

    expect(logs.filter((m) => m.startsWith(FULL))).toEqual([]);
    for (let i = 0; i < 3; i++) {
      expect(await h.go('api', () => 'x')).toBeCircuitError(ErrMaxConcurrency, 'api');
    }
    expect(logs.filter((m) => m.startsWith(FULL))).toHaveLength(1);

    // One settles late: it is no longer hung, its ticket is back, and the next call runs.
    late.resolve('late');
    await flushPromises();
    s = circuit.stats();
    expect([s.activeCount, s.hungRuns]).toEqual([1, 1]);
    expect(await h.do('api', () => 'ran')).toBe('ran');
  });

  it('a pool that is full of runs still within their timeout is not reported', async () => {
    const { h, logs } = manualHystrix({ defaults: { maxConcurrentRequests: 1, timeout: 1000 } });
    const running = h.go('busy', () => never());
    expect(await h.go('busy', () => 'x')).toBeCircuitError(ErrMaxConcurrency, 'busy');
    expect(h.getCircuit('busy').circuit.stats().hungRuns).toBe(0);
    expect(logs.some((m) => m.includes('timed out and have not settled'))).toBe(false);
    h.close();
    await running;
  });

  it('is reported again after a new episode, not while the first goes on', async () => {
    const { h, clock, logs } = manualHystrix({
      defaults: { maxConcurrentRequests: 1, timeout: 10 },
    });
    const episode = async (): Promise<() => void> => {
      const run = deferred<string>();
      const call = h.go('api', () => run.promise);
      clock.advance(10);
      await call;
      await h.go('api', () => 'x');
      await h.go('api', () => 'x');
      return () => run.resolve('done');
    };
    const end = await episode();
    const full = logs.filter((m) => m.includes('timed out and have not settled'));
    expect(full).toHaveLength(1);
    end();
    await flushPromises();
    expect(h.getCircuit('api').circuit.stats().hungRuns).toBe(0);
    // A call that finds the pool free again closes the episode; the next one is reported anew.
    expect(await h.do('api', () => 'ok')).toBe('ok');
    const again = await episode();
    expect(logs.filter((m) => m.includes('timed out and have not settled'))).toHaveLength(2);
    again();
    await flushPromises();
  });
});
