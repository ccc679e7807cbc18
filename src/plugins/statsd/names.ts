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

/** {@link DATADOG_METRICS} with `prefix` (already ending in `.`) put before each name. */
export function prefixedDatadogMetrics(prefix: string): typeof DATADOG_METRICS {
  const out: Record<string, string> = {};
  for (const [key, name] of Object.entries(DATADOG_METRICS)) out[key] = prefix + name;
  return out as unknown as typeof DATADOG_METRICS;
}
