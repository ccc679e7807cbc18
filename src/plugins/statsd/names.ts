/**
 * The metric names of the Datadog export (hystrix-go's `DM_*` constants, then this library's policies' counters
 * named in the same style), with the circuit in the tag `hystrixcircuit:<name>`.
 */
export const DATADOG_METRICS = Object.freeze({
  /** Gauge: 0 after a success, 1 after a short-circuit. */
  circuitOpen: 'hystrix.circuitOpen',
  /** Counter: executions of every kind. */
  attempts: 'hystrix.attempts',
  /** Counter: failures, rejections, short-circuits and timeouts. */
  errors: 'hystrix.errors',
  /** Counter: runs that succeeded. */
  successes: 'hystrix.successes',
  /** Counter: runs that failed. */
  failures: 'hystrix.failures',
  /** Counter: calls rejected by the concurrency limit. */
  rejects: 'hystrix.rejects',
  /** Counter: calls short-circuited by an open circuit. */
  shortCircuits: 'hystrix.shortCircuits',
  /** Counter: calls that timed out. */
  timeouts: 'hystrix.timeouts',
  /** Counter: fallbacks that succeeded. */
  fallbackSuccesses: 'hystrix.fallbackSuccesses',
  /** Counter: fallbacks that failed. */
  fallbackFailures: 'hystrix.fallbackFailures',
  /** Counter: errors that were the caller's fault, passed through (not counted toward health). */
  badRequests: 'hystrix.badRequests',
  /** Counter: calls shed by the command's rate limit (`maxRequestsPerSecond`). */
  rateLimited: 'hystrix.rateLimited',
  /** Counter: runs at least `slowCallDuration` long. */
  slowCalls: 'hystrix.slowCalls',
  /** Counter: executions that retried a call after a failure or a timeout (`retryAttempts`). */
  retries: 'hystrix.retries',
  /** Counter: hedges, executions started because a call had not answered in time (`hedgeMaxAttempts`). */
  hedges: 'hystrix.hedges',
  /** Counter: hedges whose success answered their call. */
  hedgeWins: 'hystrix.hedgeWins',
  /** Timing (ms): from the call to its outcome, fallback included. */
  totalDuration: 'hystrix.totalDuration',
  /** Timing (ms): how long `run` took, for runs that decided the outcome. */
  runDuration: 'hystrix.runDuration',
  /** Gauge: the concurrency limit in force of a command with `adaptiveConcurrency`, sent when it changes. */
  concurrencyLimit: 'hystrix.concurrencyLimit',
} as const);

/** {@link DATADOG_METRICS} with `prefix` (already ending in `.`) put before each name. */
export function prefixedDatadogMetrics(prefix: string): typeof DATADOG_METRICS {
  const out: Record<string, string> = {};
  for (const [key, name] of Object.entries(DATADOG_METRICS)) out[key] = prefix + name;
  return out as unknown as typeof DATADOG_METRICS;
}
