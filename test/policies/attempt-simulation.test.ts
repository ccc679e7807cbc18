/**
 * The figures of the README's retry and hedging table (bench/attempts.ts), checked against what they should be:
 * the budget bounds the load, retries raise the success rate within it, hedging cuts the tail within it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type AttemptResults, attemptResults, CALLS } from '../../bench/attempts.js';
import * as lib from '../../src/index.js';

let results: AttemptResults;

beforeAll(async () => {
  results = await attemptResults(lib);
}, 120_000);

describe('retries and hedging, simulated', () => {
  it('a dead dependency sees about 1.1 x the calls with 3 attempts, never 3 x', () => {
    const [single, retried] = results.dead;
    expect(single?.executions).toBe(CALLS);
    // 10 % of the calls plus the floor of 10 a second over the 10 s window (and the few ms of the last backoffs).
    expect(retried?.executions).toBeGreaterThan(CALLS * 1.1);
    expect(retried?.executions).toBeLessThanOrEqual(CALLS * 1.1 + 10 * 11);
  });

  it('against a 20 % flaky dependency, retries raise the success rate toward 1 - 0.2^k, within the budget', () => {
    const [one, two, three, threeWide] = results.flaky;
    expect(one?.successRate).toBeCloseTo(0.8, 1);
    // The default budget (about 11 % here) covers half the retries two attempts need: 0.8 + 0.11 x 0.8.
    expect(two?.successRate).toBeGreaterThan(0.87);
    expect(two?.successRate).toBeLessThan(0.9);
    expect(two?.executions).toBeLessThanOrEqual(CALLS * 1.1 + 10 * 11);
    expect(three?.executions).toBeLessThanOrEqual(CALLS * 1.1 + 10 * 11);
    // A budget of 30 % covers what 3 attempts need (0.2 + 0.04 of the calls): close to 1 - 0.2^3.
    expect(threeWide?.successRate).toBeGreaterThan(0.985);
    expect(threeWide?.executions).toBeLessThan(CALLS * 1.3);
  });

  it('hedging cuts the p99 of a long-tailed dependency, for a few % more executions', () => {
    const [none, fixed, percentile] = results.tail;
    expect(none?.p99).toBe(500);
    expect(none?.executions).toBe(CALLS);
    for (const hedged of [fixed, percentile]) {
      expect(hedged?.p50).toBe(none?.p50);
      expect(hedged?.p99).toBeLessThan(50);
      expect(hedged?.executions).toBeGreaterThan(CALLS);
      // Within the default budget, and close to the 2 % of slow executions plus the fast ones past the delay.
      expect(hedged?.executions).toBeLessThanOrEqual(CALLS * 1.1 + 10 * 11);
      expect(hedged?.executions).toBeLessThan(CALLS * 1.05);
    }
  });
});
