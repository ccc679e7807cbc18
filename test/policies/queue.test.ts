/** The bounded queue: calls that find the pool full wait, first come first served, up to maxQueueWait. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrClosed, ErrMaxConcurrency, isContextCanceled } from '../../src/index.js';
import { deferred, failOnUnhandled, flushPromises, manualHystrix, never } from '../helpers.js';

failOnUnhandled();

describe('maxQueueSize and maxQueueWait', () => {
  it('a call that finds the pool full waits for a ticket and runs when one is returned', async () => {
    const { h } = manualHystrix({
      defaults: { maxConcurrentRequests: 1, maxQueueSize: 2, maxQueueWait: 500, timeout: 60_000 },
    });
    const first = deferred<string>();
    const a = h.do('api', () => first.promise);
    let ranB = false;
    const b = h.do('api', () => {
      ranB = true;
      return 'b';
    });
    const { circuit } = h.getCircuit('api');
    expect(circuit.stats().queueSize).toBe(1);
    expect(ranB).toBe(false);
    first.resolve('a');
    expect(await a).toBe('a');
    expect(await b).toBe('b');
    expect(circuit.stats()).toMatchObject({
      queueSize: 0,
      successes: 2,
      rejects: 0,
      activeCount: 0,
    });
  });

  it('a full queue rejects at once; a wait past maxQueueWait is rejected, and its fallback runs', async () => {
    const { h, clock } = manualHystrix({
      defaults: { maxConcurrentRequests: 1, maxQueueSize: 1, maxQueueWait: 100, timeout: 60_000 },
    });
    const running = h.go('api', () => never());
    const waiting = h.do(
      'api',
      () => 'never ran',
      (error) => {
        expect(error).toBeCircuitError(ErrMaxConcurrency, 'api');
        return 'fallback';
      },
    );
    expect(await h.go('api', () => 'x')).toBeCircuitError(ErrMaxConcurrency, 'api');
    clock.advance(99);
    await flushPromises();
    expect(h.getCircuit('api').circuit.stats().queueSize).toBe(1);
    clock.advance(1);
    expect(await waiting).toBe('fallback');
    expect(h.getCircuit('api').circuit.stats()).toMatchObject({ queueSize: 0, rejects: 2 });
    h.close();
    await running;
  });

  it("the caller's abort and close() take a call out of the queue at once", async () => {
    const { h } = manualHystrix({
      defaults: {
        maxConcurrentRequests: 1,
        maxQueueSize: 5,
        maxQueueWait: 60_000,
        timeout: 60_000,
      },
    });
    const running = h.go('api', () => never());
    const controller = new AbortController();
    let ran = false;
    const aborted = h.go(
      'api',
      () => {
        ran = true;
      },
      null,
      { signal: controller.signal },
    );
    const closed = h.go('api', () => {
      ran = true;
    });
    controller.abort();
    expect(isContextCanceled(await aborted)).toBe(true);
    expect(h.getCircuit('api').circuit.stats().queueSize).toBe(1);
    h.close();
    const error = await closed;
    expect(isContextCanceled(error)).toBe(true);
    expect((error as Error).cause).toBe(ErrClosed);
    expect(ran).toBe(false);
    await running;
  });

  it('a waiting call runs with its own timeout counted from when it got its ticket', async () => {
    const { h, clock } = manualHystrix({
      defaults: { maxConcurrentRequests: 1, maxQueueSize: 1, maxQueueWait: 1000, timeout: 100 },
    });
    const first = deferred<string>();
    const a = h.go('api', () => first.promise);
    const b = h.go('api', () => never());
    clock.advance(50);
    first.resolve('a');
    await flushPromises();
    expect(await a).toBeUndefined();
    clock.advance(99);
    await flushPromises();
    expect(h.getCircuit('api').circuit.stats().timeouts).toBe(0);
    clock.advance(1);
    expect(await b).toMatchObject({ message: 'hystrix: timeout', command: 'api' });
  });

  it("a waiting call's run latency starts with its run; its total latency with the call", async () => {
    const { h, clock } = manualHystrix({
      defaults: { maxConcurrentRequests: 1, maxQueueSize: 1, maxQueueWait: 1000, timeout: 1000 },
    });
    const first = deferred<string>();
    const a = h.go('api', () => first.promise);
    const b = h.go('api', () => clock.sleep(30));
    clock.advance(200);
    first.resolve('a');
    await flushPromises();
    await clock.advanceAsync(30);
    expect(await a).toBeUndefined();
    expect(await b).toBeUndefined();
    const { runLatency, totalLatency } = h.getCircuit('api').circuit.stats();
    // a: 200 ms run; b: waited 200 ms, ran 30 ms.
    expect([runLatency.p0, runLatency.p100]).toEqual([30, 200]);
    expect([totalLatency.p0, totalLatency.p100]).toEqual([200, 230]);
  });

  it('property: calls leave the queue in FIFO order, never after their wait, never beyond the limit', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(
          fc.record({
            at: fc.integer({ min: 0, max: 50 }),
            takes: fc.integer({ min: 1, max: 80 }),
          }),
          {
            minLength: 1,
            maxLength: 25,
          },
        ),
        async (limit, queue, calls) => {
          const wait = 60;
          const { h, clock } = manualHystrix({
            defaults: {
              maxConcurrentRequests: limit,
              maxQueueSize: queue,
              maxQueueWait: wait,
              timeout: 10_000,
            },
          });
          let active = 0;
          let most = 0;
          const started: { i: number; called: number; began: number }[] = [];
          const results: Promise<Error | undefined>[] = [];
          for (const [i, call] of calls.entries()) {
            clock.advance(call.at);
            const called = clock.now();
            results.push(
              h.go('q', async () => {
                active++;
                most = Math.max(most, active);
                started.push({ i, called, began: clock.now() });
                await clock.sleep(call.takes);
                active--;
                return 'ok';
              }),
            );
            await flushPromises();
          }
          for (let t = 0; t < 200; t++) await clock.advanceAsync(20);
          const outcomes = await Promise.all(results);
          expect(most).toBeLessThanOrEqual(limit);
          for (const s of started) expect(s.began - s.called).toBeLessThanOrEqual(wait);
          // Started in the order they were called.
          const order = started.map((s) => s.i);
          expect(order).toEqual([...order].sort((x, y) => x - y));
          const stats = h.getCircuit('q').circuit.stats();
          expect(stats.successes).toBe(started.length);
          expect(stats.rejects).toBe(outcomes.filter((e) => e !== undefined).length);
          expect(stats.queueSize).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });
});
