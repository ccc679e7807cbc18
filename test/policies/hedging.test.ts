/** Hedged requests (`hedgeMaxAttempts`, `hedgeDelay`, `hedgeDelayPercentile`), on the ManualClock. */
import { describe, expect, it } from 'vitest';
import {
  ErrClosed,
  isContextCanceled,
  type ManualClock,
  type MetricResult,
  type RunContext,
} from '../../src/index.js';
import { failOnUnhandled, flushPromises, manualHystrix, record, untilAborted } from '../helpers.js';

failOnUnhandled();

/**
 * A run whose attempts answer after the given times (ms) on `clock`, each with its own number. Its timers are
 * unref'd, so that `refedTimers()` counts the library's only.
 */
function answering(
  clock: ManualClock,
  times: readonly number[],
): { run: (ctx: RunContext) => Promise<string>; signals: AbortSignal[] } {
  const signals: AbortSignal[] = [];
  return {
    signals,
    run: (ctx) => {
      const i = signals.length;
      signals.push(ctx.signal);
      const ms = times[i] ?? 0;
      const answer = new Promise<string>((resolve) => {
        clock.setTimeout(() => resolve(`attempt ${i + 1}`), ms).unref();
      });
      return Promise.race([answer, untilAborted(ctx)]);
    },
  };
}

describe('hedgeMaxAttempts with hedgeDelay', () => {
  it('starts a hedge when the first attempt has not answered in time; the first success wins', async () => {
    const { h, clock } = manualHystrix({ defaults: { hedgeMaxAttempts: 2, hedgeDelay: 50 } });
    const { run, signals } = answering(clock, [1000, 10]);
    const call = record(() => h.do('api', run));
    clock.advance(49);
    expect(signals).toHaveLength(1);
    clock.advance(1);
    expect(signals).toHaveLength(2);
    await clock.advanceAsync(10);
    expect(call.value).toBe('attempt 2');
    // The loser's signal is aborted: it can stop its work.
    expect(signals[0]?.aborted).toBe(true);
    expect((signals[0]?.reason as Error).message).toBe(
      'hystrix: the call no longer needs this attempt',
    );
    expect(signals[1]?.aborted).toBe(false);
    const s = h.getCircuit('api').circuit.stats();
    expect([s.successes, s.contextCanceled, s.hedges, s.hedgeWins, s.retries]).toEqual([
      1, 1, 1, 1, 0,
    ]);
  });

  it('no hedge when the first attempt answers before the delay; its delay leaves no live timer', async () => {
    const { h, clock } = manualHystrix({ defaults: { hedgeMaxAttempts: 2, hedgeDelay: 50 } });
    const { run, signals } = answering(clock, [20]);
    const call = record(() => h.do('api', run));
    await clock.advanceAsync(20);
    expect(call.value).toBe('attempt 1');
    expect(clock.refedTimers()).toBe(0);
    clock.advance(100);
    expect(signals).toHaveLength(1);
    expect(h.getCircuit('api').circuit.stats().hedges).toBe(0);
  });

  it('the first attempt may still win: the hedge is then the one aborted, and no hedge win is counted', async () => {
    const { h, clock } = manualHystrix({ defaults: { hedgeMaxAttempts: 2, hedgeDelay: 50 } });
    const { run, signals } = answering(clock, [60, 1000]);
    const call = record(() => h.do('api', run));
    await clock.advanceAsync(60);
    expect(call.value).toBe('attempt 1');
    expect(signals[1]?.aborted).toBe(true);
    const s = h.getCircuit('api').circuit.stats();
    expect([s.hedges, s.hedgeWins, s.successes, s.contextCanceled]).toEqual([1, 0, 1, 1]);
  });

  it('up to hedgeMaxAttempts in flight, one more after each delay', async () => {
    const { h, clock } = manualHystrix({
      defaults: { hedgeMaxAttempts: 3, hedgeDelay: 50, timeout: 5000 },
    });
    const { run, signals } = answering(clock, [1000, 1000, 1000]);
    const call = record(() => h.do('api', run));
    clock.advance(50);
    expect(signals).toHaveLength(2);
    clock.advance(50);
    expect(signals).toHaveLength(3);
    clock.advance(500);
    expect(signals).toHaveLength(3);
    await clock.advanceAsync(400);
    expect(call.value).toBe('attempt 1');
    expect(signals.slice(1).every((s) => s.aborted)).toBe(true);
  });

  it('a failed attempt leaves the others to answer; the fallback runs once, after the last has failed', async () => {
    const { h, clock } = manualHystrix({ defaults: { hedgeMaxAttempts: 2, hedgeDelay: 10 } });
    let n = 0;
    const seen: unknown[] = [];
    const call = record(() =>
      h.do(
        'api',
        () => {
          const i = ++n;
          return clock.sleep(i === 1 ? 30 : 40).then(() => {
            throw new Error(`boom ${i}`);
          });
        },
        (error) => {
          seen.push(error);
          return 'fallback';
        },
      ),
    );
    await clock.advanceAsync(30);
    expect(call.settles).toBe(0);
    await clock.advanceAsync(20);
    expect(call.value).toBe('fallback');
    expect(seen.map((e) => (e as Error).message)).toEqual(['boom 2']);
    const s = h.getCircuit('api').circuit.stats();
    expect([s.failures, s.fallbackSuccesses, s.hedges, s.hedgeWins]).toEqual([2, 1, 1, 0]);
  });

  it("the caller's abort while hedging ends the call at once and aborts every attempt", async () => {
    const { h, clock } = manualHystrix({ defaults: { hedgeMaxAttempts: 3, hedgeDelay: 10 } });
    const controller = new AbortController();
    const { run, signals } = answering(clock, [1000, 1000, 1000]);
    let fallbacks = 0;
    const call = record(() =>
      h.go(
        'api',
        run,
        () => {
          fallbacks++;
          throw new Error('no fallback value');
        },
        { signal: controller.signal },
      ),
    );
    clock.advance(10);
    expect(signals).toHaveLength(2);
    controller.abort();
    await flushPromises();
    expect(call.settles).toBe(1);
    expect(fallbacks).toBe(1);
    expect(signals.every((s) => s.aborted)).toBe(true);
    expect(clock.refedTimers()).toBe(0);
    clock.advance(100);
    expect(signals).toHaveLength(2);
  });

  it('close() while hedging ends the call and leaves nothing running', async () => {
    const { h, clock } = manualHystrix({ defaults: { hedgeMaxAttempts: 3, hedgeDelay: 10 } });
    const { run, signals } = answering(clock, [1000, 1000, 1000]);
    const call = record(() => h.go('api', run));
    clock.advance(10);
    await h.close();
    await flushPromises();
    expect(isContextCanceled(call.value)).toBe(true);
    expect((call.value as Error).cause).toBe(ErrClosed);
    expect(signals).toHaveLength(2);
    expect(signals.every((s) => s.aborted)).toBe(true);
    expect(clock.refedTimers()).toBe(0);
  });

  it('the budget bounds hedges: none without budget', async () => {
    const { h, clock } = manualHystrix({
      defaults: {
        hedgeMaxAttempts: 2,
        hedgeDelay: 10,
        retryBudgetPercent: 0,
        retryBudgetMinPerSecond: 0,
      },
    });
    const { run, signals } = answering(clock, [100]);
    const call = record(() => h.do('api', run));
    await clock.advanceAsync(100);
    expect(call.value).toBe('attempt 1');
    expect(signals).toHaveLength(1);
  });

  it('collectors see each hedge, and the one that won', async () => {
    const { h, clock } = manualHystrix({ defaults: { hedgeMaxAttempts: 2, hedgeDelay: 50 } });
    const results: MetricResult[] = [];
    h.metricCollectors.register(() => ({
      update: (r) => results.push(r),
      reset: () => undefined,
    }));
    const { run } = answering(clock, [1000, 10]);
    const call = record(() => h.do('api', run));
    await clock.advanceAsync(60);
    expect(call.value).toBe('attempt 2');
    expect(results.map((r) => [r.event, r.hedges, r.hedgeWins, r.retries])).toEqual([
      ['success', 1, 1, 0],
      ['context_canceled', 0, 0, 0],
    ]);
  });
});

describe('hedgeDelayPercentile', () => {
  it('hedges at the percentile of recent run latency once the window can tell it', async () => {
    const { h, clock } = manualHystrix({
      defaults: {
        hedgeMaxAttempts: 2,
        hedgeDelayPercentile: 90,
        timeout: 10_000,
        maxConcurrentRequests: 100,
      },
    });
    // 10 runs tell a 90th percentile; until then, without hedgeDelay, no hedge is made.
    for (let i = 0; i < 10; i++) {
      const { run, signals } = answering(clock, [i < 9 ? 20 : 80]);
      const call = record(() => h.do('api', run));
      await clock.advanceAsync(i < 9 ? 20 : 80);
      expect(call.value).toBe('attempt 1');
      expect(signals).toHaveLength(1);
    }
    // The window now tells it, and the next call uses it at once: the 90th percentile of [20 x 9, 80] is 20.
    const { run, signals } = answering(clock, [500, 5]);
    const call = record(() => h.do('api', run));
    clock.advance(19);
    expect(signals).toHaveLength(1);
    clock.advance(1);
    expect(signals).toHaveLength(2);
    await clock.advanceAsync(5);
    expect(call.value).toBe('attempt 2');
    // Read at most once a second: 20 runs of 200 ms within the second leave the delay at 20 ms...
    for (let i = 0; i < 20; i++) {
      const slow = answering(clock, [200, 200]);
      void h.go('api', slow.run);
    }
    await clock.advanceAsync(200);
    const next = answering(clock, [500, 5]);
    void h.do('api', next.run);
    clock.advance(20);
    expect(next.signals).toHaveLength(2);
    await clock.advanceAsync(1000);
    // ...and a second after it was read, the 90th percentile of the window (now mostly 200 ms) is taken.
    const later = answering(clock, [500, 5]);
    const last = record(() => h.do('api', later.run));
    clock.advance(150);
    expect(later.signals).toHaveLength(1);
    await clock.advanceAsync(60);
    expect(later.signals).toHaveLength(2);
    await clock.advanceAsync(5);
    expect(last.value).toBe('attempt 2');
  });

  it('uses hedgeDelay until the window holds enough runs', async () => {
    const { h, clock } = manualHystrix({
      defaults: { hedgeMaxAttempts: 2, hedgeDelayPercentile: 99, hedgeDelay: 30 },
    });
    const { run, signals } = answering(clock, [100, 5]);
    const call = record(() => h.do('api', run));
    clock.advance(30);
    expect(signals).toHaveLength(2);
    await clock.advanceAsync(5);
    expect(call.value).toBe('attempt 2');
  });
});
