import type { Clock } from './clock.js';
import type { DeadlineQueue } from './deadlines.js';
import {
  BAD_REQUEST,
  CONTEXT_CANCELED,
  CONTEXT_DEADLINE_EXCEEDED,
  type EventCode,
  RATE_LIMITED,
  SUCCESS,
} from './events.js';
import type { CircuitFleet } from './fleet-view.js';
import { type Logger, safeLog } from './logger.js';
import type { DefaultMetricCollector } from './metrics/default-collector.js';
import {
  type Health,
  HEALTHY,
  MetricExchange,
  TRIP_CONSECUTIVE,
  TRIP_SLOW_CALLS,
} from './metrics/exchange.js';
import { type AttemptPolicy, attemptPolicyFor } from './policies/attempt-policy.js';
import type { RandomSource } from './policies/backoff.js';
import { type AdaptiveLimit, createAdaptiveLimit } from './policies/adaptive-limit.js';
import { type RateLimiter, TokenBucket } from './policies/token-bucket.js';
import { type Waiter, WaitQueue } from './policies/wait-queue.js';
import type { CircuitStateName, EventHub, StateChangeReason } from './state-events.js';
import type { MetricCollectorFactory } from './metrics/metric-result.js';
import { type ExecutorPool, Pool } from './pool.js';
import type { Settings } from './settings.js';
import { type CircuitState, type CircuitStats, readStats } from './stats.js';

export type { CircuitState } from './stats.js';

/** The circuit's own state machine; forcing open or closed overrides it without changing it. */
type State =
  | { readonly kind: 'closed' }
  | { readonly kind: 'open'; readonly openedAt: number }
  | { readonly kind: 'half-open'; admitted: number; succeeded: number };

const CLOSED: State = Object.freeze({ kind: 'closed' });

/** @internal Admission: the call may run. */
export const ADMIT_CALL = 0;
/** @internal Admission: the call may run, as a half-open probe. */
export const ADMIT_PROBE = 1;
/** @internal Admission: the call is short-circuited. */
export const DENY_CALL = -1;
/** @internal What {@link CircuitBreaker.admit} answers. */
export type Admission = typeof ADMIT_CALL | typeof ADMIT_PROBE | typeof DENY_CALL;

/** @internal What a circuit needs from the registry that owns it. */
export interface CircuitOwner {
  readonly clock: Clock;
  readonly events: EventHub;
  logger(): Logger;
  deadlinesFor(timeout: number): DeadlineQueue;
  /** The random source of backoff jitter. */
  readonly random: RandomSource;
}

/** @internal A call waiting in the circuit's queue for a ticket. */
export interface TicketWaiter extends Waiter {
  /** A ticket was taken for it at `now`: it runs. */
  ticketGranted(now: number): void;
}

/**
 * The circuit breaker of one command name (hystrix-go's `CircuitBreaker`), with its executor pool and its
 * metrics beside it. Get one with `getCircuit(name)`. Closed, it lets calls through and watches their health;
 * when the requests in the window reach `requestVolumeThreshold` and the error percentage reaches
 * `errorPercentThreshold`, it opens and short-circuits calls; after `sleepWindow` it turns half-open and lets
 * `halfOpenProbes` probes through: all succeed and it closes, any fails and it opens again.
 */
export interface CircuitBreaker {
  /** The command name. */
  readonly name: string;
  /** The executor pool: tickets in flight and their rolling metrics. */
  readonly pool: ExecutorPool;
  /** The state: `'open'` while forced open, `'closed'` while forced closed, else the circuit's own. */
  readonly state: CircuitState;
  /**
   * True when the circuit is open or half-open (hystrix-go keeps `open` during its single test), or forced open.
   * Read-only: reading never changes the circuit (health is judged when a call is admitted).
   */
  isOpen(): boolean;
  /**
   * Whether a call made now would be let through. Read-only, unlike hystrix-go's: it neither opens the circuit
   * nor uses up a half-open probe.
   */
  allowRequest(): boolean;
  /** Forces the circuit open (every call short-circuits) until called with `false`. Wins over force closed. */
  forceOpen(on: boolean): void;
  /** Forces the circuit closed (every call is let through, whatever its health) until called with `false`. */
  forceClosed(on: boolean): void;
  /** The rolling figures of the circuit and its pool, read now. Reading changes nothing. */
  stats(): CircuitStats;
  /** The default collector's rolling metrics (hystrix-go's `DefaultMetricCollector` of this circuit). */
  readonly metricCollector: DefaultMetricCollector;
  /** The settings the circuit runs with. */
  readonly circuitSettings: Settings;
}

/** @internal The circuit of a command: its states, with what the execution needs of it. */
export class Circuit implements CircuitBreaker {
  /** The command name. */
  readonly name: string;
  /** The executor pool: tickets in flight and their rolling metrics. */
  readonly pool: Pool;
  /** @internal The registry's clock. */
  readonly clock: Clock;
  /** @internal */
  settings: Settings;
  /** @internal Results in, collectors out, health judged. */
  readonly exchange: MetricExchange;
  /** @internal Deadlines of runs, shared with every command of the same timeout. */
  runDeadlines: DeadlineQueue;
  /** @internal Deadlines of fallbacks. */
  fallbackDeadlines: DeadlineQueue;
  /** @internal The rate limit, when the command has one. */
  limiter: RateLimiter | null = null;
  /** @internal Retries or hedging, when the command has either: a call then runs as an `AttemptedCall`. */
  attempts: AttemptPolicy | null = null;
  /** @internal The adaptive concurrency limit, when the command has one (`adaptiveConcurrency`). */
  adaptive: AdaptiveLimit | null = null;
  /** @internal The fleet this circuit belongs to, while its registry has joined one. */
  fleet: CircuitFleet | null = null;
  /** The fleet's share of a fleet-wide concurrency limit for this process, or -1 for none. */
  private fleetTickets = -1;
  /** The fleet's share of a fleet-wide rate limit, replacing the command's own while set. */
  private fleetLimiter: RateLimiter | null = null;
  /** @internal Calls waiting for a ticket, when the command has a queue. */
  waiters: WaitQueue<TicketWaiter> | null = null;
  /** @internal Deadlines of waits in the queue, when the command has one. */
  queueDeadlines: DeadlineQueue | null = null;
  /** A hand-off of tickets to waiters is under way: a ticket returned meanwhile is handed by the same loop. */
  private handingOff = false;
  /** @internal Bumped on every state change, so that an outcome from an earlier state is recognised. */
  epoch = 0;
  private current: State = CLOSED;
  private forcedOpen = false;
  private forcedClosed = false;
  /** Either is forced: one check on the hot path. */
  private forcing = false;
  /** The episode of hung runs (`pool.hungEpisodes`) last reported. */
  private hungReported = 0;

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
    this.pool = new Pool(
      settings.maxConcurrentRequests,
      owner.clock,
      settings.rollingWindow,
      settings.rollingBuckets,
    );
    this.exchange = new MetricExchange(name, owner.clock, settings, this.pool, (message) => {
      this.log('error', message);
    });
    this.runDeadlines = owner.deadlinesFor(settings.timeout);
    this.fallbackDeadlines = owner.deadlinesFor(settings.fallbackTimeout);
    this.applyPolicies(settings, null);
    this.attempts = attemptPolicyFor(settings, null, owner.clock, owner.random);
    this.applyAdaptive(settings, null);
    this.pool.max = this.ticketLimit();
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
        return this.tripped(now) === HEALTHY;
      case 'open':
        return now - s.openedAt > this.settings.sleepWindow && this.mayProbe();
      case 'half-open':
        return s.admitted < this.settings.halfOpenProbes && this.mayProbe();
    }
  }

  /** Outside a fleet, always; in one, only the process that holds the fleet's probe sends probes. */
  private mayProbe(): boolean {
    return this.fleet === null || this.fleet.mayProbe();
  }

  /** Forces the circuit open (every call short-circuits) until called with `false`. Wins over force closed. */
  forceOpen(on: boolean): void {
    if (typeof on !== 'boolean') throw new TypeError('forceOpen(on): on must be a boolean');
    const from = this.stateName();
    this.forcedOpen = on;
    this.forcing = this.forcedOpen || this.forcedClosed;
    this.changed(from, on ? 'forced' : 'unforced');
  }

  /** Forces the circuit closed (every call is let through, whatever its health) until called with `false`. */
  forceClosed(on: boolean): void {
    if (typeof on !== 'boolean') throw new TypeError('forceClosed(on): on must be a boolean');
    const from = this.stateName();
    this.forcedClosed = on;
    this.forcing = this.forcedOpen || this.forcedClosed;
    this.changed(from, on ? 'forced' : 'unforced');
  }

  /** The rolling figures of the circuit and its pool, read now. Reading changes nothing. */
  stats(): CircuitStats {
    return readStats(
      {
        name: this.name,
        state: this.state,
        isOpen: this.isOpen(),
        forcedOpen: this.forcedOpen,
        forcedClosed: this.forcedClosed,
      },
      this.exchange,
      this.pool,
      this.waiters?.size() ?? 0,
      this.owner.clock.now(),
      this.fleet === null ? null : this.fleet.stats(),
      this.adaptive === null ? null : this.adaptive.read(),
      this.attempts,
    );
  }

  /** The default collector's rolling metrics (hystrix-go's `DefaultMetricCollector` of this circuit). */
  get metricCollector(): DefaultMetricCollector {
    return this.exchange.metrics;
  }

  /** The settings the circuit runs with. */
  get circuitSettings(): Settings {
    return this.settings;
  }

  /** @internal Admission of a call at `now`. Judges health, so it may open the circuit. */
  admit(now: number): Admission {
    if (!this.forcing && this.current === CLOSED) {
      const health = this.tripped(now);
      if (health === HEALTHY) return ADMIT_CALL;
      this.open(now, tripReason(health));
      return DENY_CALL;
    }
    return this.admitSlowly(now);
  }

  /** Admission when forced, open or half-open: off the hot path. */
  private admitSlowly(now: number): Admission {
    if (this.forcedOpen) return DENY_CALL;
    if (this.forcedClosed) return ADMIT_CALL;
    const s = this.current;
    switch (s.kind) {
      case 'closed': {
        const health = this.tripped(now);
        if (health !== HEALTHY) {
          this.open(now, tripReason(health));
          return DENY_CALL;
        }
        return ADMIT_CALL;
      }
      case 'open':
        if (now - s.openedAt > this.settings.sleepWindow && this.mayProbe()) {
          this.halfOpen(now);
          return ADMIT_PROBE;
        }
        return DENY_CALL;
      case 'half-open':
        if (s.admitted < this.settings.halfOpenProbes && this.mayProbe()) {
          s.admitted++;
          return ADMIT_PROBE;
        }
        return DENY_CALL;
    }
  }

  /** @internal The primary outcome of a probe admitted in `epoch`. */
  probeOutcome(epoch: number, event: EventCode, now: number): void {
    const s = this.current;
    if (epoch !== this.epoch || s.kind !== 'half-open') return;
    if (event === SUCCESS) {
      if (++s.succeeded >= this.settings.halfOpenProbes) this.close(now);
    } else if (
      event === CONTEXT_CANCELED ||
      event === CONTEXT_DEADLINE_EXCEEDED ||
      event === BAD_REQUEST ||
      event === RATE_LIMITED
    ) {
      // The caller gave up, was at fault, or our own limit shed it: that says nothing of the dependency, so the
      // probe's place goes to another call.
      s.admitted--;
    } else {
      this.open(now, 'probe-failed');
    }
  }

  /** @internal New settings for this circuit. */
  applySettings(settings: Settings): void {
    const old = this.settings;
    this.settings = settings;
    this.applyAdaptive(settings, old);
    this.pool.max = this.ticketLimit();
    this.applyPolicies(settings, old);
    this.attempts = attemptPolicyFor(settings, this.attempts, this.clock, this.owner.random);
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
      this.exchange.configure(settings, true);
      this.pool.reshape(this.owner.clock, settings.rollingWindow, settings.rollingBuckets);
    } else {
      this.exchange.configure(settings, false);
    }
    // A larger limit frees tickets for calls already waiting.
    this.handOff(this.owner.clock.now());
  }

  /** The rate limit and the queue, as the settings ask: made, remade or dropped. */
  private applyPolicies(settings: Settings, old: Settings | null): void {
    const rate = settings.maxRequestsPerSecond;
    if (this.fleetLimiter !== null) this.limiter = this.fleetLimiter;
    else if (rate === 0) this.limiter = null;
    else if (
      old === null ||
      rate !== old.maxRequestsPerSecond ||
      settings.burst !== old.burst ||
      this.limiter === null
    ) {
      const burst = settings.burst > 0 ? settings.burst : Math.max(1, Math.ceil(rate));
      this.limiter = new TokenBucket(rate, burst, this.owner.clock.now());
    }
    if (settings.maxQueueSize > 0) {
      this.waiters ??= new WaitQueue();
      this.queueDeadlines = this.owner.deadlinesFor(settings.maxQueueWait);
    } else if (this.waiters !== null && this.waiters.size() === 0) {
      // Calls still waiting keep their queue until they leave it; new ones no longer wait.
      this.waiters = null;
      this.queueDeadlines = null;
    }
  }

  /** The adaptive limit, as the settings ask: made (starting at its minimum), rebounded or dropped. */
  private applyAdaptive(settings: Settings, old: Settings | null): void {
    const algorithm = settings.adaptiveConcurrency;
    if (algorithm === null) this.adaptive = null;
    else if (old === null || this.adaptive === null || algorithm !== this.adaptive.algorithm) {
      this.adaptive = createAdaptiveLimit(
        algorithm,
        settings.minConcurrentRequests,
        settings.maxConcurrentRequests,
      );
    } else {
      this.adaptive.bound(settings.minConcurrentRequests, settings.maxConcurrentRequests);
    }
  }

  /**
   * @internal A run ended at `now` after `rtt` ms with `inflight` runs in flight (itself included): a success, or
   * a timeout (`dropped`). The adaptive limit takes the sample; a new limit applies to the pool at once, and a
   * larger one frees tickets for calls waiting. Called only when the command has an adaptive limit.
   */
  adaptiveSample(now: number, rtt: number, inflight: number, dropped: boolean): void {
    const adaptive = this.adaptive;
    if (adaptive === null) return;
    const before = adaptive.limit;
    adaptive.sample(now, rtt, inflight, dropped);
    const limit = adaptive.limit;
    if (limit === before) return;
    this.pool.max = this.ticketLimit();
    if (limit > before) this.handOff(now);
  }

  /**
   * @internal Tickets freed at `now` go to the calls waiting for one, first come first served. Reentrant calls
   * (a waiter's run settling at once returns its ticket) are served by the loop already under way.
   */
  handOff(now: number): void {
    const waiters = this.waiters;
    if (waiters === null || this.handingOff || waiters.size() === 0) return;
    this.handingOff = true;
    try {
      const pool = this.pool;
      while (pool.activeCount < pool.max) {
        const waiter = waiters.shift();
        if (waiter === null) break;
        pool.tryAcquire(now);
        waiter.ticketGranted(now);
      }
    } finally {
      this.handingOff = false;
    }
  }

  /**
   * The tickets this process may use: the command's limit (its adaptive limit, when it has one), or the fleet's
   * share of its limit when lower. In a fleet, each process adapts its own share.
   */
  private ticketLimit(): number {
    const adaptive = this.adaptive;
    const own = adaptive === null ? this.settings.maxConcurrentRequests : adaptive.limit;
    return this.fleetTickets >= 0 && this.fleetTickets < own ? this.fleetTickets : own;
  }

  /**
   * @internal The fleet's limits for this process: its share of a fleet-wide concurrency limit (-1: none) and of
   * a fleet-wide rate limit (null: none, the command's own applies). A larger share frees tickets for waiters.
   */
  setFleetLimits(tickets: number, limiter: RateLimiter | null): void {
    this.fleetTickets = tickets;
    this.pool.max = this.ticketLimit();
    if (limiter !== this.fleetLimiter) {
      this.fleetLimiter = limiter;
      this.applyPolicies(this.settings, null);
    }
    this.handOff(this.owner.clock.now());
  }

  /**
   * @internal The circuit's own state as the fleet reads it: `openedAt` is 0 unless open, and `probing` tells a
   * half-open circuit apart.
   */
  fleetState(): { readonly openedAt: number; readonly probing: boolean } {
    const s = this.current;
    if (s.kind === 'open') return { openedAt: s.openedAt, probing: false };
    return { openedAt: 0, probing: s.kind === 'half-open' };
  }

  /**
   * @internal The fleet opened the circuit at `openedAt` (another process tripped it, or its probe failed): this
   * process opens it too, from that time, unless it already is open from then. A probe of this process in flight
   * is forgotten: its outcome no longer counts.
   */
  adoptOpen(openedAt: number, now: number): void {
    const s = this.current;
    if (s.kind === 'open' && s.openedAt === openedAt) return;
    const from = this.stateName();
    this.current = { kind: 'open', openedAt };
    this.epoch++;
    if (s.kind === 'closed') this.log('info', `hystrix: opening circuit ${this.name} (fleet)`);
    this.changed(from, 'fleet', now);
  }

  /** @internal The fleet closed the circuit (a probe succeeded somewhere): this process closes it too. */
  adoptClosed(now: number): void {
    if (this.current.kind === 'closed') return;
    const from = this.stateName();
    const figures = this.owner.events.listensToState ? this.exchange.figures(now) : null;
    this.current = CLOSED;
    this.epoch++;
    this.log('info', `hystrix: closing circuit ${this.name} (fleet)`);
    this.resetMetrics(false);
    if (figures !== null && this.stateName() !== from) this.tell(from, 'fleet', now, figures);
  }

  /** @internal Adds the collector of a factory. */
  attach(factory: MetricCollectorFactory): void {
    this.exchange.attach(factory);
  }

  /** @internal Removes the collector of a factory. */
  detach(factory: MetricCollectorFactory): void {
    this.exchange.detach(factory);
  }

  /** @internal Resets the metrics of every collector and, with `includePool`, of the pool (hystrix-go's `Flush`). */
  resetMetrics(includePool: boolean): void {
    if (includePool) this.pool.reset();
    this.exchange.reset();
  }

  /**
   * @internal A call found every ticket in use. When every one is held by a run that timed out and has not
   * settled, the command is disabled until they do: say so once, and again only after such runs have all ended.
   */
  poolFull(): void {
    const pool = this.pool;
    if (pool.hungCount < pool.max || this.hungReported === pool.hungEpisodes) return;
    this.hungReported = pool.hungEpisodes;
    this.log(
      'error',
      `hystrix: circuit ${this.name}: all ${pool.max} tickets are held by runs that timed out and have not ` +
        'settled; every call is rejected until they do (does run stop when ctx.signal aborts?)',
    );
  }

  private tripped(now: number): Health {
    return this.exchange.tripped(now, this.settings);
  }

  private open(now: number, reason: StateChangeReason): void {
    const from = this.stateName();
    this.current = { kind: 'open', openedAt: now };
    this.epoch++;
    this.log('info', `hystrix: opening circuit ${this.name}`);
    this.changed(from, reason, now);
    this.fleet?.changed();
  }

  private halfOpen(now: number): void {
    const from = this.stateName();
    this.current = { kind: 'half-open', admitted: 1, succeeded: 0 };
    this.epoch++;
    this.changed(from, 'sleep-window', now);
    this.fleet?.changed();
    const probes = this.settings.halfOpenProbes;
    this.log(
      'info',
      probes === 1
        ? `hystrix: allowing single test to possibly close circuit ${this.name}`
        : `hystrix: allowing ${probes} tests to possibly close circuit ${this.name}`,
    );
  }

  private close(now: number): void {
    const from = this.stateName();
    // The figures that closed it, read before the reset below.
    const figures = this.owner.events.listensToState ? this.exchange.figures(now) : null;
    this.current = CLOSED;
    this.epoch++;
    this.log('info', `hystrix: closing circuit ${this.name}`);
    // hystrix-go's setClose: the window of errors that opened the circuit must not reopen it.
    this.resetMetrics(false);
    if (figures !== null) this.tell(from, 'probes-succeeded', now, figures);
    this.fleet?.changed();
  }

  /** The state as state events name it. */
  private stateName(): CircuitStateName {
    if (this.forcedOpen) return 'forced-open';
    if (this.forcedClosed) return 'forced-closed';
    return this.current.kind;
  }

  /** Tells the registry's listeners of a change from `from`, if the state did change and anyone listens. */
  private changed(from: CircuitStateName, reason: StateChangeReason, at?: number): void {
    if (!this.owner.events.listensToState || this.stateName() === from) return;
    const now = at ?? this.owner.clock.now();
    this.tell(from, reason, now, this.exchange.figures(now));
  }

  private tell(
    from: CircuitStateName,
    reason: StateChangeReason,
    now: number,
    figures: ReturnType<MetricExchange['figures']>,
  ): void {
    this.owner.events.emit('state', {
      name: this.name,
      from,
      to: this.stateName(),
      reason,
      figures,
      at: now,
    });
  }

  /** @internal The registry's deadlines of `ms` milliseconds: retry backoffs and hedge delays wait in them. */
  deadlinesFor(ms: number): DeadlineQueue {
    return this.owner.deadlinesFor(ms);
  }

  /** @internal Logs an error isolated on this circuit's behalf. */
  logError(message: string): void {
    this.log('error', message);
  }

  private log(level: 'info' | 'error', message: string): void {
    safeLog(this.owner.logger(), level, message);
  }
}

function tripReason(health: Health): StateChangeReason {
  return health === TRIP_CONSECUTIVE
    ? 'consecutive-failures'
    : health === TRIP_SLOW_CALLS
      ? 'slow-calls'
      : 'thresholds';
}
