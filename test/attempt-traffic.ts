/**
 * Traffic that gives two commands retries and hedges, on a registry's ManualClock: the stream, the dashboard and
 * the exports check that they show them.
 */
import type { Hystrix, ManualClock } from '../src/index.js';
import { untilAborted } from './helpers.js';

/** The counts {@link attemptTraffic} leaves, by command. */
export const ATTEMPT_COUNTS = {
  retried: { retries: 2, hedges: 0, hedgeWins: 0 },
  hedged: { retries: 0, hedges: 2, hedgeWins: 1 },
} as const;

/**
 * Makes `retried`: one call that fails twice and succeeds on its third attempt (2 retries); and `hedged`: one call
 * whose hedge wins over a first attempt that hangs, and one whose first attempt answers before its hedge (2
 * hedges, 1 win). Resolves once every call has ended.
 */
export async function attemptTraffic(h: Hystrix, clock: ManualClock): Promise<void> {
  h.configureCommand('retried', { retryAttempts: 3, retryBackoffBase: 1, retryBackoffCap: 2 });
  let tries = 0;
  const retried = h.go('retried', () => {
    if (++tries < 3) throw new Error('flaky');
    return 'ok';
  });
  h.configureCommand('hedged', { hedgeMaxAttempts: 2, hedgeDelay: 5, timeout: 60_000 });
  let wonAttempts = 0;
  const won = h.go('hedged', (ctx) => (++wonAttempts === 1 ? untilAborted(ctx) : 'hedge'));
  let lostAttempts = 0;
  const lost = h.go('hedged', (ctx) =>
    ++lostAttempts === 1 ? clock.sleep(10).then(() => 'first') : untilAborted(ctx),
  );
  await clock.advanceAsync(10);
  await Promise.all([retried, won, lost]);
}
