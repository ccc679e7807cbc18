// The published declarations of ./dist/statsd.d.ts, as a report of the public API.
// Generated: do not edit. After changing the API, run: npm run api

import { StatsD, Tags, ClientOptions } from 'hot-shots';
import { Hystrix } from 'hystrix-ts';
export { s as sanitizeName } from './metric-path.chunk.js';

/** What a StatsD client calls back with once a metric is sent: an error when it could not be. */
type StatsdCallback = (error?: Error | null) => void;
/**
 * The part of a StatsD client the exports use: a hot-shots `StatsD` (any version from 10) fits, and so does
 * anything with these three methods, such as a test double or a hot-shots child client.
 */
interface StatsdClient {
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
interface StatsdOptions<C extends StatsdClient = StatsD> {
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
interface StatsdExport<C extends StatsdClient = StatsD> {
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
 * The packet size, in bytes, up to which a client the export creates buffers metrics (hystrix-go's
 * `LANStatsdFlushBytes`): one datagram carries many metrics, and hot-shots sends what it holds every second.
 */
declare const DEFAULT_STATSD_BUFFER_BYTES = 1432;

/**
 * The metric names of the Datadog export (hystrix-go's `DM_*` constants, then this library's policies' counters
 * named in the same style), with the circuit in the tag `hystrixcircuit:<name>`.
 */
declare const DATADOG_METRICS: Readonly<{
  /** Gauge: 0 after a success, 1 after a short-circuit. */
  readonly circuitOpen: 'hystrix.circuitOpen';
  /** Counter: executions of every kind. */
  readonly attempts: 'hystrix.attempts';
  /** Counter: failures, rejections, short-circuits and timeouts. */
  readonly errors: 'hystrix.errors';
  /** Counter: runs that succeeded. */
  readonly successes: 'hystrix.successes';
  /** Counter: runs that failed. */
  readonly failures: 'hystrix.failures';
  /** Counter: calls rejected by the concurrency limit. */
  readonly rejects: 'hystrix.rejects';
  /** Counter: calls short-circuited by an open circuit. */
  readonly shortCircuits: 'hystrix.shortCircuits';
  /** Counter: calls that timed out. */
  readonly timeouts: 'hystrix.timeouts';
  /** Counter: fallbacks that succeeded. */
  readonly fallbackSuccesses: 'hystrix.fallbackSuccesses';
  /** Counter: fallbacks that failed. */
  readonly fallbackFailures: 'hystrix.fallbackFailures';
  /** Counter: errors that were the caller's fault, passed through (not counted toward health). */
  readonly badRequests: 'hystrix.badRequests';
  /** Counter: calls shed by the command's rate limit (`maxRequestsPerSecond`). */
  readonly rateLimited: 'hystrix.rateLimited';
  /** Counter: runs at least `slowCallDuration` long. */
  readonly slowCalls: 'hystrix.slowCalls';
  /** Counter: executions that retried a call after a failure or a timeout (`retryAttempts`). */
  readonly retries: 'hystrix.retries';
  /** Counter: hedges, executions started because a call had not answered in time (`hedgeMaxAttempts`). */
  readonly hedges: 'hystrix.hedges';
  /** Counter: hedges whose success answered their call. */
  readonly hedgeWins: 'hystrix.hedgeWins';
  /** Timing (ms): from the call to its outcome, fallback included. */
  readonly totalDuration: 'hystrix.totalDuration';
  /** Timing (ms): how long `run` took, for runs that decided the outcome. */
  readonly runDuration: 'hystrix.runDuration';
  /** Gauge: the concurrency limit in force of a command with `adaptiveConcurrency`, sent when it changes. */
  readonly concurrencyLimit: 'hystrix.concurrencyLimit';
}>;

/**
 * StatsD and DogStatsD exports for hystrix-ts (`hystrix-ts/statsd`), over a hot-shots client: hystrix-go's
 * `statsd_collector.go` (`<prefix>.<circuit>.<metric>` counters, gauge and timings) and `datadog_collector.go`
 * (fixed `hystrix.<metric>` names, the circuit in the tag `hystrixcircuit:<name>`). Every execution is sent as
 * it ends; nothing runs between executions.
 *
 * @packageDocumentation
 * @module hystrix-ts/statsd
 */

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
declare function registerStatsd<C extends StatsdClient = StatsD>(
  options?: StatsdOptions<C>,
): StatsdExport<C>;
/**
 * Exports every execution of a registry's circuits to DogStatsD with hystrix-go's Datadog names
 * ({@link DATADOG_METRICS}) and the tag `hystrixcircuit:<circuit name>`: counts only when not 0, the gauge
 * `hystrix.circuitOpen` (0 after a success, 1 after a short-circuit), and the timings `hystrix.totalDuration`
 * and `hystrix.runDuration` (only for calls whose run decided the outcome) in milliseconds, and, for a
 * command with `adaptiveConcurrency`, the gauge `hystrix.concurrencyLimit` (its limit, sent when it changes).
 *
 * @throws TypeError or RangeError for bad options.
 */
declare function registerDogStatsd<C extends StatsdClient = StatsD>(
  options?: StatsdOptions<C>,
): StatsdExport<C>;

export {
  DATADOG_METRICS,
  DEFAULT_STATSD_BUFFER_BYTES,
  type StatsdCallback,
  type StatsdClient,
  type StatsdExport,
  type StatsdOptions,
  registerDogStatsd,
  registerStatsd,
};
