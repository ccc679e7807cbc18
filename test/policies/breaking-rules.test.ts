/** The circuit's other rules: slow calls (resilience4j's) and consecutive failures (for commands with little traffic). */
import { describe, expect, it } from 'vitest';
import { ErrCircuitOpen } from '../../src/index.js';
import { after, failOnUnhandled, flushPromises, manualHystrix, never } from '../helpers.js';

failOnUnhandled();

describe('slowCallDuration and slowCallPercentThreshold', () => {
  it('with the volume reached, opens when slow calls reach the share, though every call succeeds', async () => {
    const { h, clock } = manualHystrix({
      defaults: {
        requestVolumeThreshold: 4,
        slowCallDuration: 100,
        slowCallPercentThreshold: 50,
        timeout: 10_000,
      },
    });
    const { circuit } = h.getCircuit('db');
    for (const ms of [10, 150, 20, 99]) {
      const call = h.do('db', after(clock, ms));
      await clock.advanceAsync(ms);
      expect(await call).toBe('ok');
    }
    // 1 slow of 4 (25 %): still closed.
    expect(circuit.stats()).toMatchObject({ slowCalls: 1, requests: 4, errors: 0 });
    expect(await h.do('db', () => 'fast')).toBe('fast');
    for (const ms of [100, 300]) {
      const call = h.do('db', after(clock, ms));
      await clock.advanceAsync(ms);
      await call;
    }
    // 3 slow of 7 (43 %): closed; one more slow call makes 4 of 8 (50 %).
    expect(circuit.state).toBe('closed');
    const call = h.do('db', after(clock, 120));
    await clock.advanceAsync(120);
    await call;
    expect(circuit.stats()).toMatchObject({ slowCalls: 4, requests: 8, errors: 0, successes: 8 });
    expect(await h.go('db', () => 'x')).toBeCircuitError(ErrCircuitOpen, 'db');
    expect(circuit.state).toBe('open');
  });

  it('a timeout counts as slow when the timeout is at least slowCallDuration', async () => {
    const { h, clock } = manualHystrix({ defaults: { timeout: 50, slowCallDuration: 50 } });
    const call = h.go('a', () => never());
    clock.advance(50);
    await call;
    expect(h.getCircuit('a').circuit.stats()).toMatchObject({ timeouts: 1, slowCalls: 1 });
    h.configureCommand('b', { timeout: 50, slowCallDuration: 60 });
    const other = h.go('b', () => never());
    clock.advance(50);
    await other;
    expect(h.getCircuit('b').circuit.stats()).toMatchObject({ timeouts: 1, slowCalls: 0 });
  });

  it('off by default: slow calls are neither counted nor judged', async () => {
    const { h, clock } = manualHystrix({
      defaults: { requestVolumeThreshold: 1, timeout: 60_000 },
    });
    const call = h.do('x', after(clock, 5000));
    await clock.advanceAsync(5000);
    await call;
    expect(h.getCircuit('x').circuit.stats()).toMatchObject({ slowCalls: 0, successes: 1 });
    expect(h.getCircuit('x').circuit.state).toBe('closed');
  });
});

describe('consecutiveFailures', () => {
  it('a command with 5 calls a minute to a dead dependency now opens', async () => {
    const { h, clock } = manualHystrix({ defaults: { consecutiveFailures: 3, timeout: 1000 } });
    const dead = (): Promise<never> => Promise.reject(new Error('connection refused'));
    const { circuit } = h.getCircuit('rare');
    // Without the rule, 5 calls a minute never reach requestVolumeThreshold (20 in 10 s).
    for (let i = 0; i < 3; i++) {
      await h.go('rare', dead);
      clock.advance(12_000);
    }
    expect(circuit.stats()).toMatchObject({ requests: 0, consecutiveFailures: 3 });
    expect(await h.go('rare', dead)).toBeCircuitError(ErrCircuitOpen, 'rare');
    expect(circuit.state).toBe('open');
  });

  it('the same command without the rule stays closed', async () => {
    const { h, clock } = manualHystrix({ defaults: { timeout: 1000 } });
    const dead = (): Promise<never> => Promise.reject(new Error('connection refused'));
    for (let i = 0; i < 10; i++) {
      await h.go('rare', dead);
      clock.advance(12_000);
    }
    expect(h.getCircuit('rare').circuit.state).toBe('closed');
  });

  it('a success ends the run; timeouts count; other outcomes neither count nor reset', async () => {
    const { h, clock } = manualHystrix({
      defaults: { consecutiveFailures: 3, timeout: 10, maxConcurrentRequests: 1 },
    });
    const { circuit } = h.getCircuit('c');
    await h.go('c', () => Promise.reject(new Error('x')));
    await h.go('c', () => Promise.reject(new Error('x')));
    await h.go('c', () => 'ok');
    expect(circuit.stats().consecutiveFailures).toBe(0);
    const hung = h.go('c', () => never());
    // Rejected by the full pool: neither a failure of the dependency nor a success.
    await h.go('c', () => 'ok');
    clock.advance(10);
    await hung;
    await flushPromises();
    expect(circuit.stats()).toMatchObject({ consecutiveFailures: 1, timeouts: 1, rejects: 1 });
    h.close();
  });

  it('bad values are refused', () => {
    const { h } = manualHystrix();
    expect(() => h.configureCommand('c', { consecutiveFailures: -1 })).toThrow(RangeError);
    expect(() => h.configureCommand('c', { consecutiveFailures: 1.5 })).toThrow(RangeError);
    expect(() => h.configureCommand('c', { slowCallPercentThreshold: 0 })).toThrow(RangeError);
    expect(() => h.configureCommand('c', { slowCallPercentThreshold: 101 })).toThrow(RangeError);
    expect(() => h.configureCommand('c', { maxQueueSize: -1 })).toThrow(RangeError);
    expect(() => h.configureCommand('c', { maxQueueWait: 0 })).toThrow(RangeError);
    expect(h.getCircuitSettings().size).toBe(0);
  });
});
