/**
 * Graphite export for hystrix-ts (`hystrix-ts/graphite`), with no dependency: hystrix-go's
 * `graphite_aggregator.go` metric names, aggregated in process and written every interval in Graphite's
 * plaintext protocol (`<path> <value> <unix-seconds>\n`) over one TCP connection, the way go-metrics' Graphite
 * reporter writes them.
 *
 * @packageDocumentation
 */
import { createConnection, type Socket } from 'node:net';
import {
  type ClockTimer,
  defaultHystrix,
  type Hystrix,
  type MetricCollector,
  type MetricResult,
} from 'hystrix-ts';

/** Options of {@link registerGraphite}. */
export interface GraphiteOptions {
  /** The registry of circuits to export (default: `defaultHystrix`, the one of the module-level functions). */
  hystrix?: Hystrix | undefined;
  /** The Graphite (carbon) host (default `'localhost'`). */
  host?: string | undefined;
  /** Its plaintext port, 1 to 65535 (default 2003). */
  port?: number | undefined;
  /** Put before every path, followed by a `.` unless it ends with one (default none). No spaces. */
  prefix?: string | undefined;
  /** Milliseconds between two writes, on the registry's clock (default 10000, hystrix-go's `TickInterval`). */
  interval?: number | undefined;
  /**
   * Lines kept while the server cannot be reached (default {@link DEFAULT_MAX_BUFFERED_LINES}); past that, the
   * oldest are dropped, so memory stays bounded however long the server is away.
   */
  maxBufferedLines?: number | undefined;
}

/** What {@link registerGraphite} returns. */
export interface GraphiteExport {
  /**
   * Stops the export: removes its collectors and its timer, writes the metrics one last time when connected,
   * and closes the connection. Resolves once the socket is closed; never rejects. Idempotent; the registry's
   * `close()` does the same.
   */
  unregister(): Promise<void>;
}

/** Graphite's plaintext port. */
export const DEFAULT_GRAPHITE_PORT = 2003;

/** Milliseconds between writes by default (hystrix-go's examples, and go-metrics' usual tick). */
export const DEFAULT_GRAPHITE_INTERVAL = 10_000;

/** Lines kept by default while disconnected: about a minute of 100 busy circuits, a few megabytes. */
export const DEFAULT_MAX_BUFFERED_LINES = 50_000;

/**
 * Durations kept per timer and interval to compute percentiles (go-metrics' reservoir size). Below it the
 * percentiles are exact; above it they come from a uniform sample. Count, min, max, mean and standard deviation
 * are always exact.
 */
export const TIMER_SAMPLE_SIZE = 1028;

/** The percentiles written for each timer, and the suffixes go-metrics gives them. */
export const GRAPHITE_PERCENTILES: readonly (readonly [number, string])[] = Object.freeze([
  Object.freeze([0.5, '50-percentile'] as const),
  Object.freeze([0.75, '75-percentile'] as const),
  Object.freeze([0.95, '95-percentile'] as const),
  Object.freeze([0.99, '99-percentile'] as const),
  Object.freeze([0.999, '999-percentile'] as const),
]);

/**
 * A circuit name as it appears in Graphite paths: `/`, `:` and `.` become `-` (hystrix-go's
 * `NewGraphiteCollector`), so that a name adds exactly one level to the path; whitespace and control
 * characters, which would break a plaintext line, become `_`.
 */
export function sanitizeName(name: string): string {
  return name.replace(/[/:.]/g, '-').replace(/[\s\p{Cc}]/gu, '_');
}

/**
 * Exports a registry's circuits to Graphite. For each circuit (name {@link sanitizeName}d), the counters
 * `<prefix>.<circuit>.attempts .errors .successes .failures .rejects .shortCircuits .timeouts
 * .fallbackSuccesses .fallbackFailures`, each written as `<path>.count <total since registration>` once it is
 * not 0, and the timers `.totalDuration` and `.runDuration` (calls whose run decided the outcome) in
 * milliseconds: `.count` (total since registration), then, when the interval saw calls, that interval's `.min
 * .max .mean .std-dev .50-percentile .75-percentile .95-percentile .99-percentile .999-percentile`.
 *
 * Every `interval` the lines are written over one TCP connection, timestamped in seconds by the registry's
 * clock. While the server cannot be reached, lines are kept (at most `maxBufferedLines`) and the connection is
 * retried at each write, backing off from 1 s to 1 min. Nothing here keeps the process alive, and no error
 * reaches a command: they go to the registry's logger.
 *
 * @throws TypeError or RangeError for bad options.
 */
export function registerGraphite(options: GraphiteOptions = {}): GraphiteExport {
  const exporter = new GraphiteExporter(checkOptions(options));
  return { unregister: () => exporter.stop() };
}

const WHERE = 'registerGraphite';
const OPTION_KEYS = new Set(['hystrix', 'host', 'port', 'prefix', 'interval', 'maxBufferedLines']);
const BAD_PREFIX = /[\s\p{Cc}]/u;
const MAX_TIMER_DELAY = 2_147_483_647;
const FIRST_RETRY_DELAY = 1000;
const MAX_RETRY_DELAY = 60_000;
// How long a final write may take at stop before the socket is destroyed anyway: a server that stopped reading
// must not keep the process alive.
const CLOSE_GRACE = 5000;

/** hystrix-go's counters, in its order: each is a `MetricResult` field and the metric's name. */
const COUNTERS = [
  'attempts',
  'errors',
  'successes',
  'failures',
  'rejects',
  'shortCircuits',
  'timeouts',
  'fallbackSuccesses',
  'fallbackFailures',
] as const;

interface Checked {
  hystrix: Hystrix;
  host: string;
  port: number;
  prefix: string;
  interval: number;
  maxBufferedLines: number;
}

/** A go-metrics `Counter`: a total since registration. */
class Counter {
  count = 0;

  write(path: string, ts: number, out: string[]): void {
    out.push(`${path}.count ${this.count} ${ts}\n`);
  }
}

/**
 * A go-metrics `Timer` as written: a count since registration, and the distribution of the durations of the
 * last interval (go-metrics keeps an exponentially decaying sample instead; see the README).
 */
class Timer {
  count = 0;
  private n = 0;
  private min = 0;
  private max = 0;
  private mean = 0;
  private m2 = 0;
  private readonly sample: number[] = [];

  add(ms: number): void {
    this.count++;
    const n = ++this.n;
    if (n === 1) {
      this.min = ms;
      this.max = ms;
    } else {
      if (ms < this.min) this.min = ms;
      if (ms > this.max) this.max = ms;
    }
    // Welford: a stable running variance, without keeping every duration.
    const delta = ms - this.mean;
    this.mean += delta / n;
    this.m2 += delta * (ms - this.mean);
    if (this.sample.length < TIMER_SAMPLE_SIZE) {
      this.sample.push(ms);
    } else {
      // Vitter's algorithm R: every duration of the interval has the same chance to be in the sample.
      const j = Math.floor(Math.random() * n);
      if (j < TIMER_SAMPLE_SIZE) this.sample[j] = ms;
    }
  }

  write(path: string, ts: number, out: string[]): void {
    out.push(`${path}.count ${this.count} ${ts}\n`);
    if (this.n === 0) return;
    out.push(`${path}.min ${fixed(this.min)} ${ts}\n`);
    out.push(`${path}.max ${fixed(this.max)} ${ts}\n`);
    out.push(`${path}.mean ${fixed(this.mean)} ${ts}\n`);
    out.push(`${path}.std-dev ${fixed(Math.sqrt(Math.max(0, this.m2 / this.n)))} ${ts}\n`);
    const sorted = this.sample.sort((a, b) => a - b);
    for (const [p, suffix] of GRAPHITE_PERCENTILES) {
      out.push(`${path}.${suffix} ${fixed(percentile(sorted, p))} ${ts}\n`);
    }
    this.n = 0;
    this.mean = 0;
    this.m2 = 0;
    this.sample.length = 0;
  }
}

/** go-metrics' `SamplePercentiles`: position p * (n + 1), interpolated between neighbours. */
function percentile(sorted: readonly number[], p: number): number {
  const size = sorted.length;
  const pos = p * (size + 1);
  if (pos < 1) return sorted[0]!;
  if (pos >= size) return sorted[size - 1]!;
  const lower = sorted[Math.floor(pos) - 1]!;
  const upper = sorted[Math.floor(pos)]!;
  return lower + (pos - Math.floor(pos)) * (upper - lower);
}

/** go-metrics' `%.2f`. */
function fixed(value: number): string {
  return value.toFixed(2);
}

class GraphiteExporter {
  private readonly hystrix: Hystrix;
  private readonly host: string;
  private readonly port: number;
  private readonly prefix: string;
  private readonly interval: number;
  private readonly maxBufferedLines: number;
  /** Metrics by path without the prefix, like go-metrics' registry: circuits whose names sanitize alike share. */
  private readonly metrics = new Map<string, Counter | Timer>();
  private pending: string[] = [];
  private socket: Socket | null = null;
  private connected = false;
  private retryAt = Number.NEGATIVE_INFINITY;
  private retryDelay = 0;
  private dropped = 0;
  private lastError: unknown = undefined;
  private timer: ClockTimer | null = null;
  private stopped = false;
  private stopping: Promise<void> | undefined;
  private readonly removeFactory: () => void;
  private readonly removeOnClose: () => void;

  constructor(options: Checked) {
    this.hystrix = options.hystrix;
    this.host = options.host;
    this.port = options.port;
    this.prefix = options.prefix;
    this.interval = options.interval;
    this.maxBufferedLines = options.maxBufferedLines;
    this.removeFactory = this.hystrix.metricCollectors.register(
      (name) => new GraphiteCollector(this, sanitizeName(name)),
    );
    try {
      this.removeOnClose = this.hystrix.onClose(() => this.stop());
    } catch (error: unknown) {
      this.removeFactory();
      throw error;
    }
    this.arm();
    // Connect now, so that a wrong address shows in the log at startup rather than one interval later.
    this.connect();
  }

  /** @internal The counter of a path, made on first use (go-metrics' `GetOrRegister`). */
  counter(path: string): Counter {
    const metric = this.metrics.get(path);
    if (metric instanceof Counter) return metric;
    const counter = new Counter();
    this.metrics.set(path, counter);
    return counter;
  }

  /** @internal The timer of a path, made on first use. */
  timerOf(path: string): Timer {
    const metric = this.metrics.get(path);
    if (metric instanceof Timer) return metric;
    const timer = new Timer();
    this.metrics.set(path, timer);
    return timer;
  }

  get running(): boolean {
    return !this.stopped;
  }

  stop(): Promise<void> {
    if (this.stopping !== undefined) return this.stopping;
    this.stopped = true;
    if (this.timer !== null) this.hystrix.clock.clearTimeout(this.timer);
    this.timer = null;
    this.removeFactory();
    this.removeOnClose();
    this.collect();
    this.stopping = this.close();
    return this.stopping;
  }

  private arm(): void {
    const timer = this.hystrix.clock.setTimeout(() => {
      this.timer = null;
      if (this.stopped) return;
      // Re-armed first: whatever goes wrong below, the export keeps its rhythm.
      this.arm();
      this.collect();
      this.send();
      this.trim();
    }, this.interval);
    // A metrics export must never be what keeps a process alive.
    timer.unref();
    this.timer = timer;
  }

  /** Appends every metric's lines to the pending ones. */
  private collect(): void {
    try {
      const ts = Math.floor(this.hystrix.clock.now() / 1000);
      for (const [path, metric] of this.metrics) metric.write(this.prefix + path, ts, this.pending);
    } catch (error: unknown) {
      this.log('error', `graphite: collecting metrics failed: ${message(error)}`);
    }
  }

  /** Drops the oldest pending lines past the bound: memory stays bounded however long the server is away. */
  private trim(): void {
    const excess = this.pending.length - this.maxBufferedLines;
    if (excess <= 0) return;
    this.pending.splice(0, excess);
    if (this.dropped === 0) {
      this.log(
        'error',
        `graphite: lines for ${this.address()} are piling up (not connected, or the server is slow); ` +
          `keeping the newest ${this.maxBufferedLines}, dropping older ones`,
      );
    }
    this.dropped += excess;
  }

  /** Writes the pending lines if connected, or tries to connect (no sooner than the back-off allows). */
  private send(): void {
    if (this.pending.length === 0) return;
    const socket = this.socket;
    if (socket === null) {
      this.connect();
      return;
    }
    // Still connecting, or the kernel has not taken the last write yet: the lines wait here, where they are
    // bounded, rather than in the socket's unbounded buffer.
    if (!this.connected || socket.writableNeedDrain) return;
    const data = this.pending.join('');
    this.pending = [];
    socket.write(data);
    if (this.dropped > 0) {
      this.log('error', `graphite: ${this.dropped} lines for ${this.address()} were dropped`);
      this.dropped = 0;
    }
  }

  private connect(): void {
    if (this.socket !== null || this.stopped) return;
    if (this.hystrix.clock.now() < this.retryAt) return;
    let socket: Socket;
    try {
      socket = createConnection({ host: this.host, port: this.port });
    } catch (error: unknown) {
      this.failed(error);
      return;
    }
    this.socket = socket;
    socket.unref();
    // Graphite says nothing back; whatever comes is read and dropped, so that it cannot pile up unread.
    socket.resume();
    socket.on('connect', () => {
      if (this.socket !== socket) return;
      this.connected = true;
      this.retryDelay = 0;
      this.retryAt = Number.NEGATIVE_INFINITY;
      this.lastError = undefined;
      this.log('info', `graphite: connected to ${this.address()}`);
      this.send();
    });
    socket.on('drain', () => {
      if (this.socket === socket && !this.stopped) this.send();
    });
    socket.on('error', (error: Error) => {
      this.lastError = error;
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      const wasConnected = this.connected;
      this.socket = null;
      this.connected = false;
      if (this.stopped) return;
      const why = this.lastError === undefined ? 'closed by the server' : message(this.lastError);
      this.lastError = undefined;
      if (wasConnected) {
        this.log(
          'error',
          `graphite: connection to ${this.address()} lost (${why}); keeping lines until it is back`,
        );
        this.backOff();
      } else {
        this.failed(why);
      }
    });
  }

  private failed(error: unknown): void {
    this.log(
      'error',
      `graphite: cannot connect to ${this.address()}: ${message(error)}; retrying at a later write`,
    );
    this.backOff();
  }

  private backOff(): void {
    this.retryDelay =
      this.retryDelay === 0 ? FIRST_RETRY_DELAY : Math.min(this.retryDelay * 2, MAX_RETRY_DELAY);
    this.retryAt = this.hystrix.clock.now() + this.retryDelay;
  }

  /**
   * Sends what is pending once connected (a connection still being made is waited for), ends the connection,
   * and resolves once the socket is closed.
   */
  private close(): Promise<void> {
    const socket = this.socket;
    if (socket === null) {
      this.discard();
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      // Held open only for the last write, and only for so long: a server that is slow to accept or to read
      // must not keep the process alive.
      socket.ref();
      const guard = setTimeout(() => socket.destroy(), CLOSE_GRACE);
      guard.unref();
      socket.once('close', () => {
        clearTimeout(guard);
        this.discard();
        resolve();
      });
      const finish = (): void => {
        const data = this.pending.join('');
        this.pending = [];
        // Destroyed once the kernel has the data and the end, so that a server that never closes its side
        // cannot hold the socket.
        socket.end(data, () => socket.destroy());
      };
      if (this.connected) finish();
      else socket.once('connect', finish);
    });
  }

  /** Forgets lines that can no longer be sent, saying how many. */
  private discard(): void {
    if (this.pending.length > 0) {
      this.log(
        'error',
        `graphite: stopped before ${this.address()} could be reached; ` +
          `${this.pending.length} lines were not sent`,
      );
    }
    this.pending = [];
  }

  private address(): string {
    return `${this.host}:${this.port}`;
  }

  private log(level: 'info' | 'error', text: string): void {
    try {
      this.hystrix.logger[level](`hystrix: ${text}`);
    } catch {
      // A logger that throws must not break the export; there is nowhere left to report it.
    }
  }
}

/** hystrix-go's `GraphiteCollector`: feeds the exporter's metrics. */
class GraphiteCollector implements MetricCollector {
  private readonly counters: (Counter | undefined)[] = [];
  private totalDuration: Timer | undefined;
  private runDuration: Timer | undefined;

  constructor(
    private readonly exporter: GraphiteExporter,
    private readonly base: string,
  ) {}

  update(r: MetricResult): void {
    const exporter = this.exporter;
    if (!exporter.running) return;
    for (let i = 0; i < COUNTERS.length; i++) {
      const field = COUNTERS[i]!;
      const value = r[field];
      // As hystrix-go: a counter exists (and is written) from its first increment on.
      if (value === 0) continue;
      const counter = (this.counters[i] ??= exporter.counter(`${this.base}.${field}`));
      counter.count += value;
    }
    (this.totalDuration ??= exporter.timerOf(`${this.base}.totalDuration`)).add(r.totalDuration);
    // hystrix-go records 0 for calls that never ran, which drags run latency toward 0.
    if (r.runDuration !== undefined) {
      (this.runDuration ??= exporter.timerOf(`${this.base}.runDuration`)).add(r.runDuration);
    }
  }

  reset(): void {
    // As hystrix-go: Graphite counters are totals since registration, never reset with the circuit.
  }
}

function checkOptions(options: unknown): Checked {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${WHERE}: options must be an object such as { host, port }`);
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) {
      throw new TypeError(
        `${WHERE}: unknown option '${key}' (known: ${[...OPTION_KEYS].join(', ')})`,
      );
    }
  }
  const o = options as Record<string, unknown>;
  const hystrix = o['hystrix'] ?? defaultHystrix;
  if (!isHystrix(hystrix)) {
    throw new TypeError(`${WHERE}: options.hystrix must be a Hystrix, got ${describe(hystrix)}`);
  }
  const host = o['host'] ?? 'localhost';
  if (typeof host !== 'string' || host === '') {
    throw new TypeError(`${WHERE}: options.host must be a non-empty string, got ${describe(host)}`);
  }
  const port = o['port'] ?? DEFAULT_GRAPHITE_PORT;
  if (typeof port !== 'number') {
    throw new TypeError(`${WHERE}: options.port must be a number, got ${describe(port)}`);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`${WHERE}: options.port must be an integer from 1 to 65535, got ${port}`);
  }
  const interval = o['interval'] ?? DEFAULT_GRAPHITE_INTERVAL;
  if (typeof interval !== 'number') {
    throw new TypeError(`${WHERE}: options.interval must be a number, got ${describe(interval)}`);
  }
  if (!(interval >= 1 && interval <= MAX_TIMER_DELAY)) {
    throw new RangeError(
      `${WHERE}: options.interval must be from 1 to ${MAX_TIMER_DELAY} milliseconds, got ${interval}`,
    );
  }
  const maxBufferedLines = o['maxBufferedLines'] ?? DEFAULT_MAX_BUFFERED_LINES;
  if (typeof maxBufferedLines !== 'number') {
    throw new TypeError(
      `${WHERE}: options.maxBufferedLines must be a number, got ${describe(maxBufferedLines)}`,
    );
  }
  if (!Number.isInteger(maxBufferedLines) || maxBufferedLines < 1) {
    throw new RangeError(
      `${WHERE}: options.maxBufferedLines must be a positive integer, got ${maxBufferedLines}`,
    );
  }
  return { hystrix, host, port, prefix: checkPrefix(o['prefix']), interval, maxBufferedLines };
}

function checkPrefix(prefix: unknown): string {
  if (prefix === undefined || prefix === '') return '';
  if (typeof prefix !== 'string') {
    throw new TypeError(`${WHERE}: options.prefix must be a string, got ${describe(prefix)}`);
  }
  if (BAD_PREFIX.test(prefix)) {
    throw new RangeError(
      `${WHERE}: options.prefix must not hold spaces or control characters, got ${JSON.stringify(prefix)}`,
    );
  }
  return prefix.endsWith('.') ? prefix : prefix + '.';
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

function message(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'an error that cannot be printed';
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
