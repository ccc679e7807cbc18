/** The settings of retries and hedging: defaults, both key forms, and clear errors for what cannot work. */
import { describe, expect, it } from 'vitest';
import {
  DefaultRetryBackoffBase,
  DefaultRetryBackoffCap,
  DefaultRetryBudgetMinPerSecond,
  DefaultRetryBudgetPercent,
  Hystrix,
  ManualClock,
} from '../../src/index.js';
import { manualHystrix, thrownBy } from '../helpers.js';

function errorOf(fn: () => unknown): Error {
  const e = thrownBy(fn);
  expect(e).toBeInstanceOf(Error);
  return e as Error;
}

describe('retry and hedge settings', () => {
  it('default to off: one attempt, no hedge, a budget of 10 % and 10 a second', () => {
    const s = manualHystrix().h.getSettings('x');
    expect([
      s.retryAttempts,
      s.retryBudgetPercent,
      s.retryBudgetMinPerSecond,
      s.retryBackoffBase,
      s.retryBackoffCap,
      s.hedgeMaxAttempts,
      s.hedgeDelay,
      s.hedgeDelayPercentile,
    ]).toEqual([1, 10, 10, 100, 2000, 1, 0, 0]);
    expect([
      DefaultRetryBudgetPercent,
      DefaultRetryBudgetMinPerSecond,
      DefaultRetryBackoffBase,
      DefaultRetryBackoffCap,
    ]).toEqual([
      s.retryBudgetPercent,
      s.retryBudgetMinPerSecond,
      s.retryBackoffBase,
      s.retryBackoffCap,
    ]);
  });

  it("hystrix-go's snake_case keys: 0 means the default", () => {
    const { h } = manualHystrix();
    h.configureCommand('x', { retry_attempts: 3, retry_budget_percent: 0, hedge_delay: 0 });
    const s = h.getSettings('x');
    expect([s.retryAttempts, s.retryBudgetPercent, s.hedgeDelay]).toEqual([3, 10, 0]);
  });

  it.each([
    [{ retryAttempts: 0 }, RangeError, 'retryAttempts must be an integer from 1 to 10, got 0'],
    [{ retryAttempts: 11 }, RangeError, 'retryAttempts must be an integer from 1 to 10, got 11'],
    [{ retryAttempts: 2.5 }, RangeError, 'retryAttempts must be an integer'],
    [{ retryBudgetPercent: 101 }, RangeError, 'retryBudgetPercent must be a number from 0 to 100'],
    [
      { retryBudgetMinPerSecond: -1 },
      RangeError,
      'retryBudgetMinPerSecond must be a number from 0',
    ],
    [{ retryBackoffBase: 0 }, RangeError, 'retryBackoffBase must be an integer from 1'],
    [{ hedgeMaxAttempts: 0 }, RangeError, 'hedgeMaxAttempts must be an integer from 1 to 10'],
    [
      { hedgeDelayPercentile: 100 },
      RangeError,
      'hedgeDelayPercentile must be a number from 0 to 99.9',
    ],
    [{ hedgeDelay: '50' }, TypeError, 'hedgeDelay must be a number, got the string "50"'],
    [
      { retryBackoffBase: 500, retryBackoffCap: 100 },
      RangeError,
      'retryBackoffCap (100) must be at least retryBackoffBase (500)',
    ],
    [
      { retryAttempts: 3, hedgeMaxAttempts: 2, hedgeDelay: 10 },
      RangeError,
      'retryAttempts (3) and hedgeMaxAttempts (2) cannot both be above 1',
    ],
    [
      { hedgeMaxAttempts: 2 },
      RangeError,
      'hedgeMaxAttempts (2) needs hedgeDelay or hedgeDelayPercentile',
    ],
  ])('%o is refused with a clear error, and nothing changes', (config, kind, message) => {
    const { h } = manualHystrix();
    h.configureCommand('x', { retryAttempts: 2 });
    const e = errorOf(() => h.configureCommand('x', config as never));
    expect(e).toBeInstanceOf(kind);
    expect(e.message).toContain(message);
    expect(e.message).toContain("'x'");
    expect(h.getSettings('x').retryAttempts).toBe(2);
    expect(() => h.setDefaults(config as never)).toThrow(kind);
  });

  it('a new configuration takes effect on the circuit: retries on, then off', async () => {
    const { h } = manualHystrix();
    let runs = 0;
    const run = (): never => {
      runs++;
      throw new Error('boom');
    };
    await h.go('x', run);
    expect(runs).toBe(1);
    h.configureCommand('x', { retryAttempts: 2, retryBudgetMinPerSecond: 100 });
    expect(h.getCircuit('x').circuit.circuitSettings.retryAttempts).toBe(2);
    h.configureCommand('x', {});
    await h.go('x', run);
    expect(runs).toBe(2);
  });

  it('the registry checks its random source', () => {
    const e = errorOf(() => new Hystrix({ clock: new ManualClock(), random: 0.5 as never }));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toBe('options.random must be a function, got 0.5');
  });
});
