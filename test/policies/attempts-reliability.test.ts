/**
 * Retries and hedging under faults: attempts that succeed, fail, hang, time out, throw, are bad requests, meet a
 * full pool, a queue, a rate limit, an opening circuit and callers that abort at any moment, then close(): each
 * call settles exactly once, at most one fallback runs, nothing reaches the process, every run still going has
 * its signal aborted, and nothing is left running.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadRequestError, type RunContext } from '../../src/index.js';
import { failOnUnhandled, flushPromises, manualHystrix } from '../helpers.js';

failOnUnhandled();

type Plan = 'ok' | 'fail' | 'bad' | 'hang' | 'slow' | 'throw';

describe('retries and hedging under faults', () => {
  it('property: one outcome per call, at most one fallback, nothing left after close()', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          hedge: fc.boolean(),
          attempts: fc.integer({ min: 2, max: 4 }),
          hedgeDelay: fc.integer({ min: 1, max: 30 }),
          budget: fc.constantFrom(0, 10, 100),
          floor: fc.constantFrom(0, 10),
          limit: fc.integer({ min: 1, max: 4 }),
          queue: fc.integer({ min: 0, max: 2 }),
          rate: fc.constantFrom(0, 20),
          seed: fc.integer({ min: 1, max: 1_000_000 }),
        }),
        fc.array(
          fc.record({
            plans: fc.array(fc.constantFrom<Plan>('ok', 'fail', 'bad', 'hang', 'slow', 'throw'), {
              minLength: 1,
              maxLength: 4,
            }),
            gap: fc.integer({ min: 0, max: 40 }),
            abortAfter: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }),
            fallback: fc.constantFrom('none', 'value', 'throw'),
            mode: fc.constantFrom('do', 'go'),
          }),
          { minLength: 1, maxLength: 25 },
        ),
        async (conf, calls) => {
          let seed = conf.seed;
          const random = (): number => {
            seed = (seed * 48_271) % 2_147_483_647;
            return seed / 2_147_483_647;
          };
          const { h, clock } = manualHystrix({
            random,
            defaults: {
              timeout: 50,
              maxConcurrentRequests: conf.limit,
              maxQueueSize: conf.queue,
              maxQueueWait: 30,
              maxRequestsPerSecond: conf.rate,
              requestVolumeThreshold: 4,
              sleepWindow: 40,
              retryBudgetPercent: conf.budget,
              retryBudgetMinPerSecond: conf.floor,
              retryBackoffBase: 10,
              retryBackoffCap: 40,
              ...(conf.hedge
                ? { hedgeMaxAttempts: conf.attempts, hedgeDelay: conf.hedgeDelay }
                : { retryAttempts: conf.attempts }),
            },
          });
          const settles: number[] = [];
          const fallbacks: number[] = [];
          const runs: { signal: AbortSignal; settled: boolean }[] = [];
          for (const [i, call] of calls.entries()) {
            clock.advance(call.gap);
            settles.push(0);
            fallbacks.push(0);
            const controller = new AbortController();
            if (call.abortAfter !== undefined) {
              clock.setTimeout(() => controller.abort(), call.abortAfter);
            }
            let attempt = 0;
            const run = (ctx: RunContext): unknown => {
              const plan = call.plans[attempt++ % call.plans.length];
              const entry = { signal: ctx.signal, settled: false };
              runs.push(entry);
              // A run that throws has ended at once.
              entry.settled = plan === 'throw' || plan === 'bad';
              const result = ((): unknown => {
                switch (plan) {
                  case 'ok':
                    return 'ok';
                  case 'fail':
                    return Promise.reject(new Error('fail'));
                  case 'bad':
                    throw new BadRequestError(new Error('400'));
                  case 'hang':
                    return new Promise((_resolve, reject) => {
                      ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), {
                        once: true,
                      });
                    });
                  case 'slow':
                    return clock.sleep(25);
                  case 'throw':
                  default:
                    throw new Error('sync');
                }
              })();
              if (result instanceof Promise) {
                result.then(
                  () => (entry.settled = true),
                  () => (entry.settled = true),
                );
              } else entry.settled = true;
              return result;
            };
            const fallback =
              call.fallback === 'none'
                ? null
                : (): string => {
                    fallbacks[i]!++;
                    if (call.fallback === 'throw') throw new Error('fallback failed');
                    return 'fb';
                  };
            const options = { signal: controller.signal };
            const p =
              call.mode === 'do'
                ? h.do('p', run, fallback, options)
                : h.go('p', run, fallback, options);
            p.then(
              () => settles[i]!++,
              () => settles[i]!++,
            );
            await flushPromises();
          }
          for (let t = 0; t < 30; t++) await clock.advanceAsync(10);
          await h.close();
          await flushPromises();
          for (const [i, n] of settles.entries()) {
            expect(n, `call ${i} settles`).toBe(1);
            expect(fallbacks[i], `call ${i} fallbacks`).toBeLessThanOrEqual(1);
          }
          for (const [i, r] of runs.entries()) {
            expect(r.settled || r.signal.aborted, `run ${i} stopped`).toBe(true);
          }
          expect(clock.refedTimers()).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});
