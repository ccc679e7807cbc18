// The published declarations of ./dist/logger-<hash>.d.ts, as a report of the public API.
// Generated: do not edit. After changing the API, run: npm run api

import { T as TimingReader, C as Clock } from './timing.chunk.js';

/**
 * Event types, spelled exactly as hystrix-go spells them (note the mixed `-` and `_`). Internally an event is a
 * small integer, so that recording one is an array index rather than a string compare. `bad-request` (Hystrix
 * Java's) and `rate-limited` are this library's own: neither counts toward health.
 */
/** The primary outcome of one execution. */
type EventType =
  | 'success'
  | 'failure'
  | 'rejected'
  | 'short-circuit'
  | 'timeout'
  | 'context_canceled'
  | 'context_deadline_exceeded'
  | 'bad-request'
  | 'rate-limited';
/** The outcome of a fallback, reported after the primary event when a fallback ran. */
type FallbackEventType = 'fallback-success' | 'fallback-failure';
/** Every primary event type, in hystrix-go's order (exporters use it to create their series up front). */
declare const EVENT_TYPES: readonly EventType[];
/** Both fallback event types. */
declare const FALLBACK_EVENT_TYPES: readonly FallbackEventType[];

/**
 * One execution, as collectors receive it (hystrix-go's `MetricResult`): each count is 0 or 1, durations are in
 * milliseconds.
 */
interface MetricResult {
  /** 1 for an execution that counts toward health (a request): every one but bad requests and rate-limited calls. */
  readonly attempts: number;
  /** 1 when the primary event counts as an error (failure, rejected, short-circuit, timeout). */
  readonly errors: number;
  /** 1 for a `success`. */
  readonly successes: number;
  /** 1 for a `failure` (run threw or rejected). */
  readonly failures: number;
  /** 1 for `rejected` (concurrency limit reached). */
  readonly rejects: number;
  /** 1 for `short-circuit` (circuit open). */
  readonly shortCircuits: number;
  /** 1 for `timeout`. */
  readonly timeouts: number;
  /** 1 when a fallback ran and succeeded. */
  readonly fallbackSuccesses: number;
  /** 1 when a fallback ran and failed. */
  readonly fallbackFailures: number;
  /** 1 for `context_canceled` (the caller aborted). */
  readonly contextCanceled: number;
  /** 1 for `context_deadline_exceeded` (the caller's deadline passed). */
  readonly contextDeadlineExceeded: number;
  /** 1 for `bad-request` (the caller's fault: passed through, not counted toward health). */
  readonly badRequests: number;
  /** 1 for `rate-limited` (shed by the command's rate limit, not counted toward health). */
  readonly rateLimited: number;
  /** 1 when the run was slow (see `slowCallDuration`). */
  readonly slowCalls: number;
  /** 1 for an execution that retried its call after a failure or a timeout (see `retryAttempts`). */
  readonly retries: number;
  /** 1 for a hedge: an execution started because its call had not been answered in time (see `hedgeMaxAttempts`). */
  readonly hedges: number;
  /** 1 for a hedge whose success answered its call. */
  readonly hedgeWins: number;
  /** From the call to its outcome, fallback included. */
  readonly totalDuration: number;
  /**
   * How long `run` took, for executions whose run finished and decided the outcome (success or failure);
   * `undefined` for the others (hystrix-go reports 0 there, which skews run latency toward 0).
   */
  readonly runDuration: number | undefined;
  /** Tickets in use divided by the concurrency limit, after this execution returned its ticket. */
  readonly concurrencyInUse: number;
  /**
   * For a command with `adaptiveConcurrency`: the concurrency limit in force then (the adaptive limit, or a
   * fleet's share when lower: `stats().maxConcurrentRequests`). Undefined for a fixed limit.
   */
  readonly concurrencyLimit?: number | undefined;
  /** The primary event. */
  readonly event: EventType;
  /** The fallback's event, when a fallback ran. */
  readonly fallbackEvent: FallbackEventType | undefined;
}
/**
 * Receives every execution of one circuit (hystrix-go's `MetricCollector`). `update` is called synchronously at
 * the end of each execution, so it must be quick; an exception it throws is logged and isolated.
 */
interface MetricCollector {
  /** One execution's result. */
  update(result: MetricResult): void;
  /** The circuit's metrics were reset (it closed after being open, or the registry was flushed). */
  reset(): void;
}
/** Makes the collector of one circuit, given its name. */
type MetricCollectorFactory = (name: string) => MetricCollector;

/** Options of a {@link DefaultMetricCollector}: its clock and the shape of its two windows. */
interface DefaultMetricCollectorOptions {
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
declare class DefaultMetricCollector implements MetricCollector {
  /** Run durations: only executions whose run finished and decided the outcome. */
  readonly runDuration: TimingReader;
  /** Total durations, from the call to its outcome (fallback included), of every execution. */
  readonly totalDuration: TimingReader;
  private readonly counts;
  /** Lane 0: run durations; lane 1: total durations. */
  private readonly latency;
  /** @param options - the clock and window shapes. */
  constructor(options?: DefaultMetricCollectorOptions);
  /** Requests (attempts of every kind) in the window. */
  numRequests(): number;
  /** Errors (failures, rejections, short-circuits, timeouts) in the window. */
  errors(): number;
  /** Successes in the window. */
  successes(): number;
  /** Failures (run threw or rejected) in the window. */
  failures(): number;
  /** Rejections (concurrency limit) in the window. */
  rejects(): number;
  /** Short-circuits (circuit open) in the window. */
  shortCircuits(): number;
  /** Timeouts in the window. */
  timeouts(): number;
  /** Fallbacks that succeeded in the window. */
  fallbackSuccesses(): number;
  /** Fallbacks that failed in the window. */
  fallbackFailures(): number;
  /** Calls the caller cancelled, in the window. */
  contextCanceled(): number;
  /** Bad requests (passed through, not counted toward health) in the window. */
  badRequests(): number;
  /** Calls shed by the rate limit in the window. */
  rateLimited(): number;
  /** Slow calls (see `slowCallDuration`) in the window. */
  slowCalls(): number;
  /** Calls whose caller deadline passed, in the window. */
  contextDeadlineExceeded(): number;
  /** The error percentage in the window, rounded half up as hystrix-go rounds it; 0 with no requests. */
  errorPercent(): number;
  /** Records one execution given as a {@link MetricResult}. */
  update(result: MetricResult): void;
  /** Empties every window. */
  reset(): void;
}
/** hystrix-go's error percentage: `int(errors / requests * 100 + 0.5)`, 0 with no requests. */
declare function errorPercent(requests: number, errors: number): number;

/**
 * The executor pool of one circuit (hystrix-go's `executorPool`), `circuit.pool`: tickets for calls in flight.
 * A ticket is held until `run` really settles, so the limit bounds the work in flight even when calls time out.
 */
interface ExecutorPool {
  /** Tickets in use: runs in flight. */
  readonly activeCount: number;
  /**
   * Of the runs in flight, those that timed out and have not settled yet: they still hold their tickets (a run
   * that ignores its signal and never settles holds one for good).
   */
  readonly hungCount: number;
  /** The concurrency limit in force: `maxConcurrentRequests`, its adaptive limit, or a fleet's share when lower. */
  readonly max: number;
  /** Runs that held a ticket and returned it, in the rolling window (hystrix-go's `Executed`). */
  executed(): number;
  /** The most tickets in use at once in the rolling window (hystrix-go's `MaxActiveRequests`). */
  maxActiveRequests(): number;
}

/**
 * Adaptive concurrency limits (`adaptiveConcurrency`): the algorithms of Netflix's concurrency-limits
 * (github.com/Netflix/concurrency-limits, `com.netflix.concurrency.limits.limit`) behind one small interface.
 */
/**
 * An adaptive concurrency algorithm: `'aimd'` (loss-based), `'vegas'` or `'gradient2'` (latency-based), after
 * Netflix's concurrency-limits.
 */
type AdaptiveAlgorithm = 'aimd' | 'vegas' | 'gradient2';
/** The adaptive algorithms, as `adaptiveConcurrency` names them. */
declare const ADAPTIVE_ALGORITHMS: readonly AdaptiveAlgorithm[];
/** What an adaptive limit shows of itself: `stats().adaptive`, the extended stream and the exports. */
interface AdaptiveStats {
  /** The algorithm. */
  readonly algorithm: AdaptiveAlgorithm;
  /** The limit the algorithm sets now, from `minLimit` to `maxLimit` (a fleet's share may lower the pool's). */
  readonly limit: number;
  /** The lowest it goes: `minConcurrentRequests`. */
  readonly minLimit: number;
  /** The highest it goes: `maxConcurrentRequests`. */
  readonly maxLimit: number;
  /**
   * The latency the algorithm takes for "no queueing", in milliseconds: Vegas's `rtt_noload` (the least run
   * latency seen since its last probe), Gradient2's long-term average; null for AIMD, or before the first sample.
   */
  readonly rttNoLoad: number | null;
  /** The latency of the last sample the algorithm used, in milliseconds; null before the first. */
  readonly lastRtt: number | null;
  /** Samples taken: runs that ended, successes and timeouts. */
  readonly samples: number;
  /** Of those, drops: runs that timed out. */
  readonly drops: number;
}

/**
 * Command configuration: what users write (`CommandConfig`, or hystrix-go's JSON keys), what a circuit runs with
 * (`Settings`), the defaults, and the validation that keeps bad input out.
 */

/** hystrix-go's `DefaultTimeout`: milliseconds a call may take. */
declare const DefaultTimeout = 1000;
/** hystrix-go's `DefaultMaxConcurrent`: calls of one command in flight at once. */
declare const DefaultMaxConcurrent = 10;
/** hystrix-go's `DefaultVolumeThreshold`: requests in the window before health is judged. */
declare const DefaultVolumeThreshold = 20;
/** hystrix-go's `DefaultSleepWindow`: milliseconds an open circuit waits before a probe. */
declare const DefaultSleepWindow = 5000;
/** hystrix-go's `DefaultErrorPercentThreshold`: the error percentage that opens the circuit. */
declare const DefaultErrorPercentThreshold = 50;
/** Length of the rolling window of counts, in milliseconds (hystrix-go: fixed 10 s). */
declare const DefaultRollingWindow = 10000;
/** Buckets in the rolling window of counts (hystrix-go: fixed 10). */
declare const DefaultRollingBuckets = 10;
/** Length of the rolling window of latencies, in milliseconds (hystrix-go: fixed 60 s). */
declare const DefaultLatencyWindow = 60000;
/** Buckets in the rolling window of latencies (Hystrix's default: 6 of 10 s). */
declare const DefaultLatencyBuckets = 6;
/** Probes let through by a half-open circuit (hystrix-go: a single test). */
declare const DefaultHalfOpenProbes = 1;
/** Milliseconds a fallback may take before it counts as failed (hystrix-go: unbounded). */
declare const DefaultFallbackTimeout = 1000;
/** Milliseconds a call may wait in the queue for a ticket, when the command has a queue. */
declare const DefaultMaxQueueWait = 1000;
/** The share of slow calls, in percent, that opens the circuit when `slowCallDuration` is set (resilience4j's). */
declare const DefaultSlowCallPercentThreshold = 100;
/** The share of calls, in percent, that retries and hedges may add to a command's load (Finagle's `RetryBudget`). */
declare const DefaultRetryBudgetPercent = 10;
/** Retries and hedges a second allowed whatever the traffic, so that a quiet command can still retry. */
declare const DefaultRetryBudgetMinPerSecond = 10;
/** The first retry's backoff ceiling in milliseconds; each retry doubles it (AWS's "base"). */
declare const DefaultRetryBackoffBase = 100;
/** The largest backoff ceiling in milliseconds (AWS's "cap"). */
declare const DefaultRetryBackoffCap = 2000;
/** Tells whether an error thrown by `run` is the caller's fault: see {@link CommandConfig.isBadRequest}. */
type BadRequestPredicate = (error: unknown) => boolean;
/**
 * Configuration of one command, every field optional (an absent field takes the default). Durations are in
 * milliseconds. Each field is an integer; out-of-range values throw a `RangeError` and change nothing.
 */
interface CommandConfig {
  /**
   * Milliseconds from the call until it counts as timed out; 1 to 2147483647. Default 1000. The key is
   * hystrix-go's JSON key too: 0 means "the default" in a configuration that also has a hystrix-go snake_case key
   * (its JSON form), and is refused with a `RangeError` otherwise.
   */
  timeout?: number;
  /** Calls of this command in flight at once; beyond it calls are rejected. 1 or more. Default 10. */
  maxConcurrentRequests?: number;
  /** Requests in the rolling window before health is judged; 1 or more. Default 20. */
  requestVolumeThreshold?: number;
  /** Milliseconds an open circuit waits before letting probes through; 1 to 2147483647. Default 5000. */
  sleepWindow?: number;
  /** Error percentage (rounded) at or above which the circuit opens; 1 to 100. Default 50. */
  errorPercentThreshold?: number;
  /** Length of the rolling window of counts in milliseconds; a multiple of `rollingBuckets`. Default 10000. */
  rollingWindow?: number;
  /** Buckets in the rolling window of counts; 1 to 100. Default 10. */
  rollingBuckets?: number;
  /** Length of the rolling window of latencies in milliseconds; a multiple of `latencyBuckets`. Default 60000. */
  latencyWindow?: number;
  /** Buckets in the rolling window of latencies; 1 to 60. Default 6. */
  latencyBuckets?: number;
  /** Probes a half-open circuit lets through; all must succeed to close it. 1 or more. Default 1. */
  halfOpenProbes?: number;
  /** Milliseconds a fallback may take before it counts as failed; 1 to 2147483647. Default 1000. */
  fallbackTimeout?: number;
  /**
   * A token-bucket rate limit: calls a second, refilled continuously (a fraction is allowed, e.g. 0.5 for one
   * call every two seconds). A call that finds no token is shed with an error of the kind `ErrRateLimited`
   * before it takes a ticket. 0 (the default): no rate limit.
   */
  maxRequestsPerSecond?: number;
  /** The bucket's size: the most calls let through at once after a quiet spell. Default (0): one second's worth. */
  burst?: number;
  /**
   * Calls that may wait, first come first served, for a ticket when every one is in use; beyond it calls are
   * rejected as without a queue. 0 (the default): no queue.
   */
  maxQueueSize?: number;
  /** Milliseconds a call may wait in the queue before it is rejected; 1 to 2147483647. Default 1000. */
  maxQueueWait?: number;
  /**
   * Milliseconds from which a run counts as slow (success or failure; a timeout counts when the timeout is at
   * least this long). With the volume reached, the circuit opens when slow calls reach
   * `slowCallPercentThreshold` percent of the requests. 0 (the default): no slow-call rule.
   */
  slowCallDuration?: number;
  /** The share of slow calls, in percent (1 to 100), that opens the circuit. Default 100. */
  slowCallPercentThreshold?: number;
  /**
   * The circuit also opens after this many failures and timeouts in a row, whatever the volume; a success
   * resets the count. 0 (the default): no such rule.
   */
  consecutiveFailures?: number;
  /**
   * A concurrency limit for the whole fleet, when the registry has joined one (`hystrix-ts/redis`): the calls of
   * this command in flight at once across every process. Each process leases a share of it and runs with the
   * lower of its share and `maxConcurrentRequests`. 0 (the default): none. Without a fleet it has no effect.
   */
  fleetMaxConcurrentRequests?: number;
  /**
   * A rate limit for the whole fleet, in calls a second (a fraction is allowed): each process leases tokens of
   * the fleet's bucket and spends them locally, shedding calls like `maxRequestsPerSecond`. 0 (the default):
   * none. Without a fleet it has no effect.
   */
  fleetMaxRequestsPerSecond?: number;
  /**
   * Attempts a call makes in all, the first included: a failure or a timeout is retried after a backoff with full
   * jitter while attempts and the retry budget last; short-circuits, rejections, rate-limited calls, bad requests
   * and the caller's abort are never retried. Each attempt is an execution with its own timeout and events; the
   * fallback runs once, after the last. 1 (the default): no retry. At most 10. Not with `hedgeMaxAttempts`.
   */
  retryAttempts?: number;
  /**
   * The retry budget: retries and hedges may add at most this share, in percent (a fraction is allowed), of the
   * calls in the rolling window, beyond `retryBudgetMinPerSecond`. 0 to 100. Default 10.
   */
  retryBudgetPercent?: number;
  /** Retries and hedges a second the budget allows whatever the traffic (a fraction is allowed). Default 10. */
  retryBudgetMinPerSecond?: number;
  /** Milliseconds: the first retry waits a random time up to this; each further retry doubles it. Default 100. */
  retryBackoffBase?: number;
  /** Milliseconds: the most a retry's random wait can be; at least `retryBackoffBase`. Default 2000. */
  retryBackoffCap?: number;
  /**
   * Attempts a hedged call may have in flight in all, the first included: when no attempt has answered after the
   * hedge delay, one more starts (within the retry budget), up to this many; the first success wins and the
   * others' signals are aborted. 1 (the default): no hedging. At most 10. Needs `hedgeDelay` or
   * `hedgeDelayPercentile`; not with `retryAttempts`.
   */
  hedgeMaxAttempts?: number;
  /**
   * Milliseconds to wait for an answer before each hedge; 1 to 2147483647. With `hedgeDelayPercentile`, the delay
   * used until the latency window knows that percentile. 0 (the default): none.
   */
  hedgeDelay?: number;
  /**
   * The hedge delay as a percentile (above 0, up to 99.9) of the command's run latency over the latency window,
   * read at most once a second: 95 hedges the slowest 5 % of calls. Until the window holds enough runs to tell it
   * (100 / (100 - percentile)), `hedgeDelay` is used, or no hedge is made without one. 0 (the default): none.
   */
  hedgeDelayPercentile?: number;
  /**
   * An adaptive concurrency limit: the pool's limit moves between `minConcurrentRequests` and
   * `maxConcurrentRequests`, driven by the latency of successful runs and by timeouts, as Netflix's
   * concurrency-limits does: `'aimd'` (loss-based: +1 while the pool is busy, x0.9 on a timeout), `'vegas'` or
   * `'gradient2'` (latency-based: the limit shrinks when runs queue in the dependency). It starts at
   * `minConcurrentRequests`. Absent or null (the default): the fixed `maxConcurrentRequests`. Under hystrix-go's
   * key `adaptive_concurrency`, `''` (Go's zero string) means the default too.
   */
  adaptiveConcurrency?: AdaptiveAlgorithm | null | undefined;
  /**
   * The lowest an adaptive limit goes (`adaptiveConcurrency`), and where it starts; 1 to `maxConcurrentRequests`.
   * Default 1. Without `adaptiveConcurrency` it has no effect.
   */
  minConcurrentRequests?: number;
  /**
   * Tells whether an error thrown by `run` is the caller's fault (a 404, a validation error): such an error
   * passes through to the caller as it is, no fallback runs, and it does not count toward health, like a
   * `BadRequestError`. A predicate that throws is logged and counts as `false`. Not in the JSON form.
   */
  isBadRequest?: BadRequestPredicate | undefined;
}
/**
 * hystrix-go's JSON form of a command's configuration (its `CommandConfig` JSON tags). As in hystrix-go, a zero
 * means "the default". The new settings have snake_case keys too.
 */
interface HystrixGoCommandConfig {
  /** {@inheritDoc CommandConfig.timeout} */
  timeout?: number;
  /** {@inheritDoc CommandConfig.maxConcurrentRequests} */
  max_concurrent_requests?: number;
  /** {@inheritDoc CommandConfig.requestVolumeThreshold} */
  request_volume_threshold?: number;
  /** {@inheritDoc CommandConfig.sleepWindow} */
  sleep_window?: number;
  /** {@inheritDoc CommandConfig.errorPercentThreshold} */
  error_percent_threshold?: number;
  /** {@inheritDoc CommandConfig.rollingWindow} */
  rolling_window?: number;
  /** {@inheritDoc CommandConfig.rollingBuckets} */
  rolling_buckets?: number;
  /** {@inheritDoc CommandConfig.latencyWindow} */
  latency_window?: number;
  /** {@inheritDoc CommandConfig.latencyBuckets} */
  latency_buckets?: number;
  /** {@inheritDoc CommandConfig.halfOpenProbes} */
  half_open_probes?: number;
  /** {@inheritDoc CommandConfig.fallbackTimeout} */
  fallback_timeout?: number;
  /** {@inheritDoc CommandConfig.maxRequestsPerSecond} */
  max_requests_per_second?: number;
  /** {@inheritDoc CommandConfig.burst} */
  burst?: number;
  /** {@inheritDoc CommandConfig.maxQueueSize} */
  max_queue_size?: number;
  /** {@inheritDoc CommandConfig.maxQueueWait} */
  max_queue_wait?: number;
  /** {@inheritDoc CommandConfig.slowCallDuration} */
  slow_call_duration?: number;
  /** {@inheritDoc CommandConfig.slowCallPercentThreshold} */
  slow_call_percent_threshold?: number;
  /** {@inheritDoc CommandConfig.consecutiveFailures} */
  consecutive_failures?: number;
  /** {@inheritDoc CommandConfig.fleetMaxConcurrentRequests} */
  fleet_max_concurrent_requests?: number;
  /** {@inheritDoc CommandConfig.fleetMaxRequestsPerSecond} */
  fleet_max_requests_per_second?: number;
  /** {@inheritDoc CommandConfig.retryAttempts} */
  retry_attempts?: number;
  /** {@inheritDoc CommandConfig.retryBudgetPercent} */
  retry_budget_percent?: number;
  /** {@inheritDoc CommandConfig.retryBudgetMinPerSecond} */
  retry_budget_min_per_second?: number;
  /** {@inheritDoc CommandConfig.retryBackoffBase} */
  retry_backoff_base?: number;
  /** {@inheritDoc CommandConfig.retryBackoffCap} */
  retry_backoff_cap?: number;
  /** {@inheritDoc CommandConfig.hedgeMaxAttempts} */
  hedge_max_attempts?: number;
  /** {@inheritDoc CommandConfig.hedgeDelay} */
  hedge_delay?: number;
  /** {@inheritDoc CommandConfig.hedgeDelayPercentile} */
  hedge_delay_percentile?: number;
  /** {@inheritDoc CommandConfig.adaptiveConcurrency} */
  adaptive_concurrency?: AdaptiveAlgorithm | '' | null;
  /** {@inheritDoc CommandConfig.minConcurrentRequests} */
  min_concurrent_requests?: number;
}
/** The settings a circuit runs with: every field resolved, durations in milliseconds. Frozen. */
type Settings = Readonly<
  Required<Omit<CommandConfig, 'isBadRequest' | 'adaptiveConcurrency'>> & {
    /** The command's {@link CommandConfig.isBadRequest}, or null when it has none. */
    isBadRequest: BadRequestPredicate | null;
    /** The command's {@link CommandConfig.adaptiveConcurrency}, or null for the fixed limit. */
    adaptiveConcurrency: AdaptiveAlgorithm | null;
  }
>;
/** hystrix-go's defaults, with the new settings' defaults. */
declare const defaultSettings: Settings;

/** What admission asks of a rate limit: a token at `now`, or the call is shed. */
interface RateLimiter {
  /** Takes a token at `now` if there is one. */
  tryTake(now: number): boolean;
}
/**
 * A token bucket (hystrix-go's introduction calls it flow control by token bucket): it holds at most
 * `burst` tokens, refills at `perSecond` tokens a second, and a call takes one or is shed. Tokens refill from the
 * timestamps of the calls that read them, so it needs no timer. Amounts are kept in thousandths of a token per
 * millisecond of refill (`perSecond` units a millisecond), so that with integer rates and a clock in whole
 * milliseconds (the `ManualClock`) every figure is an exact integer: the bucket never hands out more than
 * `burst + perSecond × elapsed`.
 */
declare class TokenBucket implements RateLimiter {
  /** Tokens added a second. */
  readonly perSecond: number;
  /** The most tokens held at once: the largest burst let through at once. */
  readonly burst: number;
  /** Tokens held, in thousandths. */
  private level;
  private readonly capacity;
  private last;
  constructor(
    /** Tokens added a second. */
    perSecond: number,
    /** The most tokens held at once: the largest burst let through at once. */
    burst: number,
    now: number,
  );
  /** Takes a token at `now` if there is one. */
  tryTake(now: number): boolean;
}

/**
 * The fleet part of a circuit's stats, when its registry has joined a fleet (`hystrix-ts/redis`): what the
 * processes of the service see together, as of this process's last sync with the fleet.
 */
interface FleetStats {
  /** The fleet's name. */
  readonly fleet: string;
  /**
   * True while the fleet cannot be reached: the circuit decides from this process's own window, and each fleet
   * limit is shared out by the last known number of processes.
   */
  readonly localMode: boolean;
  /** Processes of the fleet seen alive at the last sync (1 before the first). */
  readonly instances: number;
  /** The fleet's requests in the rolling window (this process's since its last sync included). */
  readonly requests: number;
  /** The fleet's errors in the rolling window. */
  readonly errors: number;
  /** The fleet's error percentage, rounded, as health is judged. */
  readonly errorPercent: number;
  /** True while this process holds the fleet's probe of a half-open circuit. */
  readonly probing: boolean;
  /** The fleet-wide concurrency limit (`fleetMaxConcurrentRequests`), 0 for none. */
  readonly maxConcurrentRequests: number;
  /** This process's share of it now: the tickets it may use. */
  readonly leasedConcurrentRequests: number;
  /** The fleet-wide rate limit (`fleetMaxRequestsPerSecond`), 0 for none. */
  readonly maxRequestsPerSecond: number;
  /** Tokens of the fleet's rate limit this process holds now. */
  readonly leasedTokens: number;
}
/**
 * The fleet's window of one circuit as its metric exchange sees it: the fleet's totals at the last
 * sync, plus what this process recorded since. The exchange judges health from it while `joined`; in local mode
 * it judges from the process's own window, which is always kept.
 */
declare class SharedWindow {
  /** False in local mode: the fleet's figures are not used. */
  joined: boolean;
  /** The fleet's requests in the window at the last sync. */
  requests: number;
  /** The fleet's errors in the window at the last sync. */
  errors: number;
  /** The fleet's slow calls in the window at the last sync. */
  slow: number;
  /** Requests recorded here and not yet sent to the fleet. */
  pendingRequests: number;
  /** Errors recorded here and not yet sent. */
  pendingErrors: number;
  /** Slow calls recorded here and not yet sent. */
  pendingSlow: number;
}
/** What a circuit asks of the fleet it belongs to, off the hot path. */
interface CircuitFleet {
  /** The window the exchange judges health from. */
  readonly window: SharedWindow;
  /** Whether this process may turn the open circuit half-open and probe: it holds the fleet's probe. */
  mayProbe(): boolean;
  /** The circuit's state changed here: tell the fleet soon. */
  changed(): void;
  /** The fleet part of the circuit's stats. */
  stats(): FleetStats;
}
/** What a fleet needs of a circuit: the circuit's side of its link with the fleet. */
interface FleetCircuit {
  /** The command name. */
  readonly name: string;
  /** The executor pool. */
  readonly pool: ExecutorPool;
  /** The settings the circuit runs with. */
  readonly circuitSettings: Settings;
  /** Requests in the circuit's own window. */
  readonly metricCollector: {
    requestsAt(now: number): number;
  };
  /** Where the circuit's results go: the fleet's window is set there. */
  readonly exchange: {
    shared: SharedWindow | null;
  };
  /** Calls waiting for a ticket, when the command has a queue. */
  readonly waiters: {
    size(): number;
  } | null;
  /** The fleet the circuit belongs to. */
  fleet: CircuitFleet | null;
  /** Forces the circuit open, or lifts it. */
  forceOpen(on: boolean): void;
  /** Forces the circuit closed, or lifts it. */
  forceClosed(on: boolean): void;
  /** The circuit's own state: when it opened (0 unless open), and whether it is half-open. */
  fleetState(): {
    readonly openedAt: number;
    readonly probing: boolean;
  };
  /** The fleet opened the circuit at `openedAt`. */
  adoptOpen(openedAt: number, now: number): void;
  /** The fleet closed the circuit. */
  adoptClosed(now: number): void;
  /** The fleet's shares of its limits for this process. */
  setFleetLimits(tickets: number, limiter: RateLimiter | null): void;
}
/** A fleet a registry has joined: it takes in each circuit of the registry. */
interface FleetHost {
  /** A circuit of the registry, new or already there. */
  attach(circuit: FleetCircuit): void;
}

/**
 * The library's errors. Guards test a brand stored under a `Symbol.for` key rather than `instanceof`, so they
 * also recognise errors made by another copy of the package (an ESM and a CommonJS copy in one process, or two
 * versions in `node_modules`).
 */
/**
 * An error made by the library itself: its message is `"hystrix: " + reason` (hystrix-go's `CircuitError`). The
 * errors a call ends with name their command (`command`); they are made for that call, so they can be given
 * properties (`err.status = 503`) like any error.
 */
declare class CircuitError extends Error {
  /** The message without its `hystrix: ` prefix (hystrix-go's `CircuitError.Message`). */
  readonly reason: string;
  /** The command whose call ended with this error; undefined for the shared kinds ({@link ErrTimeout}, ...). */
  readonly command: string | undefined;
  /**
   * @param reason - the message without its `hystrix: ` prefix.
   * @param command - the command whose call it ends, if any.
   */
  constructor(reason: string, command?: string);
}
/**
 * The kind of error of a call shed by its command's rate limit (`hystrix: rate limited`): the token bucket of
 * `maxRequestsPerSecond` had no token left. Calls end with an error of their own that names the command; test for
 * the kind with {@link isRateLimited}.
 */
declare const ErrRateLimited: CircuitError;
/**
 * The kind of error of a call rejected because the concurrency limit was reached (`hystrix: max concurrency`).
 * Calls end with an error of their own that names the command; test for the kind with {@link isMaxConcurrency}.
 */
declare const ErrMaxConcurrency: CircuitError;
/**
 * The kind of error of a call short-circuited by an open circuit (`hystrix: circuit open`). Calls end with an
 * error of their own that names the command; test for the kind with {@link isCircuitOpen}.
 */
declare const ErrCircuitOpen: CircuitError;
/**
 * The kind of error of a call that ran past its timeout (`hystrix: timeout`). Calls end with an error of their
 * own that names the command; test for the kind with {@link isTimeout}.
 */
declare const ErrTimeout: CircuitError;
/**
 * The reason given to executions that `close()` cancelled (`hystrix: closed`). Such a call ends as
 * `context_canceled` with a {@link ContextError} whose `cause` is this error. Created once.
 */
declare const ErrClosed: CircuitError;
/** The two context events, named as hystrix-go names them. */
type ContextErrorCode = 'context_canceled' | 'context_deadline_exceeded';
/**
 * The caller's `AbortSignal` aborted the call: hystrix-go's `context.Canceled` (`context canceled`) or, when the
 * abort reason is a `TimeoutError` (as `AbortSignal.timeout()` gives), `context.DeadlineExceeded`
 * (`context deadline exceeded`). The signal's reason is attached as `cause`.
 */
declare class ContextError extends Error {
  /** Which context event the abort counts as. */
  readonly code: ContextErrorCode;
  /** The abort reason of the caller's signal. */
  readonly cause: unknown;
  /** The command whose call was aborted, if known. */
  readonly command: string | undefined;
  /**
   * @param code - the context event.
   * @param reason - the abort reason of the caller's signal.
   * @param command - the command whose call was aborted.
   */
  constructor(code: ContextErrorCode, reason: unknown, command?: string);
}
/**
 * The fallback failed. The message keeps hystrix-go's format
 * `fallback failed with '<fallback error>'. run error was '<run error>'`; both errors are attached:
 * `cause` is the fallback's error and `runError` the error that triggered the fallback.
 */
declare class FallbackError extends Error {
  /** The error that triggered the fallback (a run error, or a {@link CircuitError} or {@link ContextError}). */
  readonly runError: unknown;
  /** The fallback's own error. */
  readonly cause: unknown;
  /** The command whose fallback failed, if known. */
  readonly command: string | undefined;
  /**
   * @param fallbackError - what the fallback threw or rejected with.
   * @param runError - the error that triggered the fallback.
   * @param command - the command whose fallback failed.
   */
  constructor(fallbackError: unknown, runError: unknown, command?: string);
}
/**
 * A readable text for any thrown value, as Go's `%v` gives an error's text: an `Error`'s message, else
 * `String(value)`. Never throws, not even for a hostile Proxy.
 */
declare function describeError(value: unknown): string;
/** True for any error the library made (`CircuitError`), from this or another copy of the package. */
declare function isCircuitError(value: unknown): value is CircuitError;
/**
 * True for an error of the kind {@link ErrCircuitOpen}: a call short-circuited by an open circuit, of any command
 * (from this or another copy of the package). Calls end with errors of their own, so test with this, not `===`.
 */
declare function isCircuitOpen(value: unknown): value is CircuitError;
/**
 * True for an error of the kind {@link ErrMaxConcurrency}: a call rejected by a full pool, of any command (from
 * this or another copy of the package). Calls end with errors of their own, so test with this, not `===`.
 */
declare function isMaxConcurrency(value: unknown): value is CircuitError;
/**
 * True for an error of the kind {@link ErrTimeout}: a call or fallback that ran past its timeout, of any command
 * (from this or another copy of the package). Calls end with errors of their own, so test with this, not `===`.
 */
declare function isTimeout(value: unknown): value is CircuitError;
/** True for a {@link ContextError} of either kind. */
declare function isContextError(value: unknown): value is ContextError;
/** True when the caller's signal aborted with any reason but a `TimeoutError` (`context canceled`). */
declare function isContextCanceled(value: unknown): value is ContextError;
/** True when the caller's signal aborted with a `TimeoutError` reason (`context deadline exceeded`). */
declare function isContextDeadlineExceeded(value: unknown): value is ContextError;
/** True for a {@link FallbackError} (from this or another copy of the package). */
declare function isFallbackError(value: unknown): value is FallbackError;
/**
 * True for an error of the kind {@link ErrRateLimited}: a call shed by its rate limit, of any command (from this
 * or another copy of the package).
 */
declare function isRateLimited(value: unknown): value is CircuitError;
/**
 * Thrown (or rejected with) by `run` to say the call failed through the caller's own fault (a validation error, a
 * 404): the error passes through to the caller, no fallback runs, and it does not count toward the circuit's
 * health (Hystrix Java's `HystrixBadRequestException`). The caller receives the wrapped error, `cause`, as it was;
 * a `BadRequestError` made without a cause is received itself.
 */
declare class BadRequestError extends Error {
  /** The error the caller receives. */
  readonly cause: unknown;
  /**
   * @param cause - the error to pass through to the caller.
   * @param message - a message of its own (default: the cause's).
   */
  constructor(cause?: unknown, message?: string);
}
/** True for a {@link BadRequestError} (from this or another copy of the package). */
declare function isBadRequestError(value: unknown): value is BadRequestError;

/**
 * Where the library writes what it has to say: circuit state changes (`info`) and errors it isolated, such as a
 * collector that threw (`error`). `console`, pino and winston loggers all fit.
 */
interface Logger {
  /** A circuit changed state. */
  info(message: string): void;
  /** Something went wrong and was isolated so that no command is affected. */
  error(message: string): void;
}
/** The default logger: says nothing (hystrix-go's `NoopLogger`). */
declare class NoopLogger implements Logger {
  /** Does nothing. */
  info(): void;
  /** Does nothing. */
  error(): void;
}
/** Writes a message (for the core and its subpath modules), never letting the logger's own failure reach the caller. */
declare function safeLog(logger: Logger, level: 'info' | 'error', message: string): void;

export {
  isFallbackError as $,
  type AdaptiveStats as A,
  BadRequestError as B,
  CircuitError as C,
  DefaultMetricCollector as D,
  type ExecutorPool as E,
  type FleetStats as F,
  ErrMaxConcurrency as G,
  type HystrixGoCommandConfig as H,
  ErrRateLimited as I,
  ErrTimeout as J,
  type EventType as K,
  type Logger as L,
  type MetricCollectorFactory as M,
  FALLBACK_EVENT_TYPES as N,
  FallbackError as O,
  type FallbackEventType as P,
  type MetricCollector as Q,
  type MetricResult as R,
  type Settings as S,
  NoopLogger as T,
  defaultSettings as U,
  isBadRequestError as V,
  isCircuitError as W,
  isCircuitOpen as X,
  isContextCanceled as Y,
  isContextDeadlineExceeded as Z,
  isContextError as _,
  ContextError as a,
  isMaxConcurrency as a0,
  isRateLimited as a1,
  isTimeout as a2,
  ADAPTIVE_ALGORITHMS as a3,
  type CircuitFleet as a4,
  type FleetCircuit as a5,
  type FleetHost as a6,
  type RateLimiter as a7,
  SharedWindow as a8,
  TokenBucket as a9,
  describeError as aa,
  errorPercent as ab,
  safeLog as ac,
  type CommandConfig as b,
  type AdaptiveAlgorithm as c,
  type BadRequestPredicate as d,
  type ContextErrorCode as e,
  DefaultErrorPercentThreshold as f,
  DefaultFallbackTimeout as g,
  DefaultHalfOpenProbes as h,
  DefaultLatencyBuckets as i,
  DefaultLatencyWindow as j,
  DefaultMaxConcurrent as k,
  DefaultMaxQueueWait as l,
  type DefaultMetricCollectorOptions as m,
  DefaultRetryBackoffBase as n,
  DefaultRetryBackoffCap as o,
  DefaultRetryBudgetMinPerSecond as p,
  DefaultRetryBudgetPercent as q,
  DefaultRollingBuckets as r,
  DefaultRollingWindow as s,
  DefaultSleepWindow as t,
  DefaultSlowCallPercentThreshold as u,
  DefaultTimeout as v,
  DefaultVolumeThreshold as w,
  EVENT_TYPES as x,
  ErrCircuitOpen as y,
  ErrClosed as z,
};
