import type { MetricCollector, MetricResult } from 'hystrix-ts';
import type { Counter } from './counter.js';
import type { Gauge } from './gauge.js';
import type { Timer } from './timer.js';

/**
 * hystrix-go's counters, in its order, then this library's policies': each is a `MetricResult` field and the
 * metric's name.
 */
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
  'badRequests',
  'rateLimited',
  'slowCalls',
  'retries',
  'hedges',
  'hedgeWins',
] as const;

/** The metrics of an export, by path without the prefix, made on first use (go-metrics' `GetOrRegister`). */
export interface GraphiteMetrics {
  /** False once the export has stopped: circuits may still hold its collectors. */
  readonly running: boolean;
  /** The counter of a path. */
  counter(path: string): Counter;
  /** The timer of a path. */
  timerOf(path: string): Timer;
  /** The gauge of a path. */
  gauge(path: string): Gauge;
}

/** hystrix-go's `GraphiteCollector`: feeds the exporter's metrics. */
export class GraphiteCollector implements MetricCollector {
  private readonly counters: (Counter | undefined)[] = [];
  private totalDuration: Timer | undefined;
  private runDuration: Timer | undefined;
  private limit: Gauge | undefined;

  /** @param base - the circuit's path: its sanitized name. */
  constructor(
    private readonly exporter: GraphiteMetrics,
    private readonly base: string,
  ) {}

  update(r: MetricResult): void {
    const exporter = this.exporter;
    if (!exporter.running) return;
    let i = -1;
    for (const field of COUNTERS) {
      i++;
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
    // An adaptive limit's moves (a fixed limit is in the configuration).
    const limit = r.concurrencyLimit;
    if (limit !== undefined) {
      (this.limit ??= exporter.gauge(`${this.base}.concurrencyLimit`)).value = limit;
    }
  }

  reset(): void {
    // As hystrix-go: Graphite counters are totals since registration, never reset with the circuit.
  }
}
