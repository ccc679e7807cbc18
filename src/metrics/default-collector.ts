import { type Clock, systemClock } from '../clock.js';
import {
  BAD_REQUEST,
  type EventCode,
  type FallbackCode,
  IS_ERROR,
  NO_FALLBACK,
} from '../events.js';
import { RollingNumber } from '../rolling/number.js';
import { RollingTiming, type TimingReader } from '../rolling/timing.js';
import type { MetricCollector, MetricResult } from './metric-result.js';

// Lanes of the counts; 0 and 1 are what health is judged on.
const REQUESTS = 0;
const ERRORS = 1;
const SUCCESSES = 2;
const FAILURES = 3;
const REJECTS = 4;
const SHORT_CIRCUITS = 5;
const TIMEOUTS = 6;
const FALLBACK_SUCCESSES = 7;
const FALLBACK_FAILURES = 8;
const CONTEXT_CANCELEDS = 9;
const CONTEXT_DEADLINES = 10;
const BAD_REQUESTS = 11;
const RATE_LIMITED = 12;
const SLOW_CALLS = 13;
const LANES = 14;

// Lanes of the latencies.
const RUN = 0;
const TOTAL = 1;

// The lane of each primary event, by event code: SUCCESS, FAILURE, REJECTED, SHORT_CIRCUIT, TIMEOUT,
// CONTEXT_CANCELED, CONTEXT_DEADLINE_EXCEEDED, BAD_REQUEST, RATE_LIMITED.
const EVENT_LANE = [
  SUCCESSES,
  FAILURES,
  REJECTS,
  SHORT_CIRCUITS,
  TIMEOUTS,
  CONTEXT_CANCELEDS,
  CONTEXT_DEADLINES,
  BAD_REQUESTS,
  RATE_LIMITED,
] as const satisfies Readonly<Record<EventCode, number>>;

// The lane of each fallback outcome, by fallback code (none for NO_FALLBACK).
const FALLBACK_LANE = [-1, FALLBACK_SUCCESSES, FALLBACK_FAILURES] as const satisfies Readonly<
  Record<FallbackCode, number>
>;

/** Options of a {@link DefaultMetricCollector}: its clock and the shape of its two windows. */
export interface DefaultMetricCollectorOptions {
  /** The clock to read (default: the system clock). */
  clock?: Clock;
  /** Length of the window of counts in milliseconds (default 10000). */
  rollingWindow?: number;
  /** Buckets of the window of counts (default 10). */
  rollingBuckets?: number;
  /** Length of the window of latencies in milliseconds (default 60000). */
  latencyWindow?: number;
  /** Buckets of the window of latencies (default 6). */
  latencyBuckets?: number;
}

/**
 * The rolling metrics every circuit keeps, on which its health is judged and which the stream and `stats()` read
 * (hystrix-go's `DefaultMetricCollector`). Counts are sums over the rolling window; latencies are histograms over
 * the latency window.
 */
export class DefaultMetricCollector implements MetricCollector {
  /** Run durations: only executions whose run finished and decided the outcome. */
  readonly runDuration: TimingReader;
  /** Total durations, from the call to its outcome (fallback included), of every execution. */
  readonly totalDuration: TimingReader;
  private readonly counts: RollingNumber;
  /** Lane 0: run durations; lane 1: total durations. */
  private readonly latency: RollingTiming;

  /** @param options - the clock and window shapes. */
  constructor(options: DefaultMetricCollectorOptions = {}) {
    const { clock = systemClock } = options;
    this.counts = new RollingNumber({
      clock,
      lanes: LANES,
      window: options.rollingWindow ?? 10_000,
      buckets: options.rollingBuckets ?? 10,
    });
    this.latency = new RollingTiming({
      clock,
      window: options.latencyWindow ?? 60_000,
      buckets: options.latencyBuckets ?? 6,
      lanes: 2,
    });
    this.runDuration = this.latency.lane(RUN);
    this.totalDuration = this.latency.lane(TOTAL);
  }

  /** Requests (attempts of every kind) in the window. */
  numRequests(): number {
    return this.counts.sum(REQUESTS);
  }
  /** Errors (failures, rejections, short-circuits, timeouts) in the window. */
  errors(): number {
    return this.counts.sum(ERRORS);
  }
  /** Successes in the window. */
  successes(): number {
    return this.counts.sum(SUCCESSES);
  }
  /** Failures (run threw or rejected) in the window. */
  failures(): number {
    return this.counts.sum(FAILURES);
  }
  /** Rejections (concurrency limit) in the window. */
  rejects(): number {
    return this.counts.sum(REJECTS);
  }
  /** Short-circuits (circuit open) in the window. */
  shortCircuits(): number {
    return this.counts.sum(SHORT_CIRCUITS);
  }
  /** Timeouts in the window. */
  timeouts(): number {
    return this.counts.sum(TIMEOUTS);
  }
  /** Fallbacks that succeeded in the window. */
  fallbackSuccesses(): number {
    return this.counts.sum(FALLBACK_SUCCESSES);
  }
  /** Fallbacks that failed in the window. */
  fallbackFailures(): number {
    return this.counts.sum(FALLBACK_FAILURES);
  }
  /** Calls the caller cancelled, in the window. */
  contextCanceled(): number {
    return this.counts.sum(CONTEXT_CANCELEDS);
  }
  /** Bad requests (passed through, not counted toward health) in the window. */
  badRequests(): number {
    return this.counts.sum(BAD_REQUESTS);
  }
  /** Calls shed by the rate limit in the window. */
  rateLimited(): number {
    return this.counts.sum(RATE_LIMITED);
  }
  /** Slow calls (see `slowCallDuration`) in the window. */
  slowCalls(): number {
    return this.counts.sum(SLOW_CALLS);
  }
  /** Calls whose caller deadline passed, in the window. */
  contextDeadlineExceeded(): number {
    return this.counts.sum(CONTEXT_DEADLINES);
  }

  /** The error percentage in the window, rounded half up as hystrix-go rounds it; 0 with no requests. */
  errorPercent(): number {
    return errorPercent(this.numRequests(), this.errors());
  }

  /** Records one execution given as a {@link MetricResult}. */
  update(result: MetricResult): void {
    const now = this.counts.clock.now();
    const c = this.counts;
    add(c, now, REQUESTS, result.attempts);
    add(c, now, ERRORS, result.errors);
    add(c, now, SUCCESSES, result.successes);
    add(c, now, FAILURES, result.failures);
    add(c, now, REJECTS, result.rejects);
    add(c, now, SHORT_CIRCUITS, result.shortCircuits);
    add(c, now, TIMEOUTS, result.timeouts);
    add(c, now, FALLBACK_SUCCESSES, result.fallbackSuccesses);
    add(c, now, FALLBACK_FAILURES, result.fallbackFailures);
    add(c, now, CONTEXT_CANCELEDS, result.contextCanceled);
    add(c, now, CONTEXT_DEADLINES, result.contextDeadlineExceeded);
    add(c, now, BAD_REQUESTS, result.badRequests);
    add(c, now, RATE_LIMITED, result.rateLimited);
    add(c, now, SLOW_CALLS, result.slowCalls);
    this.latency.addPairAt(now, result.runDuration ?? -1, result.totalDuration);
  }

  /** Empties every window. */
  reset(): void {
    this.counts.reset();
    this.latency.reset();
  }

  /** @internal One execution, recorded without building a `MetricResult`. `runMs` < 0: run did not decide. */
  record(
    now: number,
    event: EventCode,
    fallback: FallbackCode,
    runMs: number,
    totalMs: number,
  ): void {
    const c = this.counts;
    c.rotate(now);
    // Bad requests and rate-limited calls (the last codes) say nothing of the dependency: not requests.
    if (event < BAD_REQUEST) c.bump(REQUESTS, 1);
    c.bump(EVENT_LANE[event], 1);
    if (IS_ERROR[event]) c.bump(ERRORS, 1);
    if (fallback !== NO_FALLBACK) c.bump(FALLBACK_LANE[fallback], 1);
    this.latency.addPairAt(now, runMs, totalMs);
  }

  /** @internal The execution just recorded (at the same time) was slow. */
  recordSlow(): void {
    this.counts.bump(SLOW_CALLS, 1);
  }

  /** @internal Requests in the window at `now` (for the health check on admission). */
  requestsAt(now: number): number {
    return this.counts.sumAt(now, REQUESTS);
  }

  /** @internal Errors in the window at `now`. */
  errorsAt(now: number): number {
    return this.counts.sumAt(now, ERRORS);
  }

  /** @internal The count of one lane (see {@link LANE}) at `now`. */
  countAt(now: number, lane: number): number {
    return this.counts.sumAt(now, lane);
  }
}

function add(counts: RollingNumber, now: number, lane: number, n: number): void {
  if (n !== 0) counts.addAt(now, lane, n);
}

/** hystrix-go's error percentage: `int(errors / requests * 100 + 0.5)`, 0 with no requests. */
export function errorPercent(requests: number, errors: number): number {
  if (requests <= 0) return 0;
  return Math.trunc((errors / requests) * 100 + 0.5);
}

/** @internal Lane numbers of {@link DefaultMetricCollector}'s counts, for readers of a snapshot. */
export const LANE = {
  REQUESTS,
  ERRORS,
  SUCCESSES,
  FAILURES,
  REJECTS,
  SHORT_CIRCUITS,
  TIMEOUTS,
  FALLBACK_SUCCESSES,
  FALLBACK_FAILURES,
  CONTEXT_CANCELEDS,
  CONTEXT_DEADLINES,
  BAD_REQUESTS,
  RATE_LIMITED,
  SLOW_CALLS,
} as const;
