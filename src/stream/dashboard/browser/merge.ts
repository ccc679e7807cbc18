/**
 * The stream's messages merged into a circuit's figures: the Hystrix `HystrixCommand` and `HystrixThreadPool`
 * messages, and the extended `HystrixTsCircuit` one.
 *
 * A message is parsed JSON: every figure is read as a finite, positive number or 0, whatever the message holds.
 */
import {
  ATTEMPT_COUNTS,
  type Circuit,
  COUNTS,
  type HostRow,
  isCircuitState,
  LATENCIES,
  type StateCounts,
} from './circuit.js';
import { addPoint } from './spark.js';

/** A parsed message: a JSON object, read by field name. */
export type Message = Readonly<Record<string, unknown>>;

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);

/** A JSON object, or an empty one for anything else. */
function object(v: unknown): Message {
  return v !== null && typeof v === 'object' ? (v as Message) : {};
}

/** Merges a `HystrixCommand` message, and adds a point to the sparkline. */
export function mergeCommand(c: Circuit, m: Message): void {
  const window = num(m['propertyValue_metricsRollingStatisticalWindowInMilliseconds']) || c.window;
  // The extended message that follows has the same counts, exact latencies and the half-open state: once seen,
  // it alone is drawn, so that nothing flickers between the two.
  if (!c.extended) {
    // A cluster stream (Turbine's) sums these over its hosts: the Hystrix dashboard divides them by
    // reportingHosts (hystrixCommand.js), and so does this page.
    const hosts = Math.max(1, Math.trunc(num(m['reportingHosts'])));
    c.reportingHosts = hosts;
    c.window = window;
    c.requests = num(m['requestCount']);
    c.errorPercent = Math.round(num(m['errorPercentage']) / hosts);
    c.successes = num(m['rollingCountSuccess']);
    c.shortCircuits = num(m['rollingCountShortCircuited']);
    c.timeouts = num(m['rollingCountTimeout']);
    c.rejects = num(m['rollingCountThreadPoolRejected']);
    c.failures = num(m['rollingCountFailure']);
    c.fallbackSuccesses = num(m['rollingCountFallbackSuccess']);
    c.fallbackFailures = num(m['rollingCountFallbackFailure']);
    c.badRequests = num(m['rollingCountBadRequests']);
    c.forcedOpen = m['propertyValue_circuitBreakerForceOpen'] === true;
    c.forcedClosed = m['propertyValue_circuitBreakerForceClosed'] === true;
    c.state = m['isCircuitBreakerOpen'] === true ? 'open' : 'closed';
    const total = object(m['latencyTotal']);
    const run = object(m['latencyExecute']);
    c.total = {
      mean: num(m['latencyTotal_mean']) / hosts,
      p90: num(total['90']) / hosts,
      p99: num(total['99']) / hosts,
      p99_5: num(total['99.5']) / hosts,
    };
    c.run = {
      mean: num(m['latencyExecute_mean']) / hosts,
      p90: num(run['90']) / hosts,
      p99: num(run['99']) / hosts,
      p99_5: num(run['99.5']) / hosts,
    };
  }
  // One point per message, on the stream's clock.
  addPoint(c, num(m['currentTime']) || Date.now(), num(m['requestCount']) / (window / 1000));
}

/** Merges a `HystrixThreadPool` message. */
export function mergePool(c: Circuit, m: Message): void {
  if (c.extended) return;
  c.activeCount = num(m['currentActiveCount']);
  c.maxConcurrent = num(m['currentMaximumPoolSize']);
  c.maxActive = num(m['rollingMaxActiveThreads']);
  c.executed = num(m['rollingCountThreadsExecuted']);
  c.queueSize = num(m['currentQueueSize']);
  c.maxQueueSize = num(m['propertyValue_queueSizeRejectionThreshold']);
}

/** Merges a `HystrixTsCircuit` message: from then on, it alone sets the figures. */
export function mergeExtended(c: Circuit, m: Message): void {
  c.extended = true;
  const state = m['state'];
  if (isCircuitState(state)) c.state = state;
  c.forcedOpen = m['forcedOpen'] === true;
  c.forcedClosed = m['forcedClosed'] === true;
  c.window = num(m['rollingWindow']) || c.window;
  for (const field of COUNTS) {
    if (field !== 'maxConcurrent' && field !== 'maxActive') c[field] = num(m[field]);
  }
  for (const field of ATTEMPT_COUNTS) c[field] = num(m[field]);
  c.retryAttempts = num(m['retryAttempts']) || 1;
  c.hedgeMaxAttempts = num(m['hedgeMaxAttempts']) || 1;
  c.maxConcurrent = num(m['maxConcurrentRequests']);
  c.maxActive = num(m['maxActiveRequests']);
  c.errorPercent = num(m['errorPercent']);
  const total = object(m['totalLatency']);
  const run = object(m['runLatency']);
  for (const key of LATENCIES) {
    c.total[key] = num(total[key]);
    c.run[key] = num(run[key]);
  }
  // A fleet's merged message: hosts per state and a row per host.
  c.reportingHosts = Math.max(1, Math.trunc(num(m['reportingHosts'])));
  c.states = stateCounts(m['states']);
  c.hosts = hostRows(m['hosts']);
  c.adaptive = adaptiveText(m['adaptive']);
}

/** An adaptive limit as the pool line shows it: its algorithm and bounds; empty for none or a bad one. */
function adaptiveText(v: unknown): string {
  const a = object(v);
  const algorithm = a['algorithm'];
  if (algorithm !== 'aimd' && algorithm !== 'vegas' && algorithm !== 'gradient2') return '';
  return `${algorithm} ${num(a['minLimit'])}-${num(a['maxLimit'])}`;
}

function stateCounts(v: unknown): StateCounts | null {
  if (v === null || typeof v !== 'object') return null;
  const s = v as Message;
  return { closed: num(s['closed']), open: num(s['open']), 'half-open': num(s['half-open']) };
}

/** The rows of a fleet's message: those with a string host and a known state, others left out. */
function hostRows(v: unknown): HostRow[] {
  if (!Array.isArray(v)) return [];
  const rows: HostRow[] = [];
  for (const item of v as unknown[]) {
    const r = object(item);
    const host = r['host'];
    const state = r['state'];
    if (typeof host !== 'string' || !isCircuitState(state)) continue;
    rows.push({
      host,
      state,
      requests: num(r['requests']),
      errorPercent: num(r['errorPercent']),
      mean: num(r['mean']),
      p99: num(r['p99']),
    });
  }
  return rows;
}
