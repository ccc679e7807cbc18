/**
 * Prometheus export for hystrix-ts (`hystrix-ts/prometheus`), on the user's prom-client registry:
 * counters of events and requests and histograms of durations, fed by a metric collector, and
 * gauges of the circuits, read at scrape time. No timers: nothing runs between scrapes.
 *
 * @packageDocumentation
 * @module hystrix-ts/prometheus
 */
import type { Metric } from 'prom-client';
import { collectorFactory, type ExportState } from './prometheus/collector.js';
import { createMetrics } from './prometheus/metrics.js';
import {
  checkPrometheusOptions,
  type PrometheusOptions,
  type PrometheusRegistry,
} from './prometheus/options.js';
import type { Pending } from './prometheus/pending.js';

export {
  DEFAULT_DURATION_BUCKETS,
  type PrometheusOptions,
  type PrometheusRegistry,
} from './prometheus/options.js';

/** What {@link registerPrometheus} returns. */
export interface PrometheusExport {
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
export function registerPrometheus(options: PrometheusOptions): PrometheusExport {
  const checked = checkPrometheusOptions(options);
  const { registry, hystrix } = checked;
  // Counts wait in `commands` and are added to the counters when a scrape reads them: a plain
  // increment per execution rather than two label lookups in prom-client.
  const commands = new Map<string, Pending>();
  const metrics = createMetrics(checked, commands);
  const { registered } = metrics;
  for (const [, metric] of registered) registry.registerMetric(metric);

  const state: ExportState = { live: true };
  let removeFactory: () => void;
  try {
    removeFactory = hystrix.metricCollectors.register(collectorFactory(commands, metrics, state));
  } catch (error: unknown) {
    removeMetrics(registry, registered);
    throw error;
  }
  return {
    metricNames: Object.freeze(registered.map(([metricName]) => metricName)),
    unregister(): void {
      if (!state.live) return;
      state.live = false;
      removeFactory();
      removeMetrics(registry, registered);
    },
  };
}

/**
 * Removes our metrics, and only ours: another metric of the same name registered since stays. By
 * the names they were registered under: an OpenMetrics registry renames counters while it
 * serializes them.
 */
function removeMetrics(registry: PrometheusRegistry, metrics: readonly [string, Metric][]): void {
  for (const [name, metric] of metrics) {
    if (registry.getSingleMetric(name) === metric) registry.removeSingleMetric(name);
  }
}
