/**
 * Turbine's merge of the Hystrix messages of many processes into one `HystrixCommand` and one
 * `HystrixThreadPool` message per name, in the form the Netflix Hystrix dashboard expects of a cluster stream.
 *
 * What Turbine does, from its sources (Netflix/Turbine):
 * - `1.x` `turbine-core/.../data/DataFromSingleInstance.java` sorts a message's fields into integers, nested
 *   maps (the latency percentiles) and everything else, kept as strings;
 * - `1.x` `.../data/AggDataFromCluster.java` sums the integers (`reportingHosts` included, so that it counts the
 *   instances reporting the name), sums nested maps key by key, and keeps a count of hosts per distinct string
 *   value: one value when every host agrees, else the JSON of the counts, such as `{"false":2,"true":1}`;
 * - `1.x` `.../data/TurbineData.java` writes the strings `true` and `false` back as JSON booleans;
 * - `2.x` `.../aggregator/StreamAggregator.java` treats `currentTime` as an identifier rather than a figure, and
 *   keeps `propertyValue_*` numbers as values (`AggregateString`) rather than summing them.
 *
 * What the dashboard then does with it (Netflix/Hystrix, `hystrix-dashboard/src/main/webapp/components/`):
 * - `hystrixCommand/hystrixCommand.js` divides `errorPercentage` and `latencyExecute_mean` by `reportingHosts`,
 *   and `templates/hystrixCircuit.html` divides the `latencyExecute` percentiles by it: so these are sums;
 * - it reads `propertyValue_metricsRollingStatisticalWindowInMilliseconds` of a command as it is (its division
 *   was removed in 2016, "Fix issue #1251"): so a command's settings are values, not sums;
 * - `hystrixThreadPool/hystrixThreadPool.js` still divides a pool's rolling window and
 *   `propertyValue_queueSizeRejectionThreshold` by `reportingHosts`: so a pool's settings are sums, as in
 *   Turbine 1.x;
 * - `templates/hystrixCircuit.html` shows "Open" in red when `isCircuitBreakerOpen == reportingHosts`, "Closed"
 *   when it is `0` (`false`), else the merged value with `true`/`false` read as Open/Closed, in orange.
 *
 * Each message is checked field by field against the shape these messages have; one that does not fit is
 * left out whole, and the merged message is written with these fields only, in the stream's order.
 */

/** How a field merges. */
type Merge =
  /** Summed (integers, as Turbine's longs). */
  | 'sum'
  /** Summed too, and at least 1: the instances behind the message. */
  | 'hosts'
  /** A value (boolean, string or number): kept when all hosts agree, else counted per value. */
  | 'value'
  /** The latency percentiles, summed percentile by percentile. */
  | 'latency'
  /** The aggregation's time. */
  | 'time';

type Schema = readonly (readonly [field: string, merge: Merge])[];

const COUNTS = [
  'rollingCountBadRequests',
  'rollingCountCollapsedRequests',
  'rollingCountExceptionsThrown',
  'rollingCountFailure',
  'rollingCountFallbackFailure',
  'rollingCountFallbackRejection',
  'rollingCountFallbackSuccess',
  'rollingCountResponsesFromCache',
  'rollingCountSemaphoreRejected',
  'rollingCountShortCircuited',
  'rollingCountSuccess',
  'rollingCountThreadPoolRejected',
  'rollingCountTimeout',
  'currentConcurrentExecutionCount',
] as const;

const SETTINGS = [
  'propertyValue_circuitBreakerRequestVolumeThreshold',
  'propertyValue_circuitBreakerSleepWindowInMilliseconds',
  'propertyValue_circuitBreakerErrorThresholdPercentage',
  'propertyValue_circuitBreakerForceOpen',
  'propertyValue_circuitBreakerForceClosed',
  'propertyValue_circuitBreakerEnabled',
  'propertyValue_executionIsolationStrategy',
  'propertyValue_executionIsolationThreadTimeoutInMilliseconds',
  'propertyValue_executionIsolationThreadInterruptOnTimeout',
  'propertyValue_executionIsolationThreadPoolKeyOverride',
  'propertyValue_executionIsolationSemaphoreMaxConcurrentRequests',
  'propertyValue_fallbackIsolationSemaphoreMaxConcurrentRequests',
  'propertyValue_metricsRollingStatisticalWindowInMilliseconds',
  'propertyValue_requestCacheEnabled',
  'propertyValue_requestLogEnabled',
] as const;

/** A `HystrixCommand` message's fields after `type` and `name`, in the stream's order. */
const COMMAND: Schema = [
  ['group', 'value'],
  ['currentTime', 'time'],
  ['reportingHosts', 'hosts'],
  ['requestCount', 'sum'],
  ['errorCount', 'sum'],
  ['errorPercentage', 'sum'],
  ['isCircuitBreakerOpen', 'value'],
  ...COUNTS.map((field) => [field, 'sum'] as const),
  ['latencyExecute_mean', 'sum'],
  ['latencyExecute', 'latency'],
  ['latencyTotal_mean', 'sum'],
  ['latencyTotal', 'latency'],
  ...SETTINGS.map((field) => [field, 'value'] as const),
];

/** A `HystrixThreadPool` message's fields after `type` and `name`. */
const THREAD_POOL: Schema = [
  ['reportingHosts', 'hosts'],
  ['currentActiveCount', 'sum'],
  ['currentCompletedTaskCount', 'sum'],
  ['currentCorePoolSize', 'sum'],
  ['currentLargestPoolSize', 'sum'],
  ['currentMaximumPoolSize', 'sum'],
  ['currentPoolSize', 'sum'],
  ['currentQueueSize', 'sum'],
  ['currentTaskCount', 'sum'],
  ['rollingMaxActiveThreads', 'sum'],
  ['rollingCountThreadsExecuted', 'sum'],
  ['propertyValue_metricsRollingStatisticalWindowInMilliseconds', 'sum'],
  ['propertyValue_queueSizeRejectionThreshold', 'sum'],
];

/** The percentiles of a latency object, in the stream's order. */
const PERCENTILES = ['0', '25', '50', '75', '90', '95', '99', '99.5', '100'] as const;

/** A parsed message: a JSON object, read by field name. */
export type ParsedMessage = Readonly<Record<string, unknown>>;

/** The Hystrix message types merged here. */
export type HystrixType = 'HystrixCommand' | 'HystrixThreadPool';

const SCHEMAS: ReadonlyMap<string, Schema> = new Map<HystrixType, Schema>([
  ['HystrixCommand', COMMAND],
  ['HystrixThreadPool', THREAD_POOL],
]);

/** An own field of a parsed object (never one of its prototype's). */
export function field(m: ParsedMessage, key: string): unknown {
  return Object.hasOwn(m, key) ? m[key] : undefined;
}

/** A figure: a finite number from 0 to 2^53 - 1. */
export function isFigure(v: unknown): v is number {
  return typeof v === 'number' && v >= 0 && v <= Number.MAX_SAFE_INTEGER;
}

function fits(v: unknown, merge: Merge): boolean {
  switch (merge) {
    case 'sum':
      return isFigure(v);
    case 'hosts':
      return isFigure(v) && v >= 1;
    case 'value':
      return (
        typeof v === 'boolean' ||
        typeof v === 'string' ||
        (typeof v === 'number' && Number.isFinite(v))
      );
    case 'latency': {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
      const l = v as ParsedMessage;
      return PERCENTILES.every((p) => isFigure(field(l, p)));
    }
    case 'time':
      // Replaced by the aggregation's time, but a message without it is not a Hystrix message.
      return typeof v === 'number';
  }
}

/** Whether a parsed message of that type has every field of its schema, each of the right kind. */
export function fitsHystrix(type: HystrixType, m: ParsedMessage): boolean {
  const schema = SCHEMAS.get(type) ?? [];
  return schema.every(([key, merge]) => fits(field(m, key), merge));
}

const cap = (v: number): number => Math.min(v, Number.MAX_SAFE_INTEGER);

function sum(messages: readonly ParsedMessage[], key: string): number {
  let total = 0;
  for (const m of messages) total += Math.trunc(field(m, key) as number);
  return cap(total);
}

/**
 * Turbine's merged value: the value all hosts agree on as it is (Turbine 1.x writes `true` and `false` back as
 * booleans), else a JSON string of how many hosts hold each value, values in code-unit order.
 */
function mergedValue(messages: readonly ParsedMessage[], key: string): string {
  const counts = new Map<string, number>();
  let first: unknown;
  for (const m of messages) {
    const v = field(m, key);
    first ??= v;
    const text = String(v);
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  if (counts.size === 1) return JSON.stringify(first);
  const entries = [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(`{${entries.map(([v, n]) => `${JSON.stringify(v)}:${n}`).join(',')}}`);
}

function mergedLatency(messages: readonly ParsedMessage[], key: string): string {
  const sums = PERCENTILES.map((p) => {
    let total = 0;
    for (const m of messages)
      total += Math.trunc(field(field(m, key) as ParsedMessage, p) as number);
    return `${JSON.stringify(p)}:${cap(total)}`;
  });
  return `{${sums.join(',')}}`;
}

/**
 * One merged message of a name from the messages of its hosts, all of which passed {@link fitsHystrix}.
 *
 * @param now - the aggregation's time, written as `currentTime`.
 */
export function mergeHystrix(
  type: HystrixType,
  name: string,
  messages: readonly ParsedMessage[],
  now: number,
): string {
  let out = `{"type":"${type}","name":${JSON.stringify(name)}`;
  for (const [key, merge] of SCHEMAS.get(type) ?? []) {
    let value: string;
    switch (merge) {
      case 'sum':
      case 'hosts':
        value = String(sum(messages, key));
        break;
      case 'value':
        value = mergedValue(messages, key);
        break;
      case 'latency':
        value = mergedLatency(messages, key);
        break;
      case 'time':
        value = String(Number.isFinite(now) && now > 0 ? Math.trunc(now) : 0);
        break;
    }
    out += `,"${key}":${value}`;
  }
  return `${out}}`;
}
