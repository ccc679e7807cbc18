import type { Clock } from './clock.js';
import type { DeadlineQueue } from './deadlines.js';
import { describeError } from './errors.js';
import {
  CONTEXT_CANCELED,
  CONTEXT_DEADLINE_EXCEEDED,
  EVENT_NAMES,
  FAILURE,
  FALLBACK_EVENT_NAMES,
  FALLBACK_FAILURE,
  FALLBACK_SUCCESS,
  IS_ERROR,
  REJECTED,
  SHORT_CIRCUIT,
  SUCCESS,
  TIMEOUT,
} from './events.js';
import { type Logger, safeLog } from './logger.js';
import { DefaultMetricCollector, errorPercent } from './metrics/default-collector.js';
import type {
  MetricCollector,
  MetricCollectorFactory,
  MetricResult,
} from './metrics/metric-result.js';
import { ExecutorPool } from './pool.js';
import { catchRejection } from './thenable.js';
import type { Settings } from './settings.js';
import { type CircuitStats, readStats } from './stats.js';

/** The state of a circuit, as `circuit.state` reports it. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** The circuit's own state machine; forcing open or closed overrides it without changing it. */
type State =
  | { readonly kind: 'closed' }
  | { readonly kind: 'open'; readonly openedAt: number }
  | { readonly kind: 'half-open'; admitted: number; succeeded: number };

const CLOSED: State = Object.freeze({ kind: 'closed' });
const NO_COLLECTORS: readonly MetricCollector[] = Object.freeze([]);

/** @internal Admission answers. */
export const ADMIT = 0;
/** @internal The call is admitted as a half-open probe. */
export const PROBE = 1;
/** @internal The call is short-circuited. */
export const SHORT = -1;

/** @internal What a circuit needs from the registry that owns it. */
export interface CircuitOwner {
  readonly clock: Clock;
  logger(): Logger;
  deadlinesFor(timeout: number): DeadlineQueue;
}

/**
 * The circuit breaker of one command name (hystrix-go's `CircuitBreaker`), with its executor pool and rolling
 * metrics. Get one with `getCircuit(name)`. Closed, it lets calls through and watches their health; when the
 * requests in the window reach `requestVolumeThreshold` and the error percentage reaches `errorPercentThreshold`,
 * it opens and short-circuits calls; after `sleepWindow` it turns half-open and lets `halfOpenProbes` probes
 * through: all succeed and it closes, any fails and it opens again.
 */
export class CircuitBreaker {
  /** The command name. */
  readonly name: string;
  /** The executor pool: tickets in flight and their rolling metrics. */
  readonly pool: ExecutorPool;
  /** @internal The registry's clock. */
  readonly clock: Clock;
  /** @internal */
  settings: Settings;
  /** @internal The default collector: health and `stats()` read it. */
  metrics: DefaultMetricCollector;
  /** @internal Collectors from registered factories (a shared empty list until there is one). */
  collectors: readonly MetricCollector[] = NO_COLLECTORS;
  /** @internal Deadlines of runs, shared with every command of the same timeout. */
  runDeadlines: DeadlineQueue;
  /** @internal Deadlines of fallbacks. */
  fallbackDeadlines: DeadlineQueue;
  /** @internal Bumped on every state change, so that an outcome from an earlier state is recognised. */
  epoch = 0;
  private current: State = CLOSED;
  private forcedOpen = false;
  private forcedClosed = false;
  /** Either is forced: one check on the hot path. */
  private forcing = false;
  private byFactory: Map<MetricCollectorFactory, MetricCollector> | null = null;

  /** @internal */
  constructor(
    name: string,
    settings: Settings,
    private readonly owner: CircuitOwner,
    factories: readonly MetricCollectorFactory[],
  ) {
    this.name = name;
    this.clock = owner.clock;
    this.settings = settings;
    this.metrics = newCollector(owner.clock, settings);
    this.pool = new ExecutorPool(
      settings.maxConcurrentRequests,
      owner.clock,
      settings.rollingWindow,
      settings.rollingBuckets,
    );
    this.runDeadlines = owner.deadlinesFor(settings.timeout);
    this.fallbackDeadlines = owner.deadlinesFor(settings.fallbackTimeout);
    for (const factory of factories) this.attach(factory);
  }

  /** The state: `'open'` while forced open, `'closed'` while forced closed, else the circuit's own. */
  get state(): CircuitState {
    if (this.forcedOpen) return 'open';
    if (this.forcedClosed) return 'closed';
    return this.current.kind;
  }

  /**
   * True when the circuit is open or half-open (hystrix-go keeps `open` during its single test), or forced open.
   * Read-only: reading never changes the circuit (health is judged when a call is admitted).
   */
  isOpen(): boolean {
    return this.forcedOpen || (!this.forcedClosed && this.current.kind !== 'closed');
  }

  /**
   * Whether a call made now would be let through. Read-only, unlike hystrix-go's: it neither opens the circuit
   * nor uses up a half-open probe.
   */
  allowRequest(): boolean {
    if (this.forcedOpen) return false;
    if (this.forcedClosed) return true;
    const now = this.owner.clock.now();
    const s = this.current;
    switch (s.kind) {
      case 'closed':
        return !this.tripped(now);
      case 'open':
        return now - s.openedAt > this.settings.sleepWindow;
      case 'half-open':
        return s.admitted < this.settings.halfOpenProbes;
    }
  }

  /** Forces the circuit open (every call short-circuits) until called with `false`. Wins over force closed. */
  forceOpen(on: boolean): void {
    if (typeof on !== 'boolean') throw new TypeError('forceOpen(on): on must be a boolean');
    this.forcedOpen = on;
    this.forcing = this.forcedOpen || this.forcedClosed;
  }

  /** Forces the circuit closed (every call is let through, whatever its health) until called with `false`. */
  forceClosed(on: boolean): void {
    if (typeof on !== 'boolean') throw new TypeError('forceClosed(on): on must be a boolean');
    this.forcedClosed = on;
    this.forcing = this.forcedOpen || this.forcedClosed;
  }

  /** The rolling figures of the circuit and its pool, read now. Reading changes nothing. */
  stats(): CircuitStats {
    return readStats(this, this.owner.clock.now(), this.forcedOpen, this.forcedClosed);
  }

  /** The default collector's rolling metrics (hystrix-go's `DefaultMetricCollector` of this circuit). */
  get metricCollector(): DefaultMetricCollector {
    return this.metrics;
  }

  /** The settings the circuit runs with. */
  get circuitSettings(): Settings {
    return this.settings;
  }

  /** @internal Admission of a call at `now`: ADMIT, PROBE or SHORT. Judges health, so it may open the circuit. */
  admit(now: number): number {
    if (!this.forcing && this.current === CLOSED) {
      if (!this.tripped(now)) return ADMIT;
      this.open(now);
      return SHORT;
    }
    return this.admitSlowly(now);
  }

  /** Admission when forced, open or half-open: off the hot path. */
  private admitSlowly(now: number): number {
    if (this.forcedOpen) return SHORT;
    if (this.forcedClosed) return ADMIT;
    const s = this.current;
    switch (s.kind) {
      case 'closed':
        if (this.tripped(now)) {
          this.open(now);
          return SHORT;
        }
        return ADMIT;
      case 'open':
        if (now - s.openedAt > this.settings.sleepWindow) {
          this.halfOpen();
          return PROBE;
        }
        return SHORT;
      case 'half-open':
        if (s.admitted < this.settings.halfOpenProbes) {
          s.admitted++;
          return PROBE;
        }
        return SHORT;
    }
  }

  /** @internal The primary outcome of a probe admitted in `epoch`. */
  probeOutcome(epoch: number, event: number, now: number): void {
    const s = this.current;
    if (epoch !== this.epoch || s.kind !== 'half-open') return;
    if (event === SUCCESS) {
      if (++s.succeeded >= this.settings.halfOpenProbes) this.close();
    } else if (event === CONTEXT_CANCELED || event === CONTEXT_DEADLINE_EXCEEDED) {
      // The caller gave up: that says nothing of the dependency, so the probe's place goes to another call.
      s.admitted--;
    } else {
      this.open(now);
    }
  }

  /** @internal Records one execution in every collector. `runMs` < 0: run did not decide the outcome. */
  report(now: number, event: number, fallback: number, runMs: number, totalMs: number): void {
    this.metrics.record(now, event, fallback, runMs, totalMs);
    if (this.collectors.length !== 0) this.reportToCollectors(event, fallback, runMs, totalMs);
  }

  /** The registered collectors' share of a report: off the hot path when there are none. */
  private reportToCollectors(
    event: number,
    fallback: number,
    runMs: number,
    totalMs: number,
  ): void {
    const collectors = this.collectors;
    const result: MetricResult = {
      attempts: 1,
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
      totalDuration: totalMs,
      runDuration: runMs >= 0 ? runMs : undefined,
      concurrencyInUse: this.pool.max > 0 ? this.pool.activeCount / this.pool.max : 0,
      event: EVENT_NAMES[event]!,
      fallbackEvent: FALLBACK_EVENT_NAMES[fallback],
    };
    // One result serves every collector: frozen, so that one cannot change what the next one sees.
    Object.freeze(result);
    const failed = (error: unknown): void => {
      this.log(
        'error',
        `hystrix: metric collector of circuit ${this.name} failed: ${describeError(error)}`,
      );
    };
    for (const collector of collectors) {
      try {
        catchRejection(collector.update(result), failed);
      } catch (error: unknown) {
        failed(error);
      }
    }
  }

  /** @internal New settings for this circuit. */
  applySettings(settings: Settings): void {
    const old = this.settings;
    this.settings = settings;
    this.pool.max = settings.maxConcurrentRequests;
    if (settings.timeout !== old.timeout)
      this.runDeadlines = this.owner.deadlinesFor(settings.timeout);
    if (settings.fallbackTimeout !== old.fallbackTimeout) {
      this.fallbackDeadlines = this.owner.deadlinesFor(settings.fallbackTimeout);
    }
    if (
      settings.rollingWindow !== old.rollingWindow ||
      settings.rollingBuckets !== old.rollingBuckets ||
      settings.latencyWindow !== old.latencyWindow ||
      settings.latencyBuckets !== old.latencyBuckets
    ) {
      this.metrics = newCollector(this.owner.clock, settings);
      this.pool.reshape(this.owner.clock, settings.rollingWindow, settings.rollingBuckets);
    }
  }

  /** @internal Adds the collector of a factory; a factory that throws is logged and skipped. */
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
      this.log(
        'error',
        `hystrix: metric collector factory failed for circuit ${this.name}: ${describeError(error)}`,
      );
    }
  }

  /** @internal Removes the collector of a factory. */
  detach(factory: MetricCollectorFactory): void {
    const collector = this.byFactory?.get(factory);
    if (collector === undefined) return;
    this.byFactory!.delete(factory);
    this.collectors = this.collectors.filter((c) => c !== collector);
  }

  /** @internal Resets the metrics of every collector and of the pool (hystrix-go's `Flush` for one circuit). */
  resetMetrics(includePool: boolean): void {
    this.metrics.reset();
    if (includePool) this.pool.reset();
    const failed = (error: unknown): void => {
      this.log(
        'error',
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

  private tripped(now: number): boolean {
    const requests = this.metrics.requestsAt(now);
    if (requests < this.settings.requestVolumeThreshold) return false;
    return (
      errorPercent(requests, this.metrics.errorsAt(now)) >= this.settings.errorPercentThreshold
    );
  }

  private open(now: number): void {
    this.current = { kind: 'open', openedAt: now };
    this.epoch++;
    this.log('info', `hystrix: opening circuit ${this.name}`);
  }

  private halfOpen(): void {
    this.current = { kind: 'half-open', admitted: 1, succeeded: 0 };
    this.epoch++;
    const probes = this.settings.halfOpenProbes;
    this.log(
      'info',
      probes === 1
        ? `hystrix: allowing single test to possibly close circuit ${this.name}`
        : `hystrix: allowing ${probes} tests to possibly close circuit ${this.name}`,
    );
  }

  private close(): void {
    this.current = CLOSED;
    this.epoch++;
    this.log('info', `hystrix: closing circuit ${this.name}`);
    // hystrix-go's setClose: the window of errors that opened the circuit must not reopen it.
    this.resetMetrics(false);
  }

  private log(level: 'info' | 'error', message: string): void {
    safeLog(this.owner.logger(), level, message);
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
