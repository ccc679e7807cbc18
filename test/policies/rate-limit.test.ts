/** The token-bucket rate limit of a command, through the registry, on the ManualClock. */
import { describe, expect, it } from 'vitest';
import { ErrRateLimited, isRateLimited } from '../../src/index.js';
import { failOnUnhandled, manualHystrix, never } from '../helpers.js';

failOnUnhandled();

describe('maxRequestsPerSecond', () => {
  it('sheds a call that finds no token, before its ticket, with an error naming the command', async () => {
    const { h, clock } = manualHystrix({
      defaults: { maxRequestsPerSecond: 2, burst: 2, timeout: 60_000 },
    });
    let runs = 0;
    const run = (): string => {
      runs++;
      return 'ok';
    };
    expect(await h.do('api', run)).toBe('ok');
    expect(await h.do('api', run)).toBe('ok');
    const shed = await h.go('api', run);
    expect(shed).toBeCircuitError(ErrRateLimited, 'api');
    expect(shed?.message).toBe('hystrix: rate limited');
    expect(isRateLimited(shed)).toBe(true);
    expect(runs).toBe(2);
    // Half a second later one token (2 a second) is back: exact, from the clock's timestamps.
    clock.advance(499);
    expect(await h.go('api', run)).toBeCircuitError(ErrRateLimited, 'api');
    clock.advance(1);
    expect(await h.do('api', run)).toBe('ok');
    const s = h.getCircuit('api').circuit.stats();
    expect([s.successes, s.rateLimited, s.requests, s.errors, s.activeCount]).toEqual([
      3, 2, 3, 0, 0,
    ]);
  });

  it('the fallback receives the rate-limited error; a limited call never takes a ticket', async () => {
    const { h } = manualHystrix({
      defaults: { maxRequestsPerSecond: 1, maxConcurrentRequests: 1, timeout: 60_000 },
    });
    const running = h.go('api', () => never());
    let seen: unknown;
    expect(
      await h.do(
        'api',
        () => 'ran',
        (error) => {
          seen = error;
          return 'fallback';
        },
      ),
    ).toBe('fallback');
    expect(seen).toBeCircuitError(ErrRateLimited, 'api');
    const s = h.getCircuit('api').circuit.stats();
    expect([s.rateLimited, s.rejects, s.fallbackSuccesses, s.activeCount]).toEqual([1, 0, 1, 1]);
    h.close();
    await running;
  });

  it('never opens the circuit, however many calls it sheds', async () => {
    const { h } = manualHystrix({
      defaults: { maxRequestsPerSecond: 1, requestVolumeThreshold: 2, errorPercentThreshold: 1 },
    });
    for (let i = 0; i < 100; i++) await h.go('api', () => 'ok');
    const { circuit } = h.getCircuit('api');
    expect(circuit.state).toBe('closed');
    expect(circuit.stats()).toMatchObject({
      rateLimited: 99,
      successes: 1,
      requests: 1,
      errors: 0,
    });
  });

  it('a probe that the rate limit sheds gives its place to another call', async () => {
    const { h, clock } = manualHystrix({
      defaults: { maxRequestsPerSecond: 1, requestVolumeThreshold: 1, sleepWindow: 100 },
    });
    await h.go('api', () => {
      throw new Error('down');
    });
    // The next call sees the failure and opens the circuit.
    await h.go('api', () => 'ok');
    const { circuit } = h.getCircuit('api');
    expect(circuit.state).toBe('open');
    clock.advance(101);
    // 101 ms after the only token was taken, a tenth of one has refilled: the probe finds none and is shed, and
    // its place goes to the next call (the short-circuit before took no token: the circuit decides first).
    expect(await h.go('api', () => 'probe')).toBeCircuitError(ErrRateLimited, 'api');
    expect(circuit.state).toBe('half-open');
    clock.advance(1000);
    expect(await h.do('api', () => 'probe')).toBe('probe');
    expect(circuit.state).toBe('closed');
  });

  it('changing the rate applies to the next call; 0 removes the limit', async () => {
    const { h } = manualHystrix();
    h.configureCommand('api', { maxRequestsPerSecond: 1 });
    await h.go('api', () => 'ok');
    expect(await h.go('api', () => 'ok')).toBeCircuitError(ErrRateLimited, 'api');
    h.configureCommand('api', { maxRequestsPerSecond: 0 });
    expect(await h.go('api', () => 'ok')).toBeUndefined();
  });

  it('bad values are refused and change nothing', () => {
    const { h } = manualHystrix();
    for (const value of [-1, Number.NaN, Infinity, '5']) {
      expect(() => h.configureCommand('api', { maxRequestsPerSecond: value as number })).toThrow(
        typeof value === 'number' ? RangeError : TypeError,
      );
    }
    expect(() => h.configureCommand('api', { burst: 5 })).toThrow(
      /burst \(5\) needs maxRequestsPerSecond/,
    );
    expect(() => h.configureCommand('api', { maxRequestsPerSecond: 1, burst: 1.5 })).toThrow(
      RangeError,
    );
    expect(h.getCircuitSettings().size).toBe(0);
    h.configure(
      JSON.parse('{"api": {"max_requests_per_second": 0.5, "burst": 0}}') as Record<string, object>,
    );
    expect(h.getSettings('api')).toMatchObject({ maxRequestsPerSecond: 0.5, burst: 0 });
  });
});
