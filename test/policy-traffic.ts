/**
 * Traffic that gives a command one of each figure the policies add, on a registry's ManualClock: the stream,
 * the dashboard and the exports check that they show it.
 */
import { BadRequestError, type Hystrix, type ManualClock } from '../src/index.js';
import { deferred, flushPromises } from './helpers.js';

/** What {@link policyTraffic} leaves behind. */
export interface PolicyTraffic {
  /** Settles the held run, so the queued call runs too; resolves once both have ended. */
  release(): Promise<void>;
}

/** The settings {@link policyTraffic} gives the command (also what an export may show of them). */
export const POLICY_SETTINGS = {
  maxRequestsPerSecond: 1,
  maxConcurrentRequests: 1,
  maxQueueSize: 3,
  maxQueueWait: 60_000,
  slowCallDuration: 10,
  timeout: 60_000,
} as const;

/**
 * Makes, on `name`: one bad request, one rate-limited call (two calls at the same instant with a rate of 1 a
 * second), one slow call (a 20 ms success with `slowCallDuration` 10), then one run held and one call waiting in
 * the queue. Afterwards `stats()` reads badRequests 1, rateLimited 1, slowCalls 1, queueSize 1, successes 1,
 * until {@link PolicyTraffic.release}.
 */
export async function policyTraffic(
  h: Hystrix,
  clock: ManualClock,
  name: string,
): Promise<PolicyTraffic> {
  h.configureCommand(name, POLICY_SETTINGS);
  const bad = h.go(name, async () => {
    throw new BadRequestError(new Error('404'));
  });
  // Same instant: the bucket's one token went to the bad request.
  const limited = h.go(name, async () => 'never runs');
  await Promise.allSettled([bad, limited]);
  clock.advance(1000);
  const slow = deferred<string>();
  const slowCall = h.go(name, () => slow.promise);
  clock.advance(20);
  slow.resolve('slow');
  await slowCall;
  clock.advance(1000);
  const hold = deferred<string>();
  const held = h.go(name, () => hold.promise);
  clock.advance(1000);
  const queued = h.go(name, async () => 'queued');
  await flushPromises();
  return {
    release: async () => {
      hold.resolve('held');
      await Promise.all([held, queued]);
    },
  };
}
