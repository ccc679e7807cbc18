/**
 * StatsD and DogStatsD exports for hystrix-ts (`hystrix-ts/statsd`), over a hot-shots client: hystrix-go's
 * `statsd_collector.go` (`<prefix>.<circuit>.<metric>` counters, gauge and timings) and `datadog_collector.go`
 * (fixed `hystrix.<metric>` names, the circuit in the tag `hystrixcircuit:<name>`). Every execution is sent as
 * it ends; nothing runs between executions.
 *
 * @packageDocumentation
 * @module hystrix-ts/statsd
 */
import type { StatsD as HotShotsClient } from 'hot-shots';
import type { StatsdClient } from './statsd/client.js';
import { DogStatsdCollector } from './statsd/datadog-collector.js';
import type { StatsdOptions } from './statsd/options.js';
import { registerStatsdExport, type StatsdExport } from './statsd/register.js';
import { StatsdCollector } from './statsd/statsd-collector.js';

export type { StatsdCallback, StatsdClient } from './statsd/client.js';
export { DEFAULT_STATSD_BUFFER_BYTES } from './statsd/hot-shots-client.js';
export { DATADOG_METRICS } from './statsd/names.js';
export { sanitizeName } from './shared/metric-path.js';
export type { StatsdOptions } from './statsd/options.js';
export type { StatsdExport } from './statsd/register.js';

/**
 * Exports every execution of a registry's circuits to StatsD with hystrix-go's metric names:
 * `<prefix>.<circuit>.circuitOpen` (gauge: 0 after a success, 1 after a short-circuit), the counters
 * `.attempts .errors .successes .failures .rejects .shortCircuits .timeouts .fallbackSuccesses
 * .fallbackFailures .contextCanceled .contextDeadlineExceeded .badRequests .rateLimited .slowCalls .retries .hedges .hedgeWins` (only
 * those that are not 0), and the timings
 * `.totalDuration`, `.runDuration` (only for calls whose run decided the outcome) in milliseconds and
 * `.concurrencyInUse` (percent of the concurrency limit in use), and, for a command with `adaptiveConcurrency`,
 * the gauge `.concurrencyLimit` (its limit in force, sent when it changes). The circuit name is {@link sanitizeName}d.
 *
 * @throws TypeError or RangeError for bad options.
 */
export function registerStatsd<C extends StatsdClient = HotShotsClient>(
  options: StatsdOptions<C> = {},
): StatsdExport<C> {
  return registerStatsdExport('registerStatsd', options, StatsdCollector);
}

/**
 * Exports every execution of a registry's circuits to DogStatsD with hystrix-go's Datadog names
 * ({@link DATADOG_METRICS}) and the tag `hystrixcircuit:<circuit name>`: counts only when not 0, the gauge
 * `hystrix.circuitOpen` (0 after a success, 1 after a short-circuit), and the timings `hystrix.totalDuration`
 * and `hystrix.runDuration` (only for calls whose run decided the outcome) in milliseconds, and, for a
 * command with `adaptiveConcurrency`, the gauge `hystrix.concurrencyLimit` (its limit, sent when it changes).
 *
 * @throws TypeError or RangeError for bad options.
 */
export function registerDogStatsd<C extends StatsdClient = HotShotsClient>(
  options: StatsdOptions<C> = {},
): StatsdExport<C> {
  return registerStatsdExport('registerDogStatsd', options, DogStatsdCollector);
}
