/**
 * StatsD and DogStatsD exports for hystrix-ts (`hystrix-ts/statsd`), over a hot-shots client: hystrix-go's
 * `statsd_collector.go` (`<prefix>.<circuit>.<metric>` counters, gauge and timings) and `datadog_collector.go`
 * (fixed `hystrix.<metric>` names, the circuit in the tag `hystrixcircuit:<name>`). Every execution is sent as
 * it ends; nothing runs between executions.
 *
 * @packageDocumentation
 */
import { defaultHystrix, type Hystrix, type MetricCollector, type MetricResult } from 'hystrix-ts';
import StatsD, { type ClientOptions, type StatsD as HotShotsClient, type Tags } from 'hot-shots';

/** What a StatsD client calls back with once a metric is sent: an error when it could not be. */
export type StatsdCallback = (error?: Error | null) => void;

/**
 * The part of a StatsD client the exports use: a hot-shots `StatsD` (any version from 10) fits, and so does
 * anything with these three methods, such as a test double or a hot-shots child client.
 */
export interface StatsdClient {
  /** Counts `value` (`<stat>:<value>|c`). */
  increment(
    stat: string,
    value: number,
    sampleRate: number,
    tags: string[] | undefined,
    callback: StatsdCallback,
  ): void;
  /** Sets a gauge (`<stat>:<value>|g`). */
  gauge(
    stat: string,
    value: number,
    sampleRate: number,
    tags: string[] | undefined,
    callback: StatsdCallback,
  ): void;
  /** Sends a timing in milliseconds (`<stat>:<value>|ms`). */
  timing(
    stat: string,
    value: number,
    sampleRate: number,
    tags: string[] | undefined,
    callback: StatsdCallback,
  ): void;
}

/** Options of {@link registerStatsd} and {@link registerDogStatsd}. */
export interface StatsdOptions<C extends StatsdClient = HotShotsClient> {
  /** The registry of circuits to export (default: `defaultHystrix`, the one of the module-level functions). */
  hystrix?: Hystrix | undefined;
  /**
   * Your own client. You keep it: unregistering leaves it open. Leave it out to have the export create a
   * hot-shots client from `host`, `port`, `globalTags` and `clientOptions`, which it closes on unregister and
   * when the registry closes.
   */
  client?: C | undefined;
  /** Where a created client sends (default: hot-shots', from `DD_AGENT_HOST`, else the local host). */
  host?: string | undefined;
  /** The port a created client sends to, 1 to 65535 (default: hot-shots', `DD_DOGSTATSD_PORT` or 8125). */
  port?: number | undefined;
  /** Tags a created client adds to every metric (hot-shots' `globalTags`). */
  globalTags?: Tags | undefined;
  /**
   * Any other hot-shots option for a created client (`protocol`, `maxBufferSize`, ...), passed as is, except
   * `mock`, which is refused: pass a client of your own to test. `maxBufferSize` defaults to
   * {@link DEFAULT_STATSD_BUFFER_BYTES} (hystrix-go's buffered client), except over a Unix socket; an
   * `errorHandler` given here is called after the export has logged the error.
   */
  clientOptions?: ClientOptions | undefined;
  /**
   * Put before every metric name, followed by a `.` unless it ends with one (default none): hystrix-go's
   * `Prefix` for StatsD, its `Namespace` for Datadog. It applies to your own client too, after the client's own
   * prefix.
   */
  prefix?: string | undefined;
  /**
   * The share of metrics sent, in (0, 1]; the server scales counts back up. 0 or absent means 1, as in
   * hystrix-go. Passed on every call, so a client's own default rate is not used.
   */
  sampleRate?: number | undefined;
}

/** What {@link registerStatsd} and {@link registerDogStatsd} return. */
export interface StatsdExport<C extends StatsdClient = HotShotsClient> {
  /** The client metrics are sent through: yours, or the one the export created. */
  readonly client: C;
  /** The sample rate in use (hystrix-go's `sampleRate`: 1 when none or 0 was given). */
  readonly sampleRate: number;
  /**
   * Stops the export: removes its collectors from the registry and, when the export created the client, closes
   * it. Resolves once the client is closed (at once for your own client); never rejects. Idempotent; the
   * registry's `close()` does the same.
   */
  unregister(): Promise<void>;
}

/**
 * The metric names of the Datadog export (hystrix-go's `DM_*` constants), with the circuit in the tag
 * `hystrixcircuit:<name>`.
 */
export const DATADOG_METRICS = Object.freeze({
  circuitOpen: 'hystrix.circuitOpen',
  attempts: 'hystrix.attempts',
  errors: 'hystrix.errors',
  successes: 'hystrix.successes',
  failures: 'hystrix.failures',
  rejects: 'hystrix.rejects',
  shortCircuits: 'hystrix.shortCircuits',
  timeouts: 'hystrix.timeouts',
  fallbackSuccesses: 'hystrix.fallbackSuccesses',
  fallbackFailures: 'hystrix.fallbackFailures',
  totalDuration: 'hystrix.totalDuration',
  runDuration: 'hystrix.runDuration',
} as const);

/**
 * The packet size, in bytes, up to which a client the export creates buffers metrics (hystrix-go's
 * `LANStatsdFlushBytes`): one datagram carries many metrics, and hot-shots sends what it holds every second.
 */
export const DEFAULT_STATSD_BUFFER_BYTES = 1432;

/**
 * A circuit name as it appears in StatsD metric names: `/`, `:` and `.` become `-` (hystrix-go's
 * `NewStatsdCollector`), so that a name adds exactly one level to the metric path.
 */
export function sanitizeName(name: string): string {
  return name.replace(/[/:.]/g, '-');
}

/**
 * Exports every execution of a registry's circuits to StatsD with hystrix-go's metric names:
 * `<prefix>.<circuit>.circuitOpen` (gauge: 0 after a success, 1 after a short-circuit), the counters
 * `.attempts .errors .successes .failures .rejects .shortCircuits .timeouts .fallbackSuccesses
 * .fallbackFailures .contextCanceled .contextDeadlineExceeded` (only those that are not 0), and the timings
 * `.totalDuration`, `.runDuration` (only for calls whose run decided the outcome) in milliseconds and
 * `.concurrencyInUse` (percent of the concurrency limit in use). The circuit name is {@link sanitizeName}d.
 *
 * @throws TypeError or RangeError for bad options.
 */
export function registerStatsd<C extends StatsdClient = HotShotsClient>(
  options: StatsdOptions<C> = {},
): StatsdExport<C> {
  return register('registerStatsd', options, StatsdCollector);
}

/**
 * Exports every execution of a registry's circuits to DogStatsD with hystrix-go's Datadog names
 * ({@link DATADOG_METRICS}) and the tag `hystrixcircuit:<circuit name>`: counts only when not 0, the gauge
 * `hystrix.circuitOpen` (0 after a success, 1 after a short-circuit), and the timings `hystrix.totalDuration`
 * and `hystrix.runDuration` (only for calls whose run decided the outcome) in milliseconds.
 *
 * @throws TypeError or RangeError for bad options.
 */
export function registerDogStatsd<C extends StatsdClient = HotShotsClient>(
  options: StatsdOptions<C> = {},
): StatsdExport<C> {
  return register('registerDogStatsd', options, DogStatsdCollector);
}

const OPTION_KEYS = new Set([
  'hystrix',
  'client',
  'host',
  'port',
  'globalTags',
  'clientOptions',
  'prefix',
  'sampleRate',
]);
const CONNECTION_KEYS = ['host', 'port', 'globalTags', 'clientOptions'] as const;
// Characters that would end a metric name early in the StatsD line format, or split it.
const BAD_PREFIX = /[\s\p{Cc}:|]/u;
// One log line per this many milliseconds at most: an unreachable server fails every metric of every call.
const ERROR_LOG_INTERVAL = 10_000;

function register<C extends StatsdClient>(
  where: string,
  options: StatsdOptions<C>,
  Collector: new (sender: Sender, prefix: string, name: string) => MetricCollector,
): StatsdExport<C> {
  const checked = checkOptions(where, options);
  const { hystrix } = checked;
  const errors = new ErrorLog(hystrix, where);
  const own = checked.client === undefined;
  const client = (checked.client ?? createClient(checked, errors)) as C;
  const sender = new Sender(client, checked.sampleRate, errors);
  const prefix = checked.prefix;
  let removeFactory: (() => void) | undefined;
  let removeOnClose: (() => void) | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    if (stopping !== undefined) return stopping;
    sender.stopped = true;
    removeFactory?.();
    removeOnClose?.();
    stopping = own ? closeClient(client as unknown as HotShotsClient, errors) : Promise.resolve();
    return stopping;
  };
  try {
    removeFactory = hystrix.metricCollectors.register(
      (name) => new Collector(sender, prefix, name),
    );
    removeOnClose = hystrix.onClose(() => stop());
  } catch (error: unknown) {
    void stop();
    throw error;
  }
  return { client, sampleRate: sender.sampleRate, unregister: stop };
}

/** Sends metrics through one client; never throws, and reports what fails to the registry's logger. */
class Sender {
  stopped = false;
  private readonly callback: StatsdCallback;

  constructor(
    private readonly client: StatsdClient,
    readonly sampleRate: number,
    private readonly errors: ErrorLog,
  ) {
    this.callback = (error) => {
      if (error) errors.report('error sending metrics', error);
    };
  }

  count(stat: string, value: number, tags?: string[]): void {
    if (value === 0) return;
    try {
      this.client.increment(stat, value, this.sampleRate, tags, this.callback);
    } catch (error: unknown) {
      this.errors.report(`error sending ${stat}`, error);
    }
  }

  gauge(stat: string, value: number, tags?: string[]): void {
    try {
      this.client.gauge(stat, value, this.sampleRate, tags, this.callback);
    } catch (error: unknown) {
      this.errors.report(`error sending ${stat}`, error);
    }
  }

  timing(stat: string, ms: number, tags?: string[]): void {
    try {
      this.client.timing(stat, ms, this.sampleRate, tags, this.callback);
    } catch (error: unknown) {
      this.errors.report(`error sending ${stat}`, error);
    }
  }
}

/** hystrix-go's `StatsdCollector`, in its order. */
class StatsdCollector implements MetricCollector {
  private readonly circuitOpen: string;
  private readonly attempts: string;
  private readonly errors: string;
  private readonly successes: string;
  private readonly failures: string;
  private readonly rejects: string;
  private readonly shortCircuits: string;
  private readonly timeouts: string;
  private readonly fallbackSuccesses: string;
  private readonly fallbackFailures: string;
  private readonly contextCanceled: string;
  private readonly contextDeadlineExceeded: string;
  private readonly totalDuration: string;
  private readonly runDuration: string;
  private readonly concurrencyInUse: string;

  constructor(
    private readonly sender: Sender,
    prefix: string,
    name: string,
  ) {
    const base = prefix + sanitizeName(name) + '.';
    this.circuitOpen = base + 'circuitOpen';
    this.attempts = base + 'attempts';
    this.errors = base + 'errors';
    this.successes = base + 'successes';
    this.failures = base + 'failures';
    this.rejects = base + 'rejects';
    this.shortCircuits = base + 'shortCircuits';
    this.timeouts = base + 'timeouts';
    this.fallbackSuccesses = base + 'fallbackSuccesses';
    this.fallbackFailures = base + 'fallbackFailures';
    this.contextCanceled = base + 'contextCanceled';
    this.contextDeadlineExceeded = base + 'contextDeadlineExceeded';
    this.totalDuration = base + 'totalDuration';
    this.runDuration = base + 'runDuration';
    this.concurrencyInUse = base + 'concurrencyInUse';
  }

  update(r: MetricResult): void {
    const s = this.sender;
    if (s.stopped) return;
    if (r.successes > 0) s.gauge(this.circuitOpen, 0);
    else if (r.shortCircuits > 0) s.gauge(this.circuitOpen, 1);
    s.count(this.attempts, r.attempts);
    s.count(this.errors, r.errors);
    s.count(this.successes, r.successes);
    s.count(this.failures, r.failures);
    s.count(this.rejects, r.rejects);
    s.count(this.shortCircuits, r.shortCircuits);
    s.count(this.timeouts, r.timeouts);
    s.count(this.fallbackSuccesses, r.fallbackSuccesses);
    s.count(this.fallbackFailures, r.fallbackFailures);
    s.count(this.contextCanceled, r.contextCanceled);
    s.count(this.contextDeadlineExceeded, r.contextDeadlineExceeded);
    s.timing(this.totalDuration, milliseconds(r.totalDuration));
    // hystrix-go sends 0 for calls that never ran, which drags run latency toward 0.
    if (r.runDuration !== undefined) s.timing(this.runDuration, milliseconds(r.runDuration));
    // hystrix-go's int64(100*ConcurrencyInUse): a whole percent, truncated.
    s.timing(this.concurrencyInUse, Math.trunc(100 * r.concurrencyInUse));
  }

  reset(): void {
    // Counters sent are deltas: there is nothing here to reset (hystrix-go's Reset is a no-op too).
  }
}

/** hystrix-go's `DatadogCollector`, in its order. */
class DogStatsdCollector implements MetricCollector {
  private readonly tags: string[];
  private readonly names: typeof DATADOG_METRICS;

  constructor(
    private readonly sender: Sender,
    prefix: string,
    name: string,
  ) {
    // The raw name: a tag value may hold any character (hot-shots replaces the few that would break the line).
    this.tags = ['hystrixcircuit:' + name];
    this.names = prefix === '' ? DATADOG_METRICS : prefixed(prefix);
  }

  update(r: MetricResult): void {
    const s = this.sender;
    if (s.stopped) return;
    const m = this.names;
    const tags = this.tags;
    s.count(m.attempts, r.attempts, tags);
    s.count(m.errors, r.errors, tags);
    if (r.successes > 0) {
      s.gauge(m.circuitOpen, 0, tags);
      s.count(m.successes, r.successes, tags);
    }
    s.count(m.failures, r.failures, tags);
    s.count(m.rejects, r.rejects, tags);
    if (r.shortCircuits > 0) {
      s.gauge(m.circuitOpen, 1, tags);
      s.count(m.shortCircuits, r.shortCircuits, tags);
    }
    s.count(m.timeouts, r.timeouts, tags);
    s.count(m.fallbackSuccesses, r.fallbackSuccesses, tags);
    s.count(m.fallbackFailures, r.fallbackFailures, tags);
    s.timing(m.totalDuration, milliseconds(r.totalDuration), tags);
    if (r.runDuration !== undefined) s.timing(m.runDuration, milliseconds(r.runDuration), tags);
  }

  reset(): void {
    // As hystrix-go: counts are deltas, nothing to reset.
  }
}

function prefixed(prefix: string): typeof DATADOG_METRICS {
  const out: Record<string, string> = {};
  for (const [key, name] of Object.entries(DATADOG_METRICS)) out[key] = prefix + name;
  return out as unknown as typeof DATADOG_METRICS;
}

/** Milliseconds to the microsecond: shorter datagrams than a full double, and finer than hystrix-go needs. */
function milliseconds(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

interface CheckedOptions {
  hystrix: Hystrix;
  client: StatsdClient | undefined;
  host: string | undefined;
  port: number | undefined;
  globalTags: Tags | undefined;
  clientOptions: ClientOptions;
  prefix: string;
  sampleRate: number;
}

function checkOptions(where: string, options: unknown): CheckedOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${where}: options must be an object such as { host, port }`);
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) {
      throw new TypeError(
        `${where}: unknown option '${key}' (known: ${[...OPTION_KEYS].join(', ')})`,
      );
    }
  }
  const o = options as Record<string, unknown>;
  const hystrix = o['hystrix'] ?? defaultHystrix;
  if (!isHystrix(hystrix)) {
    throw new TypeError(`${where}: options.hystrix must be a Hystrix, got ${describe(hystrix)}`);
  }
  const client = o['client'];
  if (client !== undefined) {
    if (!isClient(client)) {
      throw new TypeError(
        `${where}: options.client must be a StatsD client (increment, gauge and timing methods), ` +
          `got ${describe(client)}`,
      );
    }
    const given = CONNECTION_KEYS.filter((key) => o[key] !== undefined);
    if (given.length > 0) {
      throw new TypeError(
        `${where}: options.${given[0]!} configures a client the export creates; with options.client, ` +
          `configure your client instead`,
      );
    }
  }
  const { host, port, globalTags } = o;
  if (host !== undefined && (typeof host !== 'string' || host === '')) {
    throw new TypeError(`${where}: options.host must be a non-empty string, got ${describe(host)}`);
  }
  if (port !== undefined) {
    if (typeof port !== 'number') {
      throw new TypeError(`${where}: options.port must be a number, got ${describe(port)}`);
    }
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new RangeError(
        `${where}: options.port must be an integer from 1 to 65535, got ${port}`,
      );
    }
  }
  if (globalTags !== undefined && (typeof globalTags !== 'object' || globalTags === null)) {
    throw new TypeError(
      `${where}: options.globalTags must be an array of 'key:value' strings or an object, ` +
        `got ${describe(globalTags)}`,
    );
  }
  const clientOptions = o['clientOptions'] ?? {};
  if (typeof clientOptions !== 'object' || Array.isArray(clientOptions)) {
    throw new TypeError(
      `${where}: options.clientOptions must be an object of hot-shots options, got ${describe(clientOptions)}`,
    );
  }
  const { mock, errorHandler } = clientOptions as Record<string, unknown>;
  if (mock !== undefined && mock !== false) {
    throw new TypeError(
      `${where}: options.clientOptions.mock is not supported: the export sends for real; to test, pass a ` +
        `client of your own as options.client`,
    );
  }
  if (errorHandler !== undefined && typeof errorHandler !== 'function') {
    throw new TypeError(`${where}: options.clientOptions.errorHandler must be a function`);
  }
  return {
    hystrix,
    client,
    host,
    port,
    globalTags: globalTags as Tags | undefined,
    clientOptions,
    prefix: checkPrefix(where, o['prefix']),
    sampleRate: checkSampleRate(where, o['sampleRate']),
  };
}

function checkPrefix(where: string, prefix: unknown): string {
  if (prefix === undefined || prefix === '') return '';
  if (typeof prefix !== 'string') {
    throw new TypeError(`${where}: options.prefix must be a string, got ${describe(prefix)}`);
  }
  if (BAD_PREFIX.test(prefix)) {
    throw new RangeError(
      `${where}: options.prefix must not hold spaces, control characters, ':' or '|', got ` +
        JSON.stringify(prefix),
    );
  }
  return prefix.endsWith('.') ? prefix : prefix + '.';
}

function checkSampleRate(where: string, rate: unknown): number {
  // hystrix-go: "If 0, defaults to 1.0. (no sampling)".
  if (rate === undefined || rate === 0) return 1;
  if (typeof rate !== 'number') {
    throw new TypeError(`${where}: options.sampleRate must be a number, got ${describe(rate)}`);
  }
  if (!(rate > 0 && rate <= 1)) {
    throw new RangeError(
      `${where}: options.sampleRate must be in (0, 1] (0 means 1), got ${String(rate)}`,
    );
  }
  return rate;
}

function createClient(options: CheckedOptions, errors: ErrorLog): HotShotsClient {
  const given = options.clientOptions;
  const theirs = given.errorHandler;
  const settings: ClientOptions = {
    ...given,
    mock: false,
    errorHandler: (error: Error) => {
      errors.report('client error', error);
      if (theirs !== undefined) {
        try {
          theirs(error);
        } catch (thrown: unknown) {
          errors.report('clientOptions.errorHandler threw', thrown);
        }
      }
    },
  };
  if (given.maxBufferSize === undefined && given.protocol !== 'uds') {
    settings.maxBufferSize = DEFAULT_STATSD_BUFFER_BYTES;
  }
  if (options.host !== undefined) settings.host = options.host;
  if (options.port !== undefined) settings.port = options.port;
  if (options.globalTags !== undefined) settings.globalTags = options.globalTags;
  return new StatsD(settings);
}

function closeClient(client: HotShotsClient, errors: ErrorLog): Promise<void> {
  return new Promise((resolve) => {
    try {
      client.close((error?: Error) => {
        if (error) errors.report('error closing the client', error);
        resolve();
      });
    } catch (error: unknown) {
      errors.report('error closing the client', error);
      resolve();
    }
  });
}

/**
 * Reports errors to the registry's logger (read at each report: `setLogger` may replace it), at most one line
 * per {@link ERROR_LOG_INTERVAL} of the registry's clock, with a count of those left out.
 */
class ErrorLog {
  private quietUntil = Number.NEGATIVE_INFINITY;
  private suppressed = 0;

  constructor(
    private readonly hystrix: Hystrix,
    private readonly where: string,
  ) {}

  report(what: string, error: unknown): void {
    const now = this.hystrix.clock.now();
    if (now < this.quietUntil) {
      this.suppressed++;
      return;
    }
    this.quietUntil = now + ERROR_LOG_INTERVAL;
    const more = this.suppressed > 0 ? ` (and ${this.suppressed} more errors not logged)` : '';
    this.suppressed = 0;
    try {
      this.hystrix.logger.error(`hystrix: ${this.where}: ${what}: ${message(error)}${more}`);
    } catch {
      // A logger that throws must not break a command; there is nowhere left to report it.
    }
  }
}

function message(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'an error that cannot be printed';
  }
}

// By shape rather than `instanceof`: an application can hold the core twice (its ESM and CommonJS builds).
function isHystrix(value: unknown): value is Hystrix {
  if (typeof value !== 'object' || value === null) return false;
  const h = value as Partial<Hystrix>;
  return (
    typeof h.onClose === 'function' &&
    typeof h.metricCollectors === 'object' &&
    typeof h.metricCollectors.register === 'function' &&
    typeof h.clock === 'object'
  );
}

function isClient(value: unknown): value is StatsdClient {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Partial<StatsdClient>;
  return (
    typeof c.increment === 'function' &&
    typeof c.gauge === 'function' &&
    typeof c.timing === 'function'
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
