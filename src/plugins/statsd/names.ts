import { pathSegment } from '../shared/metric-path.js';

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
 * A circuit name as it appears in StatsD metric names: `/`, `:` and `.` become `-` (hystrix-go's
 * `NewStatsdCollector`), so that a name adds exactly one level to the metric path.
 */
export function sanitizeName(name: string): string {
  return pathSegment(name);
}

/** {@link DATADOG_METRICS} with `prefix` (already ending in `.`) put before each name. */
export function prefixedDatadogMetrics(prefix: string): typeof DATADOG_METRICS {
  const out: Record<string, string> = {};
  for (const [key, name] of Object.entries(DATADOG_METRICS)) out[key] = prefix + name;
  return out as unknown as typeof DATADOG_METRICS;
}
