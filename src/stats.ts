import type { FleetStats } from './fleet-view.js';
import { errorPercent, LANE } from './metrics/default-collector.js';
import type { MetricExchange } from './metrics/exchange.js';
import { type AttemptPolicy, NO_ATTEMPTS } from './policies/attempt-policy.js';
import type { AdaptiveStats } from './policies/adaptive-limit.js';
import type { Pool } from './pool.js';
import type { TimingReader } from './rolling/timing.js';

/** The state of a circuit, as `circuit.state` reports it. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** The percentiles reported for a latency, as the Hystrix stream reports them. */
export const LATENCY_PERCENTILES: readonly number[] = [0, 25, 50, 75, 90, 95, 99, 99.5, 100];

/** Latency over the latency window, in milliseconds (fractions kept). */
export interface LatencyStats {
  /** Durations in the window. */
  readonly count: number;
  /** Exact mean, 0 when empty. */
  readonly mean: number;
  /** Exact minimum. */
  readonly p0: number;
  /** 25th percentile. */
  readonly p25: number;
  /** Median. */
  readonly p50: number;
  /** 75th percentile. */
  readonly p75: number;
  /** 90th percentile. */
  readonly p90: number;
  /** 95th percentile. */
  readonly p95: number;
  /** 99th percentile. */
  readonly p99: number;
  /** 99.5th percentile. */
  readonly p99_5: number;
  /** Exact maximum. */
  readonly p100: number;
}

/** The rolling figures of one circuit and its pool, under hystrix-go's names. */
export interface CircuitStats {
  /** The command name. */
  readonly name: string;
  /** `'closed'`, `'open'` or `'half-open'` (forcing shows as open or closed). */
  readonly state: CircuitState;
  /** `circuit.isOpen()`. */
  readonly isOpen: boolean;
  /** Forced open. */
  readonly forcedOpen: boolean;
  /** Forced closed. */
  readonly forcedClosed: boolean;
  /** Requests (every execution) in the rolling window. */
  readonly requests: number;
  /** Errors (failure, rejected, short-circuit, timeout) in the window. */
  readonly errors: number;
  /** Rounded error percentage, as health is judged. */
  readonly errorPercent: number;
  /** `success` events. */
  readonly successes: number;
  /** `failure` events. */
  readonly failures: number;
  /** `rejected` events. */
  readonly rejects: number;
  /** `short-circuit` events. */
  readonly shortCircuits: number;
  /** `timeout` events. */
  readonly timeouts: number;
  /** `fallback-success` events. */
  readonly fallbackSuccesses: number;
  /** `fallback-failure` events. */
  readonly fallbackFailures: number;
  /** `context_canceled` events. */
  readonly contextCanceled: number;
  /** `context_deadline_exceeded` events. */
  readonly contextDeadlineExceeded: number;
  /**
   * `bad-request` events: errors that were the caller's fault (a `BadRequestError`, or `isBadRequest`), passed
   * through. Not requests: they count neither toward `requests` nor toward health.
   */
  readonly badRequests: number;
  /** `rate-limited` events: calls shed by the command's rate limit. Not requests either. */
  readonly rateLimited: number;
  /** Runs at least `slowCallDuration` long (a timeout too, when the timeout is), in the window. */
  readonly slowCalls: number;
  /** Executions that retried a call after a failure or a timeout, in the window (see `retryAttempts`). */
  readonly retries: number;
  /** Hedges in the window: executions started because a call had not been answered within the hedge delay. */
  readonly hedges: number;
  /** Hedges whose success answered their call, in the window. */
  readonly hedgeWins: number;
  /** Failures and timeouts in a row, up to now (any success ends the run). */
  readonly consecutiveFailures: number;
  /** Calls waiting in the queue for a ticket now. */
  readonly queueSize: number;
  /** Run durations (only runs that finished and decided the outcome). */
  readonly runLatency: LatencyStats;
  /** Total durations, fallback included. */
  readonly totalLatency: LatencyStats;
  /** Tickets in use now: runs in flight. */
  readonly activeCount: number;
  /**
   * Of those, runs that timed out and have not settled yet: each still holds its ticket. When they fill the pool,
   * every call is rejected until they settle (the library logs it once); a run that ignores its signal does this.
   */
  readonly hungRuns: number;
  /** The most tickets in use at once in the rolling window. */
  readonly maxActiveRequests: number;
  /** Runs that returned their ticket in the rolling window. */
  readonly executed: number;
  /**
   * The concurrency limit in force: the command's (its adaptive limit's now, with `adaptiveConcurrency`), or this
   * process's share of a fleet limit when lower.
   */
  readonly maxConcurrentRequests: number;
  /** What the fleet sees, while the registry belongs to one (`hystrix-ts/redis`); null otherwise. */
  readonly fleet: FleetStats | null;
  /** The adaptive limit's algorithm and state, with `adaptiveConcurrency`; null for the fixed limit. */
  readonly adaptive: AdaptiveStats | null;
}

/** @internal What the circuit itself tells of its state. */
export type StateFigures = Pick<
  CircuitStats,
  'name' | 'state' | 'isOpen' | 'forcedOpen' | 'forcedClosed'
>;

/** @internal The figures of a circuit at `now`, from its state, its default collector and its pool. */
export function readStats(
  state: StateFigures,
  exchange: MetricExchange,
  pool: Pool,
  queueSize: number,
  now: number,
  fleet: FleetStats | null,
  adaptive: AdaptiveStats | null,
  attempts: AttemptPolicy | null = null,
): CircuitStats {
  const metrics = exchange.metrics;
  const { retries, hedges, hedgeWins } = attempts === null ? NO_ATTEMPTS : attempts.figures(now);
  const count = (lane: number): number => metrics.countAt(now, lane);
  const requests = count(LANE.REQUESTS);
  const errors = count(LANE.ERRORS);
  return {
    ...state,
    requests,
    errors,
    errorPercent: errorPercent(requests, errors),
    successes: count(LANE.SUCCESSES),
    failures: count(LANE.FAILURES),
    rejects: count(LANE.REJECTS),
    shortCircuits: count(LANE.SHORT_CIRCUITS),
    timeouts: count(LANE.TIMEOUTS),
    fallbackSuccesses: count(LANE.FALLBACK_SUCCESSES),
    fallbackFailures: count(LANE.FALLBACK_FAILURES),
    contextCanceled: count(LANE.CONTEXT_CANCELEDS),
    contextDeadlineExceeded: count(LANE.CONTEXT_DEADLINES),
    badRequests: count(LANE.BAD_REQUESTS),
    rateLimited: count(LANE.RATE_LIMITED),
    slowCalls: count(LANE.SLOW_CALLS),
    retries,
    hedges,
    hedgeWins,
    consecutiveFailures: exchange.consecutiveFailures,
    queueSize,
    runLatency: latency(metrics.runDuration),
    totalLatency: latency(metrics.totalDuration),
    activeCount: pool.activeCount,
    hungRuns: pool.hungCount,
    maxActiveRequests: pool.maxActiveRequests(),
    executed: pool.executed(),
    maxConcurrentRequests: pool.max,
    fleet,
    adaptive,
  };
}

/** @internal */
export function latency(timing: TimingReader): LatencyStats {
  // One value per percentile asked for; the 0 defaults are what an empty window reports.
  const [p0 = 0, p25 = 0, p50 = 0, p75 = 0, p90 = 0, p95 = 0, p99 = 0, p99_5 = 0, p100 = 0] =
    timing.percentiles(LATENCY_PERCENTILES);
  return {
    count: timing.count(),
    mean: timing.mean(),
    p0,
    p25,
    p50,
    p75,
    p90,
    p95,
    p99,
    p99_5,
    p100,
  };
}
