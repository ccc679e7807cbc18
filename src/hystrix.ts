import { MODE_DO, MODE_GO, type Mode } from './caller-promise.js';
import { Circuit, type CircuitBreaker, type CircuitOwner } from './circuit.js';
import { type Clock, systemClock } from './clock.js';
import { AttemptedCall } from './attempted-call.js';
import { Execution } from './command.js';
import type { FallbackFunction, RunFunction } from './run-context.js';
import { DeadlineQueue } from './deadlines.js';
import { describeError, ErrClosed } from './errors.js';
import { MonotonicClock } from './monotonic-clock.js';
import { checkLogger, type Logger, NoopLogger, safeLog } from './logger.js';
import { CollectorRegistry, type MetricCollectorRegistry } from './metrics/registry.js';
import type { CommandConfig, HystrixGoCommandConfig, Settings } from './settings.js';
import { SettingsStore, type Staged } from './settings-store.js';
import {
  checkClock,
  checkFunction,
  checkInteger,
  checkName,
  checkSignal,
  describeValue,
} from './validate.js';
import type { FleetHost } from './fleet-view.js';
import { EventHub, type HystrixEvents, type HystrixListener } from './state-events.js';

/** Options of a {@link Hystrix} registry. */
export interface HystrixOptions {
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
export interface CommandOptions {
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
export type AnyCommandConfig = CommandConfig | HystrixGoCommandConfig;

/** What `getCircuit` returns (hystrix-go's `GetCircuit`, without its always-nil error). */
export interface GetCircuitResult {
  /** The circuit of the name. */
  readonly circuit: CircuitBreaker;
  /** True when this call created it. */
  readonly created: boolean;
}

// Rounds of cancelling in close(): a fallback may start new calls, which are cancelled in the next round.
const CLOSE_ROUNDS = 100;

/**
 * A registry of circuits with their settings, collectors, clock and logger. The module-level functions (`go`,
 * `do`, `configure`, ...) act on one default instance; `new Hystrix()` makes an isolated one with the same
 * methods, for tests or for parts of an application that must not share circuits.
 */
export class Hystrix {
  /** The clock given to this registry (it is read through a view that never goes backwards). */
  readonly clock: Clock;
  /** The clock as read: monotonic. */
  private readonly time: Clock;
  /** The collector factories of this registry (hystrix-go's `metricCollector.Registry`). */
  readonly metricCollectors: MetricCollectorRegistry;
  private log: Logger;
  private readonly circuits = new Map<string, Circuit>();
  private readonly settings = new SettingsStore();
  private readonly deadlines = new Map<number, DeadlineQueue>();
  private readonly closers = new Set<() => void | PromiseLike<void>>();
  private readonly owner: CircuitOwner;
  private readonly events: EventHub;
  /** The fleet this registry has joined: it takes each new circuit in. */
  private fleetHost: FleetHost | null = null;

  /** @param options - clock, logger and defaults. */
  constructor(options: HystrixOptions = {}) {
    const input: unknown = options;
    if (typeof input !== 'object' || input === null) {
      throw new TypeError('new Hystrix(options): options must be an object');
    }
    const {
      clock = systemClock,
      logger = new NoopLogger(),
      defaults,
      random = Math.random,
    } = options;
    checkClock(clock, 'options.clock');
    checkFunction(random, 'options.random');
    checkLogger(logger);
    this.clock = clock;
    const time = MonotonicClock.of(clock);
    this.time = time;
    this.log = logger;
    const deadlines = this.deadlines;
    const events = new EventHub((message) => {
      safeLog(this.log, 'error', message);
    });
    this.events = events;
    this.owner = {
      clock: time,
      events,
      random,
      logger: () => this.log,
      deadlinesFor(timeout: number): DeadlineQueue {
        let queue = deadlines.get(timeout);
        if (queue === undefined) {
          queue = new DeadlineQueue(time, timeout);
          deadlines.set(timeout, queue);
        }
        return queue;
      },
    };
    this.metricCollectors = new CollectorRegistry({
      added: (factory) => {
        for (const circuit of this.circuits.values()) circuit.attach(factory);
      },
      removed: (factory) => {
        for (const circuit of this.circuits.values()) circuit.detach(factory);
      },
    });
    if (defaults !== undefined) this.setDefaults(defaults);
  }

  /**
   * The registry's time, in epoch milliseconds: its clock read so that it never goes backwards (what durations,
   * rolling windows, deadlines and the stream use).
   */
  now(): number {
    return this.time.now();
  }

  /** The logger in use. */
  get logger(): Logger {
    return this.log;
  }

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
  ): Promise<T | Exclude<F, T>> {
    return this.execute(name, run, fallback, options, MODE_DO) as Promise<T | Exclude<F, T>>;
  }

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
  ): Promise<Error | undefined> {
    return this.execute(name, run, fallback, options, MODE_GO) as Promise<Error | undefined>;
  }

  /** {@link Hystrix.do} with the caller's signal first (hystrix-go's `DoC`). */
  doC<T, F = T>(
    signal: AbortSignal,
    name: string,
    run: RunFunction<T>,
    fallback?: FallbackFunction<F> | null,
  ): Promise<T | Exclude<F, T>> {
    checkSignal(signal, 'doC(signal, ...)');
    return this.start(name, run, fallback, signal, null, MODE_DO) as Promise<T | Exclude<F, T>>;
  }

  /** {@link Hystrix.go} with the caller's signal first (hystrix-go's `GoC`). */
  goC<T, F = T>(
    signal: AbortSignal,
    name: string,
    run: RunFunction<T>,
    fallback?: FallbackFunction<F> | null,
  ): Promise<Error | undefined> {
    checkSignal(signal, 'goC(signal, ...)');
    return this.start(name, run, fallback, signal, null, MODE_GO) as Promise<Error | undefined>;
  }

  /**
   * Configures several commands at once (hystrix-go's `Configure`), from a `Map` or an object such as parsed
   * JSON. Everything is checked before anything changes: one bad entry throws and changes nothing.
   */
  configure(
    commands: ReadonlyMap<string, AnyCommandConfig> | Record<string, AnyCommandConfig>,
  ): void {
    const input: unknown = commands;
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new TypeError(
        'configure(commands): commands must be a Map or an object of name -> config',
      );
    }
    const entries: [string, unknown][] =
      commands instanceof Map
        ? [...(commands as ReadonlyMap<unknown, unknown>)].map(([name, config]) => {
            checkName(name, 'configure(commands): every key');
            return [name, config];
          })
        : Object.keys(commands).map((name) => [name, (commands as Record<string, unknown>)[name]]);
    this.apply(this.settings.stage(entries, (name) => `configure: command '${name}'`));
  }

  /**
   * Configures one command (hystrix-go's `ConfigureCommand`), replacing its earlier configuration: a field left
   * out takes the default. Takes effect for the calls that follow, on a circuit that already exists too. A bad
   * value throws and changes nothing.
   */
  configureCommand(name: string, config: AnyCommandConfig): void {
    checkName(name, 'configureCommand(name, config): name');
    this.apply(this.settings.stage([[name, config]], (n) => `configureCommand: command '${n}'`));
  }

  /**
   * Changes the defaults for every command of this registry, configured or not: each field given here replaces
   * the default it names (0 under a hystrix-go key restores the built-in default); a command's own
   * configuration still wins. Checked first: a bad value, or one that
   * would give some command an inconsistent window, throws and changes nothing.
   */
  setDefaults(config: AnyCommandConfig): void {
    this.settings.setDefaults(config);
    for (const circuit of this.circuits.values())
      circuit.applySettings(this.settings.of(circuit.name));
  }

  /** The defaults in force. */
  getDefaults(): Settings {
    return this.settings.defaults;
  }

  /** The settings of one command, configured or not. */
  getSettings(name: string): Settings {
    checkName(name, 'getSettings(name): name');
    return this.settingsOf(name);
  }

  /**
   * The settings of every configured command and every command that has a circuit (hystrix-go's
   * `GetCircuitSettings`), as a new `Map` of frozen settings.
   */
  getCircuitSettings(): Map<string, Settings> {
    const out = this.settings.configured();
    for (const name of this.circuits.keys())
      if (!out.has(name)) out.set(name, this.settings.of(name));
    return out;
  }

  /** The circuit of a name, created on first use (hystrix-go's `GetCircuit`). */
  getCircuit(name: string): GetCircuitResult {
    checkName(name, 'getCircuit(name): name');
    const circuit = this.circuits.get(name);
    if (circuit !== undefined) return { circuit, created: false };
    return { circuit: this.createCircuit(name), created: true };
  }

  /** Every circuit of this registry, in creation order. */
  getCircuits(): CircuitBreaker[] {
    return [...this.circuits.values()];
  }

  /**
   * Resets every circuit's metrics and forgets the circuits (hystrix-go's `Flush`); settings are kept. Calls in
   * flight finish on the circuit they started on.
   */
  flush(): void {
    for (const circuit of this.circuits.values()) circuit.resetMetrics(true);
    this.circuits.clear();
  }

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
  close(): Promise<void> {
    this.events.emit('close', { at: this.time.now() });
    for (let round = 0; round < CLOSE_ROUNDS; round++) {
      let cancelled = 0;
      for (const queue of [...this.deadlines.values()]) {
        cancelled += queue.size();
        queue.cancelAll(ErrClosed);
      }
      if (cancelled === 0) break;
    }
    const pending: Promise<void>[] = [];
    const failed = (error: unknown): void => {
      safeLog(
        this.log,
        'error',
        `hystrix: a part stopped on close failed: ${describeError(error)}`,
      );
    };
    for (const stop of [...this.closers]) {
      try {
        const result = stop();
        if (result !== undefined) pending.push(Promise.resolve(result).then(undefined, failed));
      } catch (error: unknown) {
        failed(error);
      }
    }
    this.flush();
    this.deadlines.clear();
    return Promise.all(pending).then(() => undefined);
  }

  /**
   * Registers `stop` to run when this registry closes (a stream, a metrics export), so that `close()` leaves
   * nothing running; a promise it returns is awaited by `close()`'s. Returns a function that removes it.
   */
  onClose(stop: () => void | PromiseLike<void>): () => void {
    if (typeof stop !== 'function') throw new TypeError('onClose(stop): stop must be a function');
    this.closers.add(stop);
    return () => {
      this.closers.delete(stop);
    };
  }

  /**
   * Listens to the registry: `'state'` for every state change of every circuit (closed, open, half-open, forced),
   * with the name, the old and new state, the reason and the window's figures that decided it; `'close'` when
   * `close()` is called. Nothing is built for an event nobody listens to. A listener that throws (or rejects) is
   * logged and isolated, like a collector. Returns a function that removes the listener.
   */
  on<K extends keyof HystrixEvents>(type: K, listener: HystrixListener<K>): () => void {
    if (type !== 'state' && type !== 'close') {
      throw new TypeError(
        `on(type, listener): type must be 'state' or 'close', got ${describeValue(type)}`,
      );
    }
    checkFunction(listener, 'on(type, listener): listener');
    return this.events.on(type, listener);
  }

  /** Replaces the logger (hystrix-go's `SetLogger`). */
  setLogger(logger: Logger): void {
    checkLogger(logger);
    this.log = logger;
  }

  /** `do` and `go`: the options read, then the call started. */
  private execute(
    name: unknown,
    run: unknown,
    fallback: unknown,
    options: unknown,
    mode: Mode,
  ): Promise<unknown> {
    let signal: AbortSignal | undefined;
    let deadlines: DeadlineQueue | null = null;
    if (options !== undefined) {
      const given = optionsOf(options);
      signal = given.signal;
      if (signal !== undefined) checkSignal(signal, 'options.signal');
      if (given.timeout !== undefined) {
        deadlines = this.owner.deadlinesFor(
          checkInteger(given.timeout, 'options.timeout', 1, MAX_DELAY),
        );
      }
    }
    return this.start(name, run, fallback, signal, deadlines, mode);
  }

  /** Starts a call; `deadlines`: those of the call's own timeout, or null for the command's. */
  private start(
    name: unknown,
    run: unknown,
    fallback: unknown,
    signal: AbortSignal | undefined,
    deadlines: DeadlineQueue | null,
    mode: Mode,
  ): Promise<unknown> {
    if (typeof name !== 'string') checkName(name, 'name');
    if (typeof run !== 'function') checkFunction(run, 'run');
    if (fallback != null && typeof fallback !== 'function')
      checkFunction(fallback, 'fallback', true);
    const circuit = this.circuits.get(name) ?? this.createCircuit(name);
    // Retries and hedging live above the execution, so that a command without them runs exactly as before.
    if (circuit.attempts !== null && signal?.aborted !== true) {
      return new AttemptedCall(
        circuit,
        circuit.attempts,
        run as RunFunction<unknown>,
        (fallback ?? null) as FallbackFunction<unknown> | null,
        deadlines,
        mode,
      ).begin(signal, this.time.now());
    }
    return new Execution(
      circuit,
      (fallback ?? null) as FallbackFunction<unknown> | null,
      mode,
      this.time.now(),
    ).begin(run as RunFunction<unknown>, signal, deadlines);
  }

  private createCircuit(name: string): Circuit {
    const circuit = new Circuit(
      name,
      this.settingsOf(name),
      this.owner,
      this.metricCollectors.list(),
    );
    this.circuits.set(name, circuit);
    if (this.fleetHost !== null) this.fleetHost.attach(circuit);
    return circuit;
  }

  /**
   * @internal Joins a fleet: `host` takes in every circuit, those to come too. Throws when the registry is in
   * another fleet already. Returns the function that leaves it.
   */
  joinFleet(host: FleetHost): () => void {
    if (this.fleetHost !== null) {
      throw new Error('hystrix: this registry has joined a fleet already; leave it first');
    }
    this.fleetHost = host;
    for (const circuit of this.circuits.values()) host.attach(circuit);
    return () => {
      if (this.fleetHost === host) this.fleetHost = null;
    };
  }

  private settingsOf(name: string): Settings {
    return this.settings.of(name);
  }

  private apply(staged: readonly Staged[]): void {
    for (const { name, settings } of this.settings.keep(staged)) {
      this.circuits.get(name)?.applySettings(settings);
    }
  }
}

/** The largest delay a Node timer accepts. */
const MAX_DELAY = 2_147_483_647;

function optionsOf(options: unknown): CommandOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('options must be an object such as { signal, timeout }');
  }
  return options;
}
