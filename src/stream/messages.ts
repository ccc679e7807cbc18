/**
 * The Hystrix event stream's messages, as hystrix-go writes them (`streamCmdMetric`, `streamThreadPoolMetric`):
 * every field name, type and order. The JSON is written by hand because field order is part of the format and a
 * JavaScript object would put the integer-like keys of the latency object (`"0"`, `"25"`, ...) before `"99.5"`.
 */
import type { CircuitBreaker, CircuitStats, LatencyStats } from 'hystrix-ts';

/** An int64 time in milliseconds as hystrix-go sends it: never NaN or infinite in the JSON. */
function ms64(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.trunc(value) : 0;
}

/** A uint32 as hystrix-go sends it: an integer from 0 to 2^32 - 1 (NaN counts as 0). */
function u32(value: number): number {
  if (!(value > 0)) return 0;
  return value >= 4_294_967_295 ? 4_294_967_295 : Math.trunc(value);
}

function latencyJson(l: LatencyStats): string {
  return (
    `{"0":${u32(l.p0)},"25":${u32(l.p25)},"50":${u32(l.p50)},"75":${u32(l.p75)},"90":${u32(l.p90)},` +
    `"95":${u32(l.p95)},"99":${u32(l.p99)},"99.5":${u32(l.p99_5)},"100":${u32(l.p100)}}`
  );
}

/**
 * One `HystrixCommand` message. Unlike hystrix-go, `currentConcurrentExecutionCount`, the timeout, force closed,
 * the rolling window and interrupt-on-timeout (the run's signal is aborted) carry their real values, and
 * `rollingCountBadRequests` (Hystrix Java's field, which the Netflix dashboard shows and hystrix-go lacks) is
 * there, in Hystrix Java's alphabetical place among the rolling counts.
 */
export function commandMessage(
  circuit: CircuitBreaker,
  s: CircuitStats,
  currentTime: number,
): string {
  const settings = circuit.circuitSettings;
  const name = JSON.stringify(circuit.name);
  return (
    `{"type":"HystrixCommand","name":${name},"group":${name},"currentTime":${ms64(currentTime)},` +
    `"reportingHosts":1,"requestCount":${u32(s.requests)},"errorCount":${u32(s.errors)},` +
    `"errorPercentage":${u32(s.errorPercent)},"isCircuitBreakerOpen":${s.isOpen},` +
    `"rollingCountBadRequests":${u32(s.badRequests)},"rollingCountCollapsedRequests":0,"rollingCountExceptionsThrown":0,` +
    `"rollingCountFailure":${u32(s.failures)},"rollingCountFallbackFailure":${u32(s.fallbackFailures)},` +
    `"rollingCountFallbackRejection":0,"rollingCountFallbackSuccess":${u32(s.fallbackSuccesses)},` +
    `"rollingCountResponsesFromCache":0,"rollingCountSemaphoreRejected":0,` +
    `"rollingCountShortCircuited":${u32(s.shortCircuits)},"rollingCountSuccess":${u32(s.successes)},` +
    `"rollingCountThreadPoolRejected":${u32(s.rejects)},"rollingCountTimeout":${u32(s.timeouts)},` +
    `"currentConcurrentExecutionCount":${u32(s.activeCount)},` +
    `"latencyExecute_mean":${u32(s.runLatency.mean)},"latencyExecute":${latencyJson(s.runLatency)},` +
    `"latencyTotal_mean":${u32(s.totalLatency.mean)},"latencyTotal":${latencyJson(s.totalLatency)},` +
    `"propertyValue_circuitBreakerRequestVolumeThreshold":${u32(settings.requestVolumeThreshold)},` +
    `"propertyValue_circuitBreakerSleepWindowInMilliseconds":${u32(settings.sleepWindow)},` +
    `"propertyValue_circuitBreakerErrorThresholdPercentage":${u32(settings.errorPercentThreshold)},` +
    `"propertyValue_circuitBreakerForceOpen":${s.forcedOpen},` +
    `"propertyValue_circuitBreakerForceClosed":${s.forcedClosed},` +
    `"propertyValue_circuitBreakerEnabled":true,` +
    `"propertyValue_executionIsolationStrategy":"THREAD",` +
    `"propertyValue_executionIsolationThreadTimeoutInMilliseconds":${u32(settings.timeout)},` +
    `"propertyValue_executionIsolationThreadInterruptOnTimeout":true,` +
    `"propertyValue_executionIsolationThreadPoolKeyOverride":"",` +
    `"propertyValue_executionIsolationSemaphoreMaxConcurrentRequests":0,` +
    `"propertyValue_fallbackIsolationSemaphoreMaxConcurrentRequests":0,` +
    `"propertyValue_metricsRollingStatisticalWindowInMilliseconds":${u32(settings.rollingWindow)},` +
    `"propertyValue_requestCacheEnabled":false,"propertyValue_requestLogEnabled":false}`
  );
}

/**
 * One `HystrixThreadPool` message: the circuit's executor pool, as hystrix-go reports it, with the calls waiting
 * for a ticket as `currentQueueSize` (0 in hystrix-go, which has no queue).
 */
export function threadPoolMessage(circuit: CircuitBreaker, s: CircuitStats): string {
  const max = u32(s.maxConcurrentRequests);
  return (
    `{"type":"HystrixThreadPool","name":${JSON.stringify(circuit.name)},"reportingHosts":1,` +
    `"currentActiveCount":${u32(s.activeCount)},"currentCompletedTaskCount":0,` +
    `"currentCorePoolSize":${max},"currentLargestPoolSize":${max},"currentMaximumPoolSize":${max},` +
    `"currentPoolSize":${max},"currentQueueSize":${u32(s.queueSize)},"currentTaskCount":0,` +
    `"rollingMaxActiveThreads":${u32(s.maxActiveRequests)},` +
    `"rollingCountThreadsExecuted":${u32(s.executed)},` +
    `"propertyValue_metricsRollingStatisticalWindowInMilliseconds":${u32(circuit.circuitSettings.rollingWindow)},` +
    `"propertyValue_queueSizeRejectionThreshold":${u32(circuit.circuitSettings.maxQueueSize)}}`
  );
}

/**
 * A circuit's messages of one tick: `HystrixCommand`, `HystrixThreadPool` and, for an extended client,
 * `HystrixTsCircuit`, from one reading of its figures.
 */
export function circuitMessages(
  circuit: CircuitBreaker,
  currentTime: number,
  extended: boolean,
): string[] {
  const stats = circuit.stats();
  const out = [commandMessage(circuit, stats, currentTime), threadPoolMessage(circuit, stats)];
  if (extended) out.push(extendedMessage(circuit, stats));
  return out;
}

/** The `HystrixTsFrame` message that starts each tick of an extended stream. */
export function frameMessage(circuits: number, currentTime: number): string {
  return `{"type":"HystrixTsFrame","circuits":${circuits},"currentTime":${ms64(currentTime)}}`;
}

/**
 * One `HystrixTsCircuit` message, sent only to clients that ask for it (`?extended=true`, as the dashboard page
 * does): what the Hystrix format has no field for, with fractional latencies. Standard clients never see it.
 */
export function extendedMessage(circuit: CircuitBreaker, s: CircuitStats): string {
  const settings = circuit.circuitSettings;
  return JSON.stringify({
    type: 'HystrixTsCircuit',
    name: circuit.name,
    state: s.state,
    forcedOpen: s.forcedOpen,
    forcedClosed: s.forcedClosed,
    requests: s.requests,
    errors: s.errors,
    errorPercent: s.errorPercent,
    successes: s.successes,
    failures: s.failures,
    rejects: s.rejects,
    shortCircuits: s.shortCircuits,
    timeouts: s.timeouts,
    fallbackSuccesses: s.fallbackSuccesses,
    fallbackFailures: s.fallbackFailures,
    contextCanceled: s.contextCanceled,
    contextDeadlineExceeded: s.contextDeadlineExceeded,
    badRequests: s.badRequests,
    rateLimited: s.rateLimited,
    slowCalls: s.slowCalls,
    retries: s.retries,
    hedges: s.hedges,
    hedgeWins: s.hedgeWins,
    consecutiveFailures: s.consecutiveFailures,
    queueSize: s.queueSize,
    activeCount: s.activeCount,
    hungRuns: s.hungRuns,
    maxConcurrentRequests: s.maxConcurrentRequests,
    maxActiveRequests: s.maxActiveRequests,
    executed: s.executed,
    runLatency: s.runLatency,
    totalLatency: s.totalLatency,
    timeout: settings.timeout,
    rollingWindow: settings.rollingWindow,
    halfOpenProbes: settings.halfOpenProbes,
    maxRequestsPerSecond: settings.maxRequestsPerSecond,
    maxQueueSize: settings.maxQueueSize,
    fleet: s.fleet,
    retryAttempts: settings.retryAttempts,
    hedgeMaxAttempts: settings.hedgeMaxAttempts,
    adaptive: s.adaptive,
  });
}
