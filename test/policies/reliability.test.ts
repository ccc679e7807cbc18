/**
 * Every new path under faults: calls through a rate limit, a queue, bad requests, slow calls and caller aborts,
 * then close(): each call settles exactly once, at most one fallback runs, nothing reaches the process, and
 * nothing is left running.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../src/index.js';
import { failOnUnhandled, flushPromises, manualHystrix } from '../helpers.js';

failOnUnhandled();

type Plan = 'ok' | 'fail' | 'bad' | 'hang' | 'slow' | 'throw';

describe('the policies under faults', () => {
  it('property: one outcome per call, at most one fallback, nothing left after close()', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          rate: fc.constantFrom(0, 1, 5, 50),
          queue: fc.integer({ min: 0, max: 3 }),
          limit: fc.integer({ min: 1, max: 3 }),
          consecutive: fc.constantFrom(0, 2),
          slow: fc.constantFrom(0, 20),
        }),
        fc.array(
          fc.record({
            plan: fc.constantFrom<Plan>('ok', 'fail', 'bad', 'hang', 'slow', 'throw'),
            gap: fc.integer({ min: 0, max: 40 }),
            abortAfter: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
            fallback: fc.boolean(),
            mode: fc.constantFrom('do', 'go'),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        async (conf, calls) => {
          const { h, clock } = manualHystrix({
            defaults: {
              timeout: 50,
              maxConcurrentRequests: conf.limit,
              maxQueueSize: conf.queue,
              maxQueueWait: 30,
              maxRequestsPerSecond: conf.rate,
              consecutiveFailures: conf.consecutive,
              slowCallDuration: conf.slow,
              requestVolumeThreshold: 3,
              sleepWindow: 40,
            },
          });
          const settles: number[] = [];
          const fallbacks: number[] = [];
          for (const [i, call] of calls.entries()) {
            clock.advance(call.gap);
            settles.push(0);
            fallbacks.push(0);
            const controller = new AbortController();
            if (call.abortAfter !== undefined) {
              clock.setTimeout(() => controller.abort(), call.abortAfter);
            }
            const run = (): unknown => {
              switch (call.plan) {
                case 'ok':
                  return 'ok';
                case 'fail':
                  return Promise.reject(new Error('fail'));
                case 'bad':
                  throw new BadRequestError(new Error('400'));
                case 'hang':
                  return new Promise(() => undefined);
                case 'slow':
                  return clock.sleep(25);
                case 'throw':
                  throw new Error('sync');
              }
            };
            const fallback = call.fallback
              ? (): string => {
                  fallbacks[i]!++;
                  return 'fb';
                }
              : null;
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
          for (let t = 0; t < 20; t++) await clock.advanceAsync(10);
          await h.close();
          await flushPromises();
          for (const [i, n] of settles.entries()) {
            expect(n, `call ${i} settles`).toBe(1);
            expect(fallbacks[i], `call ${i} fallbacks`).toBeLessThanOrEqual(1);
          }
          expect(clock.refedTimers()).toBe(0);
        },
      ),
      { numRuns: 120 },
    );
  });
});
