import type { Clock } from '../clock.js';
import { ATTEMPT_HEDGE, ATTEMPT_HEDGE_WON, ATTEMPT_RETRY, type AttemptRole } from '../events.js';
import { RollingNumber } from '../rolling/number.js';
import type { TimingReader } from '../rolling/timing.js';
import type { Settings } from '../settings.js';
import { fullJitter, type RandomSource } from './backoff.js';

// Lanes of the counts.
const CALLS = 0;
/** Retries and hedges the budget let through. */
const EXTRA = 1;
const RETRIES = 2;
const HEDGES = 3;
const HEDGE_WINS = 4;
const LANES = 5;

/** How often a percentile hedge delay is read again from the latency window. */
const HEDGE_DELAY_REFRESH_MS = 1000;

/** @internal The figures of a command's retries and hedges over its rolling window. */
export interface AttemptFigures {
  /** Executions that retried a call after a failure or a timeout. */
  readonly retries: number;
  /** Hedges: executions started because a call's earlier ones had not answered within the hedge delay. */
  readonly hedges: number;
  /** Hedges whose success answered their call. */
  readonly hedgeWins: number;
}

/** @internal What a command without retries or hedges reports. */
export const NO_ATTEMPTS: AttemptFigures = Object.freeze({ retries: 0, hedges: 0, hedgeWins: 0 });

/**
 * @internal The retries or the hedging of one command, owned by its circuit and made only when configured: how
 * many attempts a call may make, how long a retry waits, when a hedge starts, and the budget that bounds both.
 *
 * The budget follows Finagle's `RetryBudget` (a share of the requests plus a reserve per second, over a window
 * of 10 s by default) and gRPC's retry throttling (one budget for retries and hedges alike): over the rolling
 * window, retries and hedges may number at most `retryBudgetPercent` % of the calls, plus
 * `retryBudgetMinPerSecond` for each second of the window. Against a dead dependency a command then sends about
 * 1.1 times its calls, not `retryAttempts` times.
 */
export class AttemptPolicy {
  /** True when the command hedges, false when it retries. */
  hedging: boolean;
  /** Attempts a call may make in all (retries) or have started in all (hedges). */
  maxAttempts: number;
  private settings: Settings;
  private counts: RollingNumber;
  /** The percentile hedge delay last read, and when. */
  private hedgeDelayMs = 0;
  private hedgeDelayReadAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly clock: Clock,
    settings: Settings,
    private readonly random: RandomSource,
  ) {
    this.settings = settings;
    this.hedging = settings.hedgeMaxAttempts > 1;
    this.maxAttempts = this.hedging ? settings.hedgeMaxAttempts : settings.retryAttempts;
    this.counts = newCounts(clock, settings);
  }

  /** New settings; a new window shape starts the counts afresh. */
  configure(settings: Settings): void {
    const old = this.settings;
    this.settings = settings;
    this.hedging = settings.hedgeMaxAttempts > 1;
    this.maxAttempts = this.hedging ? settings.hedgeMaxAttempts : settings.retryAttempts;
    this.hedgeDelayReadAt = Number.NEGATIVE_INFINITY;
    if (
      settings.rollingWindow !== old.rollingWindow ||
      settings.rollingBuckets !== old.rollingBuckets
    ) {
      this.counts = newCounts(this.clock, settings);
    }
  }

  /** A call began: it adds to the budget. */
  called(now: number): void {
    this.counts.addAt(now, CALLS, 1);
  }

  /** Takes one retry or hedge from the budget at `now`; false when the budget is spent. */
  tryExtra(now: number): boolean {
    const s = this.settings;
    const counts = this.counts;
    const allowed =
      (counts.sumAt(now, CALLS) * s.retryBudgetPercent) / 100 +
      (s.retryBudgetMinPerSecond * s.rollingWindow) / 1000;
    if (counts.sumAt(now, EXTRA) + 1 > allowed) return false;
    counts.bump(EXTRA, 1);
    return true;
  }

  /** An execution of the command was reported: counts it if it was a retry or a hedge. */
  counted(now: number, role: AttemptRole): void {
    if (role === ATTEMPT_RETRY) this.counts.addAt(now, RETRIES, 1);
    else if (role === ATTEMPT_HEDGE) this.counts.addAt(now, HEDGES, 1);
    else if (role === ATTEMPT_HEDGE_WON) {
      this.counts.addAt(now, HEDGES, 1);
      this.counts.bump(HEDGE_WINS, 1);
    }
  }

  /** The wait before retry number `retry` (1 for the first), in milliseconds. */
  backoff(retry: number): number {
    const s = this.settings;
    return fullJitter(retry, s.retryBackoffBase, s.retryBackoffCap, this.random);
  }

  /**
   * The hedge delay at `now` in whole milliseconds, 0 for none: `hedgeDelay`, or the `hedgeDelayPercentile` of
   * `runLatency` once the window holds enough runs to tell it (read at most once a second).
   */
  hedgeDelay(now: number, runLatency: TimingReader): number {
    const s = this.settings;
    const p = s.hedgeDelayPercentile;
    if (p === 0) return s.hedgeDelay;
    if (now - this.hedgeDelayReadAt < HEDGE_DELAY_REFRESH_MS) return this.hedgeDelayMs;
    // Enough runs that the slowest (100 - p) % hold at least one: 20 for the 95th, 100 for the 99th. Until
    // then the count is read on every call (cheap), so that the percentile is used as soon as it is known.
    if (runLatency.count() < Math.ceil(100 / (100 - p))) return s.hedgeDelay;
    this.hedgeDelayReadAt = now;
    this.hedgeDelayMs = Math.max(1, Math.ceil(runLatency.percentile(p)));
    return this.hedgeDelayMs;
  }

  /** The figures at `now`. */
  figures(now: number): AttemptFigures {
    const counts = this.counts;
    return {
      retries: counts.sumAt(now, RETRIES),
      hedges: counts.sumAt(now, HEDGES),
      hedgeWins: counts.sumAt(now, HEDGE_WINS),
    };
  }
}

/** @internal The policy the settings ask for: the existing one reconfigured, a new one, or none. */
export function attemptPolicyFor(
  settings: Settings,
  existing: AttemptPolicy | null,
  clock: Clock,
  random: RandomSource,
): AttemptPolicy | null {
  if (settings.retryAttempts <= 1 && settings.hedgeMaxAttempts <= 1) return null;
  if (existing === null) return new AttemptPolicy(clock, settings, random);
  existing.configure(settings);
  return existing;
}

function newCounts(clock: Clock, s: Settings): RollingNumber {
  return new RollingNumber({
    clock,
    lanes: LANES,
    window: s.rollingWindow,
    buckets: s.rollingBuckets,
  });
}
