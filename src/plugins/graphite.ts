/**
 * Graphite export for hystrix-ts (`hystrix-ts/graphite`), with no dependency: hystrix-go's
 * `graphite_aggregator.go` metric names, aggregated in process and written every interval in Graphite's
 * plaintext protocol (`<path> <value> <unix-seconds>\n`) over one TCP connection, the way go-metrics' Graphite
 * reporter writes them.
 *
 * @packageDocumentation
 * @module hystrix-ts/graphite
 */
import { GraphiteExporter } from './graphite/exporter.js';
import { checkGraphiteOptions, type GraphiteOptions } from './graphite/options.js';

export { sanitizeName } from './shared/metric-path.js';
export {
  DEFAULT_GRAPHITE_INTERVAL,
  DEFAULT_GRAPHITE_PORT,
  DEFAULT_MAX_BUFFERED_LINES,
  type GraphiteOptions,
} from './graphite/options.js';
export { GRAPHITE_PERCENTILES, TIMER_SAMPLE_SIZE } from './graphite/timer.js';

/** What {@link registerGraphite} returns. */
export interface GraphiteExport {
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
export function registerGraphite(options: GraphiteOptions = {}): GraphiteExport {
  const exporter = new GraphiteExporter(checkGraphiteOptions(options));
  return { unregister: () => exporter.stop() };
}
