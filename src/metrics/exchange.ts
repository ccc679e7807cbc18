import type { Clock } from '../clock.js';
import { describeError } from '../errors.js';
import {
  ATTEMPT_FIRST,
  ATTEMPT_HEDGE,
  ATTEMPT_HEDGE_WON,
  ATTEMPT_RETRY,
  type AttemptRole,
  BAD_REQUEST,
  CONTEXT_CANCELED,
  CONTEXT_DEADLINE_EXCEEDED,
  EVENT_NAMES,
  type EventCode,
  FAILURE,
  FALLBACK_EVENT_NAMES,
  FALLBACK_FAILURE,
  FALLBACK_SUCCESS,
  type FallbackCode,
  IS_ERROR,
  RATE_LIMITED,
  REJECTED,
  SHORT_CIRCUIT,
  SUCCESS,
  TIMEOUT,
} from '../events.js';
import type { SharedWindow } from '../fleet-view.js';
import type { Pool } from '../pool.js';
import type { Settings } from '../settings.js';
import { catchRejection } from '../thenable.js';
import { DefaultMetricCollector, errorPercent, LANE } from './default-collector.js';
import type { MetricCollector, MetricCollectorFactory, MetricResult } from './metric-result.js';

const NO_COLLECTORS: readonly MetricCollector[] = Object.freeze([]);

/** @internal The window is healthy: no rule says the circuit should open. */
export const HEALTHY = 0;
/** @internal Volume and error percentage reached (hystrix-go's rule). */
export const TRIP_THRESHOLDS = 1;
/** @internal `consecutiveFailures` failures and timeouts in a row. */
export const TRIP_CONSECUTIVE = 2;
/** @internal Volume and slow-call percentage reached. */
export const TRIP_SLOW_CALLS = 3;
/** @internal What {@link MetricExchange.tripped} answers. */
export type Health =
  typeof HEALTHY | typeof TRIP_THRESHOLDS | typeof TRIP_CONSECUTIVE | typeof TRIP_SLOW_CALLS;

/** @internal The window's figures, as a state change reports them. */
export interface WindowFigures {
  readonly requests: number;
  readonly errors: number;
  readonly errorPercent: number;
  readonly slowCalls: number;
  readonly consecutiveFailures: number;
}

/** @internal Where the exchange writes what it isolated. */
export type ExchangeLog = (message: string) => void;

/**
 * @internal The metric exchange of one circuit (hystrix-go's `metricExchange`): it records every execution's
 * result in the default collector and fans it out to the collectors of registered factories, and judges health
 * from the default collector. The circuit's states are not its business.
 */
export class MetricExchange {
  /** The default collector: health and `stats()` read it. */
  metrics: DefaultMetricCollector;
  /** Collectors from registered factories (a shared empty list until there is one). */
  private collectors: readonly MetricCollector[] = NO_COLLECTORS;
  private byFactory: Map<MetricCollectorFactory, MetricCollector> | null = null;
  /** Failures and timeouts in a row; any success ends the run. */
  consecutiveFailures = 0;
  /** A run at least this long is slow (0: no slow-call rule). */
  private slowMs = 0;
  /** The command has an adaptive limit: its collectors are told the limit. */
  private adaptive = false;
  /** Whether a timeout counts as slow: the timeout is at least `slowMs`. */
  private timeoutIsSlow = false;
  /** The fleet's window, while the registry belongs to a fleet: health is judged from it while joined. */
  shared: SharedWindow | null = null;

  constructor(
    private readonly name: string,
    private readonly clock: Clock,
    settings: Settings,
    private readonly pool: Pool,
    private readonly logError: ExchangeLog,
  ) {
    this.metrics = newCollector(clock, settings);
    this.configure(settings, false);
  }

  /** Records one execution in every collector. `runMs` < 0: run did not decide the outcome. */
  report(
    now: number,
    event: EventCode,
    fallback: FallbackCode,
    runMs: number,
    totalMs: number,
  ): void {
    const slow = this.count(now, event, fallback, runMs, totalMs);
    if (this.collectors.length !== 0)
      this.fanOut(event, fallback, runMs, totalMs, slow, ATTEMPT_FIRST);
  }

  /** Records one execution of a call with retries or hedges: as {@link report}, and what it was to its call. */
  reportAttempt(
    now: number,
    event: EventCode,
    fallback: FallbackCode,
    runMs: number,
    totalMs: number,
    role: AttemptRole,
  ): void {
    const slow = this.count(now, event, fallback, runMs, totalMs);
    if (this.collectors.length !== 0) this.fanOut(event, fallback, runMs, totalMs, slow, role);
  }

  /** The default collector's and the health rules' share of a report; tells whether the run was slow. */
  private count(
    now: number,
    event: EventCode,
    fallback: FallbackCode,
    runMs: number,
    totalMs: number,
  ): boolean {
    this.metrics.record(now, event, fallback, runMs, totalMs);
    if (event === SUCCESS) this.consecutiveFailures = 0;
    else if (event === FAILURE || event === TIMEOUT) this.consecutiveFailures++;
    const slow = this.slowMs > 0 && (event === TIMEOUT ? this.timeoutIsSlow : runMs >= this.slowMs);
    if (slow) this.metrics.recordSlow();
    if (this.shared !== null) this.shared.count(event, slow);
    return slow;
  }

  /**
   * Which rule, if any, says at `now` that the circuit should open: `consecutiveFailures` in a row; or, with the
   * requests at `requestVolumeThreshold`, the error percentage at `errorPercentThreshold` (hystrix-go's
   * `IsHealthy`, negated) or the slow-call percentage at `slowCallPercentThreshold`.
   */
  tripped(now: number, settings: Settings): Health {
    const limit = settings.consecutiveFailures;
    if (limit > 0 && this.consecutiveFailures >= limit) return TRIP_CONSECUTIVE;
    const shared = this.shared;
    if (shared !== null && shared.joined) return this.trippedInFleet(shared, settings);
    const metrics = this.metrics;
    const requests = metrics.requestsAt(now);
    if (requests < settings.requestVolumeThreshold) return HEALTHY;
    if (errorPercent(requests, metrics.errorsAt(now)) >= settings.errorPercentThreshold) {
      return TRIP_THRESHOLDS;
    }
    if (
      this.slowMs > 0 &&
      errorPercent(requests, metrics.countAt(now, LANE.SLOW_CALLS)) >=
        settings.slowCallPercentThreshold
    ) {
      return TRIP_SLOW_CALLS;
    }
    return HEALTHY;
  }

  /** The same rules on the fleet's window: its totals at the last sync and what this process recorded since. */
  private trippedInFleet(shared: SharedWindow, settings: Settings): Health {
    const requests = shared.requests + shared.pendingRequests;
    if (requests < settings.requestVolumeThreshold) return HEALTHY;
    if (
      errorPercent(requests, shared.errors + shared.pendingErrors) >= settings.errorPercentThreshold
    ) {
      return TRIP_THRESHOLDS;
    }
    if (
      this.slowMs > 0 &&
      errorPercent(requests, shared.slow + shared.pendingSlow) >= settings.slowCallPercentThreshold
    ) {
      return TRIP_SLOW_CALLS;
    }
    return HEALTHY;
  }

  /** The window's figures at `now`, for a state change. */
  figures(now: number): WindowFigures {
    const shared = this.shared;
    if (shared !== null && shared.joined) {
      const requests = shared.requests + shared.pendingRequests;
      const errors = shared.errors + shared.pendingErrors;
      return {
        requests,
        errors,
        errorPercent: errorPercent(requests, errors),
        slowCalls: shared.slow + shared.pendingSlow,
        consecutiveFailures: this.consecutiveFailures,
      };
    }
    const metrics = this.metrics;
    const requests = metrics.requestsAt(now);
    const errors = metrics.errorsAt(now);
    return {
      requests,
      errors,
      errorPercent: errorPercent(requests, errors),
      slowCalls: metrics.countAt(now, LANE.SLOW_CALLS),
      consecutiveFailures: this.consecutiveFailures,
    };
  }

  /** New settings: the slow-call rule, and with new window shapes a default collector started afresh. */
  configure(settings: Settings, reshape: boolean): void {
    this.slowMs = settings.slowCallDuration;
    this.adaptive = settings.adaptiveConcurrency !== null;
    this.timeoutIsSlow =
      settings.slowCallDuration > 0 && settings.timeout >= settings.slowCallDuration;
    if (reshape) this.metrics = newCollector(this.clock, settings);
  }

  /** Adds the collector of a factory; a factory that throws is logged and skipped. */
  attach(factory: MetricCollectorFactory): void {
    if (this.byFactory?.has(factory) === true) return;
    try {
      const collector = factory(this.name);
      if (
        typeof collector !== 'object' ||
        typeof collector.update !== 'function' ||
        typeof collector.reset !== 'function'
      ) {
        throw new TypeError(
          'the factory did not return a MetricCollector (update and reset methods)',
        );
      }
      (this.byFactory ??= new Map()).set(factory, collector);
      this.collectors = [...this.collectors, collector];
    } catch (error: unknown) {
      this.logError(
        `hystrix: metric collector factory failed for circuit ${this.name}: ${describeError(error)}`,
      );
    }
  }

  /** Removes the collector of a factory. */
  detach(factory: MetricCollectorFactory): void {
    const byFactory = this.byFactory;
    if (byFactory === null) return;
    const collector = byFactory.get(factory);
    if (collector === undefined) return;
    byFactory.delete(factory);
    this.collectors = this.collectors.filter((c) => c !== collector);
  }

  /** Resets the metrics of every collector (hystrix-go's `Reset`). */
  reset(): void {
    this.metrics.reset();
    this.consecutiveFailures = 0;
    const shared = this.shared;
    if (shared !== null) {
      // The fleet starts a new window when the circuit closes: the old figures must not reopen it meanwhile.
      shared.requests = shared.errors = shared.slow = 0;
      shared.pendingRequests = shared.pendingErrors = shared.pendingSlow = 0;
    }
    const failed = (error: unknown): void => {
      this.logError(
        `hystrix: metric collector of circuit ${this.name} failed to reset: ${describeError(error)}`,
      );
    };
    for (const collector of this.collectors) {
      try {
        catchRejection(collector.reset(), failed);
      } catch (error: unknown) {
        failed(error);
      }
    }
  }

  /** The registered collectors' share of a report: off the hot path when there are none. */
  private fanOut(
    event: EventCode,
    fallback: FallbackCode,
    runMs: number,
    totalMs: number,
    slow: boolean,
    role: AttemptRole,
  ): void {
    const pool = this.pool;
    const result: MetricResult = {
      attempts: event < BAD_REQUEST ? 1 : 0,
      errors: IS_ERROR[event] ? 1 : 0,
      successes: event === SUCCESS ? 1 : 0,
      failures: event === FAILURE ? 1 : 0,
      rejects: event === REJECTED ? 1 : 0,
      shortCircuits: event === SHORT_CIRCUIT ? 1 : 0,
      timeouts: event === TIMEOUT ? 1 : 0,
      fallbackSuccesses: fallback === FALLBACK_SUCCESS ? 1 : 0,
      fallbackFailures: fallback === FALLBACK_FAILURE ? 1 : 0,
      contextCanceled: event === CONTEXT_CANCELED ? 1 : 0,
      contextDeadlineExceeded: event === CONTEXT_DEADLINE_EXCEEDED ? 1 : 0,
      badRequests: event === BAD_REQUEST ? 1 : 0,
      rateLimited: event === RATE_LIMITED ? 1 : 0,
      slowCalls: slow ? 1 : 0,
      retries: role === ATTEMPT_RETRY ? 1 : 0,
      hedges: role >= ATTEMPT_HEDGE ? 1 : 0,
      hedgeWins: role === ATTEMPT_HEDGE_WON ? 1 : 0,
      totalDuration: totalMs,
      runDuration: runMs >= 0 ? runMs : undefined,
      concurrencyInUse: pool.max > 0 ? pool.activeCount / pool.max : 0,
      concurrencyLimit: this.adaptive ? pool.max : undefined,
      event: EVENT_NAMES[event],
      fallbackEvent: FALLBACK_EVENT_NAMES[fallback],
    };
    // One result serves every collector: frozen, so that one cannot change what the next one sees.
    Object.freeze(result);
    const failed = (error: unknown): void => {
      this.logError(
        `hystrix: metric collector of circuit ${this.name} failed: ${describeError(error)}`,
      );
    };
    for (const collector of this.collectors) {
      try {
        catchRejection(collector.update(result), failed);
      } catch (error: unknown) {
        failed(error);
      }
    }
  }
}

function newCollector(clock: Clock, s: Settings): DefaultMetricCollector {
  return new DefaultMetricCollector({
    clock,
    rollingWindow: s.rollingWindow,
    rollingBuckets: s.rollingBuckets,
    latencyWindow: s.latencyWindow,
    latencyBuckets: s.latencyBuckets,
  });
}
