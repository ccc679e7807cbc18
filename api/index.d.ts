// The published declarations of ./dist/index.d.ts, as a report of the public API.
// Generated: do not edit. After changing the API, run: npm run api

import {
  F as FleetStats,
  A as AdaptiveStats,
  E as ExecutorPool,
  D as DefaultMetricCollector,
  S as Settings,
  C as CircuitError,
  a as ContextError,
  M as MetricCollectorFactory,
  b as CommandConfig,
  H as HystrixGoCommandConfig,
  L as Logger,
} from './logger.chunk.js';
export {
  c as AdaptiveAlgorithm,
  B as BadRequestError,
  d as BadRequestPredicate,
  e as ContextErrorCode,
  f as DefaultErrorPercentThreshold,
  g as DefaultFallbackTimeout,
  h as DefaultHalfOpenProbes,
  i as DefaultLatencyBuckets,
  j as DefaultLatencyWindow,
  k as DefaultMaxConcurrent,
  l as DefaultMaxQueueWait,
  m as DefaultMetricCollectorOptions,
  n as DefaultRetryBackoffBase,
  o as DefaultRetryBackoffCap,
  p as DefaultRetryBudgetMinPerSecond,
  q as DefaultRetryBudgetPercent,
  r as DefaultRollingBuckets,
  s as DefaultRollingWindow,
  t as DefaultSleepWindow,
  u as DefaultSlowCallPercentThreshold,
  v as DefaultTimeout,
  w as DefaultVolumeThreshold,
  x as EVENT_TYPES,
  y as ErrCircuitOpen,
  z as ErrClosed,
  G as ErrMaxConcurrency,
  I as ErrRateLimited,
  J as ErrTimeout,
  K as EventType,
  N as FALLBACK_EVENT_TYPES,
  O as FallbackError,
  P as FallbackEventType,
  Q as MetricCollector,
  R as MetricResult,
  T as NoopLogger,
  U as defaultSettings,
  V as isBadRequestError,
  W as isCircuitError,
  X as isCircuitOpen,
  Y as isContextCanceled,
  Z as isContextDeadlineExceeded,
  _ as isContextError,
  $ as isFallbackError,
  a0 as isMaxConcurrency,
  a1 as isRateLimited,
  a2 as isTimeout,
} from './logger.chunk.js';
import { C as Clock, a as ClockTimer } from './timing.chunk.js';
export { s as systemClock } from './timing.chunk.js';

/** The state of a circuit, as `circuit.state` reports it. */
type CircuitState = 'closed' | 'open' | 'half-open';
/** The percentiles reported for a latency, as the Hystrix stream reports them. */
declare const LATENCY_PERCENTILES: readonly number[];
/** Latency over the latency window, in milliseconds (fractions kept). */
interface LatencyStats {
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
interface CircuitStats {
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

/**
 * The circuit breaker of one command name (hystrix-go's `CircuitBreaker`), with its executor pool and its
 * metrics beside it. Get one with `getCircuit(name)`. Closed, it lets calls through and watches their health;
 * when the requests in the window reach `requestVolumeThreshold` and the error percentage reaches
 * `errorPercentThreshold`, it opens and short-circuits calls; after `sleepWindow` it turns half-open and lets
 * `halfOpenProbes` probes through: all succeed and it closes, any fails and it opens again.
 */
interface CircuitBreaker {
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

/** What `run` and the fallback receive. */
interface RunContext {
  /**
   * Aborted when the call times out (reason `ErrTimeout`), when the caller's signal aborts (its reason) or
   * when the registry closes; pass it on to `fetch`, database drivers and the like so that the work really
   * stops. Created on first read, so a run that never reads it pays nothing.
   */
  readonly signal: AbortSignal;
  /** The command name. */
  readonly name: string;
}
/** The work a command protects. It may return a value or a promise. */
type RunFunction<T> = (ctx: RunContext) => T | PromiseLike<T>;
/**
 * The error a fallback receives: what ended the call without a value. It is one of
 *
 * - the run's own error: whatever `run` threw or rejected with, which can be any value (an `Error`, a string,
 *   `undefined`...), hence the `{} | null | undefined` part, which is `unknown` spelled so that the library's
 *   own errors stay visible;
 * - a {@link CircuitError}: `ErrCircuitOpen` (the circuit short-circuited the call), `ErrMaxConcurrency` (no
 *   free ticket) or `ErrTimeout` (the run passed its `timeout`);
 * - a {@link ContextError}: the caller's signal aborted (`context_canceled`, or `context_deadline_exceeded` when
 *   its reason is a `TimeoutError`), or the registry closed (`context_canceled`, with `ErrClosed` as `cause`).
 *
 * Narrow it before use: `isCircuitOpen(error)`, `isTimeout(error)`, `isContextError(error)`, `instanceof Error`.
 * A fallback that declares its parameter `unknown` is accepted too.
 */
type FallbackTrigger = CircuitError | ContextError | {} | null | undefined;
/**
 * What to answer instead when the run fails, times out, is rejected or short-circuited; it receives the error
 * that triggered it ({@link FallbackTrigger}). Bounded by the `fallbackTimeout` setting. Its value type may
 * differ from run's: the call then resolves with either.
 */
type FallbackFunction<T> = (error: FallbackTrigger, ctx: RunContext) => T | PromiseLike<T>;

/**
 * The collector factories of one `Hystrix` (hystrix-go's `metricCollector.Registry`), `metricCollectors`. Every
 * circuit gets the default collector first, then one collector from each factory. Unlike hystrix-go, a factory
 * registered after a circuit exists is attached to that circuit too.
 */
interface MetricCollectorRegistry {
  /**
   * Adds a factory, called once for every circuit, those that exist included. Returns a function that removes
   * it again and detaches its collectors. A factory registered twice still makes one collector a circuit, and
   * stays until both registrations are removed.
   */
  register(factory: MetricCollectorFactory): () => void;
  /** The registered factories, in order (the default collector is not among them: it is always first). */
  list(): readonly MetricCollectorFactory[];
}

/** A circuit's state as state events name it: its own state, or the one forced on it. */
type CircuitStateName = 'closed' | 'open' | 'half-open' | 'forced-open' | 'forced-closed';
/**
 * Why a circuit changed state:
 * - `thresholds`: the window's volume reached `requestVolumeThreshold` and its error percentage
 *   `errorPercentThreshold` (hystrix-go's rule);
 * - `consecutive-failures`: `consecutiveFailures` failures or timeouts in a row;
 * - `slow-calls`: with the volume reached, the share of slow calls reached `slowCallPercentThreshold`;
 * - `sleep-window`: the sleep window ended, probes are let through (half-open);
 * - `probe-failed`: a probe failed, so the circuit opens again;
 * - `probes-succeeded`: every probe succeeded, so the circuit closes;
 * - `forced`: `forceOpen(true)` or `forceClosed(true)`;
 * - `unforced`: forcing was lifted, and the circuit's own state shows again;
 * - `fleet`: another process of the fleet (`hystrix-ts/redis`) opened or closed the circuit, or took over the
 *   probe.
 */
type StateChangeReason =
  | 'thresholds'
  | 'consecutive-failures'
  | 'slow-calls'
  | 'sleep-window'
  | 'probe-failed'
  | 'probes-succeeded'
  | 'forced'
  | 'unforced'
  | 'fleet';
/** The figures of the rolling window when the state changed: what the decision was made on. */
interface StateChangeFigures {
  /** Requests in the window (bad requests and rate-limited calls are not). */
  readonly requests: number;
  /** Errors in the window. */
  readonly errors: number;
  /** The rounded error percentage. */
  readonly errorPercent: number;
  /** Slow calls in the window (0 unless `slowCallDuration` is set). */
  readonly slowCalls: number;
  /** Failures and timeouts in a row, up to this change. */
  readonly consecutiveFailures: number;
}
/** A circuit changed state. */
interface CircuitStateChange {
  /** The command name. */
  readonly name: string;
  /** The state before. */
  readonly from: CircuitStateName;
  /** The state now. */
  readonly to: CircuitStateName;
  /** Why. */
  readonly reason: StateChangeReason;
  /** The window's figures at the change. */
  readonly figures: StateChangeFigures;
  /** When, in the registry's time (epoch milliseconds, monotonic). */
  readonly at: number;
}
/** The registry was closed (`close()` was called). */
interface RegistryClosed {
  /** When, in the registry's time. */
  readonly at: number;
}
/** What a registry tells its listeners, by event name. */
interface HystrixEvents {
  /** A circuit changed state. */
  state: CircuitStateChange;
  /** The registry was closed. */
  close: RegistryClosed;
}
/** A listener of one kind of event. */
type HystrixListener<K extends keyof HystrixEvents> = (event: HystrixEvents[K]) => unknown;

/** Options of a {@link Hystrix} registry. */
interface HystrixOptions {
  /** The clock for time and timers (default: the system clock); a `ManualClock` makes tests deterministic. */
  clock?: Clock;
  /** Where state changes and isolated errors are written (default: nowhere). */
  logger?: Logger;
  /** Defaults for every command of this registry, over the built-in ones (see `setDefaults`). */
  defaults?: CommandConfig | HystrixGoCommandConfig;
  /**
   * The random source of retry backoff jitter, numbers in [0, 1) (default `Math.random`); a seeded one makes
   * retries deterministic in tests.
   */
  random?: () => number;
}
/** Options of one call. */
interface CommandOptions {
  /**
   * The caller's signal (hystrix-go's `context`): aborting it ends the call at once as `context_canceled`, or as
   * `context_deadline_exceeded` when its reason is a `TimeoutError` (as `AbortSignal.timeout()` gives).
   */
  signal?: AbortSignal | undefined;
  /**
   * Milliseconds this call may take, instead of the command's `timeout` (1 to 2147483647): for a call that
   * deserves less (a request whose own deadline is near) or more. Everything else is the command's.
   */
  timeout?: number | undefined;
}
/** The configuration of one command: camelCase keys, or hystrix-go's JSON keys. */
type AnyCommandConfig = CommandConfig | HystrixGoCommandConfig;
/** What `getCircuit` returns (hystrix-go's `GetCircuit`, without its always-nil error). */
interface GetCircuitResult {
  /** The circuit of the name. */
  readonly circuit: CircuitBreaker;
  /** True when this call created it. */
  readonly created: boolean;
}
/**
 * A registry of circuits with their settings, collectors, clock and logger. The module-level functions (`go`,
 * `do`, `configure`, ...) act on one default instance; `new Hystrix()` makes an isolated one with the same
 * methods, for tests or for parts of an application that must not share circuits.
 */
declare class Hystrix {
  /** The clock given to this registry (it is read through a view that never goes backwards). */
  readonly clock: Clock;
  /** The clock as read: monotonic. */
  private readonly time;
  /** The collector factories of this registry (hystrix-go's `metricCollector.Registry`). */
  readonly metricCollectors: MetricCollectorRegistry;
  private log;
  private readonly circuits;
  private readonly settings;
  private readonly deadlines;
  private readonly closers;
  private readonly owner;
  private readonly events;
  /** The fleet this registry has joined: it takes each new circuit in. */
  private fleetHost;
  /** @param options - clock, logger and defaults. */
  constructor(options?: HystrixOptions);
  /**
   * The registry's time, in epoch milliseconds: its clock read so that it never goes backwards (what durations,
   * rolling windows, deadlines and the stream use).
   */
  now(): number;
  /** The logger in use. */
  get logger(): Logger;
  /**
   * Runs `run` as the command `name` and resolves with its value, or the fallback's; rejects with the error
   * otherwise (hystrix-go's `Do`): the run's own error, `ErrCircuitOpen`, `ErrMaxConcurrency`, `ErrTimeout`, a
   * `ContextError` when the caller's signal aborted, or a `FallbackError` when the fallback failed too.
   * Programming errors (a name that is not a string, a run that is not a function) throw at once.
   *
   * @typeParam T - what `run` resolves with.
   * @typeParam F - what the fallback resolves with (`T` unless inferred from it): the call resolves with either,
   *   so a fallback may answer with another type, such as `'n/a'` for a missing item. The type is written
   *   `T | Exclude<F, T>` so that a fallback of the run's own shape adds nothing to it.
   */
  do<T, F = T>(
    name: string,
    run: RunFunction<T>,
    fallback?: FallbackFunction<F> | null,
    options?: CommandOptions,
  ): Promise<T | Exclude<F, T>>;
  /**
   * Like {@link Hystrix.do}, but never rejects: resolves with `undefined` on success (of run or fallback) and
   * with the error otherwise (hystrix-go's `Go` error channel, which carries one error at most). A rejection
   * value that is not an `Error` is wrapped in one, with the value as `cause`.
   */
  go<T, F = T>(
    name: string,
    run: RunFunction<T>,
    fallback?: FallbackFunction<F> | null,
    options?: CommandOptions,
  ): Promise<Error | undefined>;
  /** {@link Hystrix.do} with the caller's signal first (hystrix-go's `DoC`). */
  doC<T, F = T>(
    signal: AbortSignal,
    name: string,
    run: RunFunction<T>,
    fallback?: FallbackFunction<F> | null,
  ): Promise<T | Exclude<F, T>>;
  /** {@link Hystrix.go} with the caller's signal first (hystrix-go's `GoC`). */
  goC<T, F = T>(
    signal: AbortSignal,
    name: string,
    run: RunFunction<T>,
    fallback?: FallbackFunction<F> | null,
  ): Promise<Error | undefined>;
  /**
   * Configures several commands at once (hystrix-go's `Configure`), from a `Map` or an object such as parsed
   * JSON. Everything is checked before anything changes: one bad entry throws and changes nothing.
   */
  configure(
    commands: ReadonlyMap<string, AnyCommandConfig> | Record<string, AnyCommandConfig>,
  ): void;
  /**
   * Configures one command (hystrix-go's `ConfigureCommand`), replacing its earlier configuration: a field left
   * out takes the default. Takes effect for the calls that follow, on a circuit that already exists too. A bad
   * value throws and changes nothing.
   */
  configureCommand(name: string, config: AnyCommandConfig): void;
  /**
   * Changes the defaults for every command of this registry, configured or not: each field given here replaces
   * the default it names (0 under a hystrix-go key restores the built-in default); a command's own
   * configuration still wins. Checked first: a bad value, or one that
   * would give some command an inconsistent window, throws and changes nothing.
   */
  setDefaults(config: AnyCommandConfig): void;
  /** The defaults in force. */
  getDefaults(): Settings;
  /** The settings of one command, configured or not. */
  getSettings(name: string): Settings;
  /**
   * The settings of every configured command and every command that has a circuit (hystrix-go's
   * `GetCircuitSettings`), as a new `Map` of frozen settings.
   */
  getCircuitSettings(): Map<string, Settings>;
  /** The circuit of a name, created on first use (hystrix-go's `GetCircuit`). */
  getCircuit(name: string): GetCircuitResult;
  /** Every circuit of this registry, in creation order. */
  getCircuits(): CircuitBreaker[];
  /**
   * Resets every circuit's metrics and forgets the circuits (hystrix-go's `Flush`); settings are kept. Calls in
   * flight finish on the circuit they started on.
   */
  flush(): void;
  /**
   * Leaves nothing running: every call in flight is cancelled as if its caller had aborted (it ends as
   * `context_canceled`, its fallback runs, its signal is aborted with `ErrClosed`), a fallback still running is
   * failed, every timer is stopped, and the registry is flushed. A process that has called `close()` exits by
   * itself. The registry stays usable: a later call starts afresh, but what `close()` stopped (a stream, an
   * export) stays stopped until it is started again.
   *
   * Everything above happens before `close()` returns; the promise it returns resolves once the parts that stop
   * asynchronously (an export's last write) are done. It never rejects: their failures are logged.
   */
  close(): Promise<void>;
  /**
   * Registers `stop` to run when this registry closes (a stream, a metrics export), so that `close()` leaves
   * nothing running; a promise it returns is awaited by `close()`'s. Returns a function that removes it.
   */
  onClose(stop: () => void | PromiseLike<void>): () => void;
  /**
   * Listens to the registry: `'state'` for every state change of every circuit (closed, open, half-open, forced),
   * with the name, the old and new state, the reason and the window's figures that decided it; `'close'` when
   * `close()` is called. Nothing is built for an event nobody listens to. A listener that throws (or rejects) is
   * logged and isolated, like a collector. Returns a function that removes the listener.
   */
  on<K extends keyof HystrixEvents>(type: K, listener: HystrixListener<K>): () => void;
  /** Replaces the logger (hystrix-go's `SetLogger`). */
  setLogger(logger: Logger): void;
  /** `do` and `go`: the options read, then the call started. */
  private execute;
  /** Starts a call; `deadlines`: those of the call's own timeout, or null for the command's. */
  private start;
  private createCircuit;
  private settingsOf;
  private apply;
}

/**
 * A clock that moves only when told to, for tests and simulations: `new Hystrix({ clock: new ManualClock() })`.
 *
 * Time has two faces, as on a real machine: the wall time that `now()` returns, and the monotonic time on which
 * timers run. {@link ManualClock.advance} moves both (time passes); {@link ManualClock.jump} moves only the wall
 * time, forwards or backwards, as a wall-clock correction does.
 */
declare class ManualClock implements Clock {
  private wall;
  private mono;
  private seq;
  private timers;
  /** @param start - the initial wall time in milliseconds (default 0). */
  constructor(start?: number);
  /** The current wall time. */
  now(): number;
  /** The time timers run on: it moves with {@link ManualClock.advance}, never with {@link ManualClock.jump}. */
  monotonic(): number;
  /**
   * Arms a timer that fires when the clock has advanced by `ms`. As with Node's `setTimeout`, a delay below 1,
   * above 2147483647 or not a number counts as 1.
   */
  setTimeout(callback: () => void, ms: number): ClockTimer;
  /** Cancels a timer of this clock. */
  clearTimeout(timer: ClockTimer): void;
  /**
   * Moves time forward by `ms`, firing every timer that falls due, in order, each at its own time. Promise
   * callbacks run only after `advance` returns; use {@link ManualClock.advanceAsync} to let them run between
   * timers.
   */
  advance(ms: number): void;
  /**
   * Moves time forward by `ms` like {@link ManualClock.advance}, but lets pending promise callbacks and I/O run
   * before and after each timer fires, so that code which awaits between timers sees each one at its own time.
   */
  advanceAsync(ms: number): Promise<void>;
  /**
   * Moves the wall time by `ms` (negative goes backwards) without firing or moving any timer, as a wall-clock
   * correction does.
   */
  jump(ms: number): void;
  /** A promise that resolves when the clock has advanced by `ms`. */
  sleep(ms: number): Promise<void>;
  /** How many timers are armed. */
  pendingTimers(): number;
  /** How many armed timers would keep a process alive (those not `unref()`ed). */
  refedTimers(): number;
  private nextDue;
  private fire;
  private moveTo;
}

/**
 * hystrix-ts: latency and fault tolerance for Node.js. Every call to a dependency runs as a named command with
 * a circuit breaker, a concurrency limit, a timeout that cancels the work, and a fallback; health is measured
 * over a rolling window and reported to metric collectors.
 *
 * The functions exported here act on one default registry; `new Hystrix()` makes an isolated one.
 *
 * @packageDocumentation
 * @module hystrix-ts
 */

/**
 * The default registry, which the module-level functions act on. There is one per process, whatever the module
 * format: an application that loads this package both with `import` and with `require` (an ESM app with a
 * CommonJS dependency), or holds two copies of the same version, gets the same registry from each, so every
 * circuit is seen by every stream and export. It is made by the first copy loaded, so use the error guards
 * (`isTimeout(err)`), not `instanceof`, on what its calls return.
 */
declare const defaultHystrix: Hystrix;
/** The default registry's collector factories (hystrix-go's `metricCollector.Registry`). */
declare const metricCollectors: MetricCollectorRegistry;
/** {@link Hystrix.do} on the default registry; exported as `do` too. */
declare function doCommand<T, F = T>(
  name: string,
  run: RunFunction<T>,
  fallback?: FallbackFunction<F> | null,
  options?: CommandOptions,
): Promise<T | Exclude<F, T>>;

/** {@link Hystrix.go} on the default registry. */
declare function go<T, F = T>(
  name: string,
  run: RunFunction<T>,
  fallback?: FallbackFunction<F> | null,
  options?: CommandOptions,
): Promise<Error | undefined>;
/** {@link Hystrix.doC} on the default registry. */
declare function doC<T, F = T>(
  signal: AbortSignal,
  name: string,
  run: RunFunction<T>,
  fallback?: FallbackFunction<F> | null,
): Promise<T | Exclude<F, T>>;
/** {@link Hystrix.goC} on the default registry. */
declare function goC<T, F = T>(
  signal: AbortSignal,
  name: string,
  run: RunFunction<T>,
  fallback?: FallbackFunction<F> | null,
): Promise<Error | undefined>;
/** {@link Hystrix.configure} on the default registry. */
declare function configure(
  commands: ReadonlyMap<string, AnyCommandConfig> | Record<string, AnyCommandConfig>,
): void;
/** {@link Hystrix.configureCommand} on the default registry. */
declare function configureCommand(name: string, config: AnyCommandConfig): void;
/** {@link Hystrix.setDefaults} on the default registry. */
declare function setDefaults(config: AnyCommandConfig): void;
/** {@link Hystrix.getCircuitSettings} on the default registry. */
declare function getCircuitSettings(): Map<string, Settings>;
/** {@link Hystrix.getCircuit} on the default registry. */
declare function getCircuit(name: string): GetCircuitResult;
/** {@link Hystrix.getCircuits} on the default registry. */
declare function getCircuits(): CircuitBreaker[];
/** {@link Hystrix.flush} on the default registry. */
declare function flush(): void;
/** {@link Hystrix.close} on the default registry. */
declare function close(): Promise<void>;
/** {@link Hystrix.setLogger} on the default registry. */
declare function setLogger(logger: Logger): void;

export {
  AdaptiveStats,
  type AnyCommandConfig,
  type CircuitBreaker,
  CircuitError,
  type CircuitState,
  type CircuitStateChange,
  type CircuitStateName,
  type CircuitStats,
  Clock,
  ClockTimer,
  CommandConfig,
  type CommandOptions,
  ContextError,
  DefaultMetricCollector,
  ExecutorPool,
  type FallbackFunction,
  type FallbackTrigger,
  FleetStats,
  type GetCircuitResult,
  Hystrix,
  type HystrixEvents,
  HystrixGoCommandConfig,
  type HystrixListener,
  type HystrixOptions,
  LATENCY_PERCENTILES,
  type LatencyStats,
  Logger,
  ManualClock,
  MetricCollectorFactory,
  type MetricCollectorRegistry,
  type RegistryClosed,
  type RunContext,
  type RunFunction,
  Settings,
  type StateChangeFigures,
  type StateChangeReason,
  close,
  configure,
  configureCommand,
  defaultHystrix,
  doCommand as do,
  doC,
  doCommand,
  flush,
  getCircuit,
  getCircuitSettings,
  getCircuits,
  go,
  goC,
  metricCollectors,
  setDefaults,
  setLogger,
};
