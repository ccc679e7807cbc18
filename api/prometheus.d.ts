// The published declarations of ./dist/prometheus.d.ts, as a report of the public API.
// Generated: do not edit. After changing the API, run: npm run api

import { Hystrix } from 'hystrix-ts';
import { Registry, OpenMetricsContentType } from 'prom-client';

/** A prom-client registry of either content type. */
type PrometheusRegistry = Registry | Registry<OpenMetricsContentType>;
/** Options of {@link registerPrometheus}. */
interface PrometheusOptions {
  /** The prom-client registry to create the metrics on (`new Registry()`, or `register`). */
  registry: PrometheusRegistry;
  /** The circuits to export (default: `defaultHystrix`, the one of the module-level functions). */
  hystrix?: Hystrix | undefined;
  /** Put before every metric name (default `'hystrix_'`): letters, digits, `_`; no digit first. */
  prefix?: string | undefined;
  /**
   * Upper bounds of the duration histograms' buckets, in seconds, strictly increasing (default
   * {@link DEFAULT_DURATION_BUCKETS}).
   */
  buckets?: readonly number[] | undefined;
}
/**
 * The default buckets of the duration histograms, in seconds: from 1 ms, below which a dependency
 * call is rarely worth a bucket, to 10 s, well past hystrix's default timeout of 1 s.
 */
declare const DEFAULT_DURATION_BUCKETS: readonly number[];

/** What {@link registerPrometheus} returns. */
interface PrometheusExport {
  /** The names of the metrics created on the registry. */
  readonly metricNames: readonly string[];
  /** Stops the export: removes the collector factory and the metrics. Idempotent. */
  unregister(): void;
}
/**
 * Exports the circuits of a hystrix registry to a prom-client registry. Every metric is labelled by
 * the command name (`command`); with the default prefix:
 *
 * - `hystrix_events_total{command,event}` (counter): executions by event, with hystrix-go's event
 *   strings (`success`, `failure`, `rejected`, `short-circuit`, `timeout`, `context_canceled`,
 *   `context_deadline_exceeded`, `fallback-success`, `fallback-failure`) and this library's
 *   `bad-request` and `rate-limited`;
 * - `hystrix_requests_total{command}` (counter): executions that count toward health (every kind
 *   but bad requests and rate-limited calls);
 * - `hystrix_slow_calls_total{command}` (counter): runs at least `slowCallDuration` long;
 * - `hystrix_retries_total{command}`, `hystrix_hedges_total{command}` and
 *   `hystrix_hedge_wins_total{command}` (counters): executions that retried a call, hedges, and
 *   hedges whose success answered their call;
 * - `hystrix_run_duration_seconds{command}` (histogram): how long `run` took, for runs that decided
 *   the outcome;
 * - `hystrix_total_duration_seconds{command}` (histogram): from the call to its outcome, fallback
 *   included;
 * - gauges read from the circuits at scrape time: `hystrix_circuit_open{command}` (0 or 1),
 *   `hystrix_circuit_state{command,state}` (1 for the current state of `closed`, `open`,
 *   `half-open`, else 0), `hystrix_concurrent_executions{command}`,
 *   `hystrix_concurrency_limit{command}`, `hystrix_error_percentage{command}` (the rolling error
 *   percentage, 0-100) and `hystrix_queue_size{command}` (calls waiting for a ticket).
 *
 * Circuits that exist already are covered too. A scrape only reads circuits, never changes one.
 *
 * @throws TypeError for bad options; Error when a metric name is taken on the registry.
 */
declare function registerPrometheus(options: PrometheusOptions): PrometheusExport;

export {
  DEFAULT_DURATION_BUCKETS,
  type PrometheusExport,
  type PrometheusOptions,
  type PrometheusRegistry,
  registerPrometheus,
};
