/** Counterparts of hystrix-go's hystrix/pool_test.go. */
import { describe, expect, test } from 'vitest';
import { deferred, failOnUnhandled, flushPromises, manualHystrix } from '../helpers.js';

failOnUnhandled();

describe('TestReturn', () => {
  test('a ticket taken and returned counts one execution', async () => {
    const { h } = manualHystrix();
    await h.go('pool', async () => 1);
    const { pool } = h.getCircuit('pool').circuit;
    expect(pool.executed()).toBe(1);
    expect(pool.activeCount).toBe(0);
  });
});

describe('TestActiveCount', () => {
  test('three tickets taken: active 3; one returned: max active 3', async () => {
    const { h } = manualHystrix();
    const runs = [deferred(), deferred(), deferred()];
    const calls = runs.map((run) => h.go('pool', () => run.promise));
    const { pool } = h.getCircuit('pool').circuit;
    expect(pool.activeCount).toBe(3);
    runs[0]!.resolve(undefined);
    await calls[0];
    expect(pool.activeCount).toBe(2);
    expect(pool.maxActiveRequests()).toBe(3);
    for (const run of runs) run.resolve(undefined);
    await Promise.all(calls);
    await flushPromises();
    expect(pool.activeCount).toBe(0);
    expect(pool.executed()).toBe(3);
  });
});
