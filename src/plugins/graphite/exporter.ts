import type { ClockTimer, Hystrix } from 'hystrix-ts';
import { describeError } from 'hystrix-ts/internal';
import { logSafely } from '../shared/logging.js';
import { GraphiteCollector, type GraphiteMetrics } from './collector.js';
import { GraphiteConnection } from './connection.js';
import { Counter } from './counter.js';
import { Gauge } from './gauge.js';
import { sanitizeName } from '../shared/metric-path.js';
import type { CheckedGraphiteOptions } from './options.js';
import { Timer } from './timer.js';

/**
 * Collects a registry's executions into metrics and writes them every interval until stopped, by
 * {@link GraphiteExporter.stop} or when the registry closes.
 */
export class GraphiteExporter implements GraphiteMetrics {
  private readonly hystrix: Hystrix;
  private readonly prefix: string;
  private readonly interval: number;
  /** Metrics by path without the prefix, like go-metrics' registry: circuits whose names sanitize alike share. */
  private readonly metrics = new Map<string, Counter | Gauge | Timer>();
  private readonly connection: GraphiteConnection;
  private timer: ClockTimer | null = null;
  private stopped = false;
  private stopping: Promise<void> | undefined;
  private readonly removeFactory: () => void;
  private readonly removeOnClose: () => void;

  constructor(options: CheckedGraphiteOptions) {
    this.hystrix = options.hystrix;
    this.prefix = options.prefix;
    this.interval = options.interval;
    this.connection = new GraphiteConnection(
      options.hystrix,
      options.host,
      options.port,
      options.maxBufferedLines,
    );
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
    this.connection.connect();
  }

  counter(path: string): Counter {
    return this.metricOf(path, Counter);
  }

  timerOf(path: string): Timer {
    return this.metricOf(path, Timer);
  }

  gauge(path: string): Gauge {
    return this.metricOf(path, Gauge);
  }

  get running(): boolean {
    return !this.stopped;
  }

  /**
   * Removes the collectors and the timer, writes the metrics one last time when connected, and closes the
   * connection. Resolves once the socket is closed; never rejects. Idempotent.
   */
  stop(): Promise<void> {
    if (this.stopping !== undefined) return this.stopping;
    this.stopped = true;
    this.connection.stop();
    if (this.timer !== null) this.hystrix.clock.clearTimeout(this.timer);
    this.timer = null;
    this.removeFactory();
    this.removeOnClose();
    this.collect();
    this.stopping = this.connection.close();
    return this.stopping;
  }

  /** The metric of a path, made on first use (go-metrics' `GetOrRegister`). */
  private metricOf<M extends Counter | Gauge | Timer>(path: string, Kind: new () => M): M {
    const metric = this.metrics.get(path);
    if (metric instanceof Kind) return metric;
    const made = new Kind();
    this.metrics.set(path, made);
    return made;
  }

  private arm(): void {
    const timer = this.hystrix.clock.setTimeout(() => {
      this.timer = null;
      if (this.stopped) return;
      // Re-armed first: whatever goes wrong below, the export keeps its rhythm.
      this.arm();
      this.collect();
      this.connection.send();
      this.connection.trim();
    }, this.interval);
    // A metrics export must never be what keeps a process alive.
    timer.unref();
    this.timer = timer;
  }

  /** Appends every metric's lines to the connection's pending ones. */
  private collect(): void {
    try {
      const ts = Math.floor(this.hystrix.now() / 1000);
      const out = this.connection.lines;
      for (const [path, metric] of this.metrics) metric.write(this.prefix + path, ts, out);
    } catch (error: unknown) {
      logSafely(
        this.hystrix,
        'error',
        `graphite: collecting metrics failed: ${describeError(error)}`,
      );
    }
  }
}
