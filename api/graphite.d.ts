// The published declarations of ./dist/graphite.d.ts, as a report of the public API.
// Generated: do not edit. After changing the API, run: npm run api

import { Hystrix } from 'hystrix-ts';
export { s as sanitizeName } from './metric-path.chunk.js';

/** Options of {@link registerGraphite}. */
interface GraphiteOptions {
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
/** Graphite's plaintext port. */
declare const DEFAULT_GRAPHITE_PORT = 2003;
/** Milliseconds between writes by default (hystrix-go's examples, and go-metrics' usual tick). */
declare const DEFAULT_GRAPHITE_INTERVAL = 10000;
/** Lines kept by default while disconnected: about a minute of 100 busy circuits, a few megabytes. */
declare const DEFAULT_MAX_BUFFERED_LINES = 50000;

/**
 * Durations kept per timer and interval to compute percentiles (go-metrics' reservoir size). Below it the
 * percentiles are exact; above it they come from a uniform sample. Count, min, max, mean and standard deviation
 * are always exact.
 */
declare const TIMER_SAMPLE_SIZE = 1028;
/** The percentiles written for each timer, and the suffixes go-metrics gives them. */
declare const GRAPHITE_PERCENTILES: readonly (readonly [number, string])[];

/** What {@link registerGraphite} returns. */
interface GraphiteExport {
  /**
   * Stops the export: removes its collectors and its timer, writes the metrics one last time when connected,
   * and closes the connection. Resolves once the socket is closed; never rejects. Idempotent; the registry's
   * `close()` does the same.
   */
  unregister(): Promise<void>;
}
/**
 * Exports a registry's circuits to Graphite. For each circuit (name {@link sanitizeName}d), the counters
 * `<prefix>.<circuit>.attempts .errors .successes .failures .rejects .shortCircuits .timeouts
 * .fallbackSuccesses .fallbackFailures .badRequests .rateLimited .slowCalls .retries .hedges .hedgeWins`, each written as `<path>.count <total since registration>` once it is
 * not 0, and the timers `.totalDuration` and `.runDuration` (calls whose run decided the outcome) in
 * milliseconds: `.count` (total since registration), then, when the interval saw calls, that interval's `.min
 * .max .mean .std-dev .50-percentile .75-percentile .95-percentile .99-percentile .999-percentile`; and, for a
 * command with `adaptiveConcurrency`, the gauge `.concurrencyLimit` (its limit in force), as `<path>.value <limit>`.
 *
 * Every `interval` the lines are written over one TCP connection, timestamped in seconds by the registry's
 * clock. While the server cannot be reached, lines are kept (at most `maxBufferedLines`) and the connection is
 * retried at each write, backing off from 1 s to 1 min. Nothing here keeps the process alive, and no error
 * reaches a command: they go to the registry's logger.
 *
 * @throws TypeError or RangeError for bad options.
 */
declare function registerGraphite(options?: GraphiteOptions): GraphiteExport;

export {
  DEFAULT_GRAPHITE_INTERVAL,
  DEFAULT_GRAPHITE_PORT,
  DEFAULT_MAX_BUFFERED_LINES,
  GRAPHITE_PERCENTILES,
  type GraphiteExport,
  type GraphiteOptions,
  TIMER_SAMPLE_SIZE,
  registerGraphite,
};
