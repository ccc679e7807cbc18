/**
 * Command configuration: what users write (`CommandConfig`, or hystrix-go's JSON keys), what a circuit runs with
 * (`Settings`), the defaults, and the validation that keeps bad input out.
 */

import { ADAPTIVE_ALGORITHMS, type AdaptiveAlgorithm } from './policies/adaptive-limit.js';
import { describeValue } from './validate.js';

/** hystrix-go's `DefaultTimeout`: milliseconds a call may take. */
export const DefaultTimeout = 1000;
/** hystrix-go's `DefaultMaxConcurrent`: calls of one command in flight at once. */
export const DefaultMaxConcurrent = 10;
/** hystrix-go's `DefaultVolumeThreshold`: requests in the window before health is judged. */
export const DefaultVolumeThreshold = 20;
/** hystrix-go's `DefaultSleepWindow`: milliseconds an open circuit waits before a probe. */
export const DefaultSleepWindow = 5000;
/** hystrix-go's `DefaultErrorPercentThreshold`: the error percentage that opens the circuit. */
export const DefaultErrorPercentThreshold = 50;
/** Length of the rolling window of counts, in milliseconds (hystrix-go: fixed 10 s). */
export const DefaultRollingWindow = 10_000;
/** Buckets in the rolling window of counts (hystrix-go: fixed 10). */
export const DefaultRollingBuckets = 10;
/** Length of the rolling window of latencies, in milliseconds (hystrix-go: fixed 60 s). */
export const DefaultLatencyWindow = 60_000;
/** Buckets in the rolling window of latencies (Hystrix's default: 6 of 10 s). */
export const DefaultLatencyBuckets = 6;
/** Probes let through by a half-open circuit (hystrix-go: a single test). */
export const DefaultHalfOpenProbes = 1;
/** Milliseconds a fallback may take before it counts as failed (hystrix-go: unbounded). */
export const DefaultFallbackTimeout = 1000;
/** Milliseconds a call may wait in the queue for a ticket, when the command has a queue. */
export const DefaultMaxQueueWait = 1000;
/** The share of slow calls, in percent, that opens the circuit when `slowCallDuration` is set (resilience4j's). */
export const DefaultSlowCallPercentThreshold = 100;
/** The share of calls, in percent, that retries and hedges may add to a command's load (Finagle's `RetryBudget`). */
export const DefaultRetryBudgetPercent = 10;
/** Retries and hedges a second allowed whatever the traffic, so that a quiet command can still retry. */
export const DefaultRetryBudgetMinPerSecond = 10;
/** The first retry's backoff ceiling in milliseconds; each retry doubles it (AWS's "base"). */
export const DefaultRetryBackoffBase = 100;
/** The largest backoff ceiling in milliseconds (AWS's "cap"). */
export const DefaultRetryBackoffCap = 2000;

/** Tells whether an error thrown by `run` is the caller's fault: see {@link CommandConfig.isBadRequest}. */
export type BadRequestPredicate = (error: unknown) => boolean;

/**
 * Configuration of one command, every field optional (an absent field takes the default). Durations are in
 * milliseconds. Each field is an integer; out-of-range values throw a `RangeError` and change nothing.
 */
export interface CommandConfig {
  /**
   * Milliseconds from the call until it counts as timed out; 1 to 2147483647. Default 1000. The key is
   * hystrix-go's JSON key too: 0 means "the default" in a configuration that also has a hystrix-go snake_case key
   * (its JSON form), and is refused with a `RangeError` otherwise.
   */
  timeout?: number;
  /** Calls of this command in flight at once; beyond it calls are rejected. 1 or more. Default 10. */
  maxConcurrentRequests?: number;
  /** Requests in the rolling window before health is judged; 1 or more. Default 20. */
  requestVolumeThreshold?: number;
  /** Milliseconds an open circuit waits before letting probes through; 1 to 2147483647. Default 5000. */
  sleepWindow?: number;
  /** Error percentage (rounded) at or above which the circuit opens; 1 to 100. Default 50. */
  errorPercentThreshold?: number;
  /** Length of the rolling window of counts in milliseconds; a multiple of `rollingBuckets`. Default 10000. */
  rollingWindow?: number;
  /** Buckets in the rolling window of counts; 1 to 100. Default 10. */
  rollingBuckets?: number;
  /** Length of the rolling window of latencies in milliseconds; a multiple of `latencyBuckets`. Default 60000. */
  latencyWindow?: number;
  /** Buckets in the rolling window of latencies; 1 to 60. Default 6. */
  latencyBuckets?: number;
  /** Probes a half-open circuit lets through; all must succeed to close it. 1 or more. Default 1. */
  halfOpenProbes?: number;
  /** Milliseconds a fallback may take before it counts as failed; 1 to 2147483647. Default 1000. */
  fallbackTimeout?: number;
  /**
   * A token-bucket rate limit: calls a second, refilled continuously (a fraction is allowed, e.g. 0.5 for one
   * call every two seconds). A call that finds no token is shed with an error of the kind `ErrRateLimited`
   * before it takes a ticket. 0 (the default): no rate limit.
   */
  maxRequestsPerSecond?: number;
  /** The bucket's size: the most calls let through at once after a quiet spell. Default (0): one second's worth. */
  burst?: number;
  /**
   * Calls that may wait, first come first served, for a ticket when every one is in use; beyond it calls are
   * rejected as without a queue. 0 (the default): no queue.
   */
  maxQueueSize?: number;
  /** Milliseconds a call may wait in the queue before it is rejected; 1 to 2147483647. Default 1000. */
  maxQueueWait?: number;
  /**
   * Milliseconds from which a run counts as slow (success or failure; a timeout counts when the timeout is at
   * least this long). With the volume reached, the circuit opens when slow calls reach
   * `slowCallPercentThreshold` percent of the requests. 0 (the default): no slow-call rule.
   */
  slowCallDuration?: number;
  /** The share of slow calls, in percent (1 to 100), that opens the circuit. Default 100. */
  slowCallPercentThreshold?: number;
  /**
   * The circuit also opens after this many failures and timeouts in a row, whatever the volume; a success
   * resets the count. 0 (the default): no such rule.
   */
  consecutiveFailures?: number;
  /**
   * A concurrency limit for the whole fleet, when the registry has joined one (`hystrix-ts/redis`): the calls of
   * this command in flight at once across every process. Each process leases a share of it and runs with the
   * lower of its share and `maxConcurrentRequests`. 0 (the default): none. Without a fleet it has no effect.
   */
  fleetMaxConcurrentRequests?: number;
  /**
   * A rate limit for the whole fleet, in calls a second (a fraction is allowed): each process leases tokens of
   * the fleet's bucket and spends them locally, shedding calls like `maxRequestsPerSecond`. 0 (the default):
   * none. Without a fleet it has no effect.
   */
  fleetMaxRequestsPerSecond?: number;
  /**
   * Attempts a call makes in all, the first included: a failure or a timeout is retried after a backoff with full
   * jitter while attempts and the retry budget last; short-circuits, rejections, rate-limited calls, bad requests
   * and the caller's abort are never retried. Each attempt is an execution with its own timeout and events; the
   * fallback runs once, after the last. 1 (the default): no retry. At most 10. Not with `hedgeMaxAttempts`.
   */
  retryAttempts?: number;
  /**
   * The retry budget: retries and hedges may add at most this share, in percent (a fraction is allowed), of the
   * calls in the rolling window, beyond `retryBudgetMinPerSecond`. 0 to 100. Default 10.
   */
  retryBudgetPercent?: number;
  /** Retries and hedges a second the budget allows whatever the traffic (a fraction is allowed). Default 10. */
  retryBudgetMinPerSecond?: number;
  /** Milliseconds: the first retry waits a random time up to this; each further retry doubles it. Default 100. */
  retryBackoffBase?: number;
  /** Milliseconds: the most a retry's random wait can be; at least `retryBackoffBase`. Default 2000. */
  retryBackoffCap?: number;
  /**
   * Attempts a hedged call may have in flight in all, the first included: when no attempt has answered after the
   * hedge delay, one more starts (within the retry budget), up to this many; the first success wins and the
   * others' signals are aborted. 1 (the default): no hedging. At most 10. Needs `hedgeDelay` or
   * `hedgeDelayPercentile`; not with `retryAttempts`.
   */
  hedgeMaxAttempts?: number;
  /**
   * Milliseconds to wait for an answer before each hedge; 1 to 2147483647. With `hedgeDelayPercentile`, the delay
   * used until the latency window knows that percentile. 0 (the default): none.
   */
  hedgeDelay?: number;
  /**
   * The hedge delay as a percentile (above 0, up to 99.9) of the command's run latency over the latency window,
   * read at most once a second: 95 hedges the slowest 5 % of calls. Until the window holds enough runs to tell it
   * (100 / (100 - percentile)), `hedgeDelay` is used, or no hedge is made without one. 0 (the default): none.
   */
  hedgeDelayPercentile?: number;
  /**
   * An adaptive concurrency limit: the pool's limit moves between `minConcurrentRequests` and
   * `maxConcurrentRequests`, driven by the latency of successful runs and by timeouts, as Netflix's
   * concurrency-limits does: `'aimd'` (loss-based: +1 while the pool is busy, x0.9 on a timeout), `'vegas'` or
   * `'gradient2'` (latency-based: the limit shrinks when runs queue in the dependency). It starts at
   * `minConcurrentRequests`. Absent or null (the default): the fixed `maxConcurrentRequests`. Under hystrix-go's
   * key `adaptive_concurrency`, `''` (Go's zero string) means the default too.
   */
  adaptiveConcurrency?: AdaptiveAlgorithm | null | undefined;
  /**
   * The lowest an adaptive limit goes (`adaptiveConcurrency`), and where it starts; 1 to `maxConcurrentRequests`.
   * Default 1. Without `adaptiveConcurrency` it has no effect.
   */
  minConcurrentRequests?: number;
  /**
   * Tells whether an error thrown by `run` is the caller's fault (a 404, a validation error): such an error
   * passes through to the caller as it is, no fallback runs, and it does not count toward health, like a
   * `BadRequestError`. A predicate that throws is logged and counts as `false`. Not in the JSON form.
   */
  isBadRequest?: BadRequestPredicate | undefined;
}

/**
 * hystrix-go's JSON form of a command's configuration (its `CommandConfig` JSON tags). As in hystrix-go, a zero
 * means "the default". The new settings have snake_case keys too.
 */
export interface HystrixGoCommandConfig {
  /** {@inheritDoc CommandConfig.timeout} */
  timeout?: number;
  /** {@inheritDoc CommandConfig.maxConcurrentRequests} */
  max_concurrent_requests?: number;
  /** {@inheritDoc CommandConfig.requestVolumeThreshold} */
  request_volume_threshold?: number;
  /** {@inheritDoc CommandConfig.sleepWindow} */
  sleep_window?: number;
  /** {@inheritDoc CommandConfig.errorPercentThreshold} */
  error_percent_threshold?: number;
  /** {@inheritDoc CommandConfig.rollingWindow} */
  rolling_window?: number;
  /** {@inheritDoc CommandConfig.rollingBuckets} */
  rolling_buckets?: number;
  /** {@inheritDoc CommandConfig.latencyWindow} */
  latency_window?: number;
  /** {@inheritDoc CommandConfig.latencyBuckets} */
  latency_buckets?: number;
  /** {@inheritDoc CommandConfig.halfOpenProbes} */
  half_open_probes?: number;
  /** {@inheritDoc CommandConfig.fallbackTimeout} */
  fallback_timeout?: number;
  /** {@inheritDoc CommandConfig.maxRequestsPerSecond} */
  max_requests_per_second?: number;
  /** {@inheritDoc CommandConfig.burst} */
  burst?: number;
  /** {@inheritDoc CommandConfig.maxQueueSize} */
  max_queue_size?: number;
  /** {@inheritDoc CommandConfig.maxQueueWait} */
  max_queue_wait?: number;
  /** {@inheritDoc CommandConfig.slowCallDuration} */
  slow_call_duration?: number;
  /** {@inheritDoc CommandConfig.slowCallPercentThreshold} */
  slow_call_percent_threshold?: number;
  /** {@inheritDoc CommandConfig.consecutiveFailures} */
  consecutive_failures?: number;
  /** {@inheritDoc CommandConfig.fleetMaxConcurrentRequests} */
  fleet_max_concurrent_requests?: number;
  /** {@inheritDoc CommandConfig.fleetMaxRequestsPerSecond} */
  fleet_max_requests_per_second?: number;
  /** {@inheritDoc CommandConfig.retryAttempts} */
  retry_attempts?: number;
  /** {@inheritDoc CommandConfig.retryBudgetPercent} */
  retry_budget_percent?: number;
  /** {@inheritDoc CommandConfig.retryBudgetMinPerSecond} */
  retry_budget_min_per_second?: number;
  /** {@inheritDoc CommandConfig.retryBackoffBase} */
  retry_backoff_base?: number;
  /** {@inheritDoc CommandConfig.retryBackoffCap} */
  retry_backoff_cap?: number;
  /** {@inheritDoc CommandConfig.hedgeMaxAttempts} */
  hedge_max_attempts?: number;
  /** {@inheritDoc CommandConfig.hedgeDelay} */
  hedge_delay?: number;
  /** {@inheritDoc CommandConfig.hedgeDelayPercentile} */
  hedge_delay_percentile?: number;
  /** {@inheritDoc CommandConfig.adaptiveConcurrency} */
  adaptive_concurrency?: AdaptiveAlgorithm | '' | null;
  /** {@inheritDoc CommandConfig.minConcurrentRequests} */
  min_concurrent_requests?: number;
}

/** The numeric settings. */
type NumericKey = Exclude<keyof CommandConfig, 'isBadRequest' | 'adaptiveConcurrency'>;

/** The settings a circuit runs with: every field resolved, durations in milliseconds. Frozen. */
export type Settings = Readonly<
  Required<Omit<CommandConfig, 'isBadRequest' | 'adaptiveConcurrency'>> & {
    /** The command's {@link CommandConfig.isBadRequest}, or null when it has none. */
    isBadRequest: BadRequestPredicate | null;
    /** The command's {@link CommandConfig.adaptiveConcurrency}, or null for the fixed limit. */
    adaptiveConcurrency: AdaptiveAlgorithm | null;
  }
>;

/** The largest delay a Node timer accepts; a longer one fires after 1 ms. */
const MAX_DELAY = 2_147_483_647;

interface Field {
  readonly key: NumericKey;
  readonly json: keyof HystrixGoCommandConfig;
  readonly min: number;
  readonly max: number;
  /** Fractions allowed (a rate). */
  readonly fraction?: true;
}

const FIELDS: readonly Field[] = [
  { key: 'timeout', json: 'timeout', min: 1, max: MAX_DELAY },
  {
    key: 'maxConcurrentRequests',
    json: 'max_concurrent_requests',
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
  },
  {
    key: 'requestVolumeThreshold',
    json: 'request_volume_threshold',
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
  },
  { key: 'sleepWindow', json: 'sleep_window', min: 1, max: MAX_DELAY },
  { key: 'errorPercentThreshold', json: 'error_percent_threshold', min: 1, max: 100 },
  { key: 'rollingWindow', json: 'rolling_window', min: 1, max: MAX_DELAY },
  { key: 'rollingBuckets', json: 'rolling_buckets', min: 1, max: 100 },
  { key: 'latencyWindow', json: 'latency_window', min: 1, max: MAX_DELAY },
  { key: 'latencyBuckets', json: 'latency_buckets', min: 1, max: 60 },
  { key: 'halfOpenProbes', json: 'half_open_probes', min: 1, max: Number.MAX_SAFE_INTEGER },
  { key: 'fallbackTimeout', json: 'fallback_timeout', min: 1, max: MAX_DELAY },
  // 0 means "off" for the optional policies: their default, so hystrix-go's "0 means the default" agrees.
  {
    key: 'maxRequestsPerSecond',
    json: 'max_requests_per_second',
    min: 0,
    max: 1_000_000_000,
    fraction: true,
  },
  { key: 'burst', json: 'burst', min: 0, max: 1_000_000_000 },
  { key: 'maxQueueSize', json: 'max_queue_size', min: 0, max: 1_000_000 },
  { key: 'maxQueueWait', json: 'max_queue_wait', min: 1, max: MAX_DELAY },
  { key: 'slowCallDuration', json: 'slow_call_duration', min: 0, max: MAX_DELAY },
  { key: 'slowCallPercentThreshold', json: 'slow_call_percent_threshold', min: 1, max: 100 },
  {
    key: 'consecutiveFailures',
    json: 'consecutive_failures',
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
  },
  {
    key: 'fleetMaxConcurrentRequests',
    json: 'fleet_max_concurrent_requests',
    min: 0,
    max: 1_000_000_000,
  },
  {
    key: 'fleetMaxRequestsPerSecond',
    json: 'fleet_max_requests_per_second',
    min: 0,
    max: 1_000_000_000,
    fraction: true,
  },
  { key: 'retryAttempts', json: 'retry_attempts', min: 1, max: 10 },
  {
    key: 'retryBudgetPercent',
    json: 'retry_budget_percent',
    min: 0,
    max: 100,
    fraction: true,
  },
  {
    key: 'retryBudgetMinPerSecond',
    json: 'retry_budget_min_per_second',
    min: 0,
    max: 1_000_000,
    fraction: true,
  },
  { key: 'retryBackoffBase', json: 'retry_backoff_base', min: 1, max: MAX_DELAY },
  { key: 'retryBackoffCap', json: 'retry_backoff_cap', min: 1, max: MAX_DELAY },
  { key: 'hedgeMaxAttempts', json: 'hedge_max_attempts', min: 1, max: 10 },
  { key: 'hedgeDelay', json: 'hedge_delay', min: 0, max: MAX_DELAY },
  {
    key: 'hedgeDelayPercentile',
    json: 'hedge_delay_percentile',
    min: 0,
    max: 99.9,
    fraction: true,
  },
  {
    key: 'minConcurrentRequests',
    json: 'min_concurrent_requests',
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
  },
];

/**
 * How a key is read: its field, whether it is hystrix-go's JSON key, and whether it is both (`timeout` is spelled
 * alike in both forms, so only the rest of its configuration tells which form it is in).
 */
interface KeyEntry {
  readonly field: Field;
  readonly json: boolean;
  readonly shared: boolean;
}

const BY_KEY = new Map<string, KeyEntry>();
for (const field of FIELDS) {
  const shared = field.key === field.json;
  BY_KEY.set(field.key, { field, json: shared, shared });
  if (!shared) BY_KEY.set(field.json, { field, json: true, shared });
}

/** hystrix-go's defaults, with the new settings' defaults. */
export const defaultSettings: Settings = Object.freeze({
  timeout: DefaultTimeout,
  maxConcurrentRequests: DefaultMaxConcurrent,
  requestVolumeThreshold: DefaultVolumeThreshold,
  sleepWindow: DefaultSleepWindow,
  errorPercentThreshold: DefaultErrorPercentThreshold,
  rollingWindow: DefaultRollingWindow,
  rollingBuckets: DefaultRollingBuckets,
  latencyWindow: DefaultLatencyWindow,
  latencyBuckets: DefaultLatencyBuckets,
  halfOpenProbes: DefaultHalfOpenProbes,
  fallbackTimeout: DefaultFallbackTimeout,
  maxRequestsPerSecond: 0,
  burst: 0,
  maxQueueSize: 0,
  maxQueueWait: DefaultMaxQueueWait,
  slowCallDuration: 0,
  slowCallPercentThreshold: DefaultSlowCallPercentThreshold,
  consecutiveFailures: 0,
  fleetMaxConcurrentRequests: 0,
  fleetMaxRequestsPerSecond: 0,
  retryAttempts: 1,
  retryBudgetPercent: DefaultRetryBudgetPercent,
  retryBudgetMinPerSecond: DefaultRetryBudgetMinPerSecond,
  retryBackoffBase: DefaultRetryBackoffBase,
  retryBackoffCap: DefaultRetryBackoffCap,
  hedgeMaxAttempts: 1,
  hedgeDelay: 0,
  hedgeDelayPercentile: 0,
  minConcurrentRequests: 1,
  isBadRequest: null,
  adaptiveConcurrency: null,
});

/** @internal The explicitly set fields of one configuration, validated. */
export type ExplicitConfig = { -readonly [K in NumericKey]?: number } & {
  isBadRequest?: BadRequestPredicate;
  adaptiveConcurrency?: AdaptiveAlgorithm | null;
};

const PREDICATE_KEY = 'isBadRequest';
/** The one string-valued setting, under its two spellings. */
const ADAPTIVE_KEYS: ReadonlySet<string> = new Set(['adaptiveConcurrency', 'adaptive_concurrency']);

/**
 * @internal Validates a configuration (camelCase or hystrix-go's snake_case keys) and returns the fields it sets;
 * the fields set to 0 under a hystrix-go key ("the default") are pushed to `zeroed`.
 * Throws a `TypeError` for a non-object, an unknown key or a non-number, and a `RangeError` for a value out of
 * range, `NaN`, infinite or not an integer; `where` names the configuration in the message.
 */
export function normalizeConfig(
  input: unknown,
  where: string,
  zeroed?: (keyof Settings)[],
): ExplicitConfig {
  if (
    typeof input !== 'object' ||
    input === null ||
    Array.isArray(input) ||
    input instanceof Map ||
    input instanceof Set
  ) {
    throw new TypeError(`${where} must be a plain object, got ${describeValue(input)}`);
  }
  const out: ExplicitConfig = {};
  const seen = new Map<string, string>();
  const keys = Object.keys(input);
  // A configuration with a snake_case key is in hystrix-go's JSON form, where a zero means "the default".
  const hystrixGoForm = keys.some((key) => {
    const entry = BY_KEY.get(key);
    return entry !== undefined && entry.json && !entry.shared;
  });
  for (const key of keys) {
    const value: unknown = (input as Record<string, unknown>)[key];
    if (key === PREDICATE_KEY) {
      if (value === undefined) continue;
      if (typeof value !== 'function') {
        throw new TypeError(
          `${where}: isBadRequest must be a function (error) => boolean, got ${describeValue(value)}`,
        );
      }
      out.isBadRequest = value as BadRequestPredicate;
      continue;
    }
    if (ADAPTIVE_KEYS.has(key)) {
      if (value === undefined) continue;
      const other = seen.get('adaptiveConcurrency');
      if (other !== undefined) {
        throw new TypeError(`${where}: '${key}' and '${other}' both set adaptiveConcurrency`);
      }
      seen.set('adaptiveConcurrency', key);
      // Go's zero value for a string: hystrix-go's JSON form reads it as "the default", as it reads a zero.
      if (value === '' && key !== 'adaptiveConcurrency') {
        zeroed?.push('adaptiveConcurrency');
        continue;
      }
      out.adaptiveConcurrency = adaptiveAlgorithm(value, key, where);
      continue;
    }
    const entry = BY_KEY.get(key);
    if (entry === undefined) {
      throw new TypeError(
        `${where}: unknown key '${key}'; known keys: ${FIELDS.map((f) => f.key).join(', ')}, ` +
          `adaptiveConcurrency, ${PREDICATE_KEY} (or hystrix-go's ${FIELDS.map((f) => f.json).join(', ')}, ` +
          'adaptive_concurrency)',
      );
    }
    if (value === undefined) continue;
    const { field, json } = entry;
    const other = seen.get(field.key);
    if (other !== undefined) {
      throw new TypeError(`${where}: '${key}' and '${other}' both set ${field.key}`);
    }
    seen.set(field.key, key);
    if (typeof value !== 'number') {
      throw new TypeError(`${where}: ${key} must be a number, got ${describeValue(value)}`);
    }
    // hystrix-go reads a zero in its JSON form as "use the default".
    if (value === 0 && json && (hystrixGoForm || !entry.shared)) {
      zeroed?.push(field.key);
      continue;
    }
    if (
      field.fraction === true &&
      Number.isFinite(value) &&
      value >= field.min &&
      value <= field.max
    ) {
      out[field.key] = value;
      continue;
    }
    if (!Number.isInteger(value) || value < field.min || value > field.max) {
      const zeroHint =
        value === 0 && entry.shared
          ? " (0 means the default only in hystrix-go's JSON form, beside its snake_case keys; " +
            'leave the key out for the default)'
          : '';
      throw new RangeError(
        `${where}: ${key} must be ${field.fraction === true ? 'a number' : 'an integer'} from ${field.min} ` +
          `to ${field.max}, got ${value}${zeroHint}`,
      );
    }
    out[field.key] = value;
  }
  return out;
}

/**
 * @internal The settings of a command: its explicit fields over the defaults. Throws a `RangeError` when a window
 * is not a whole number of buckets.
 */
export function resolveSettings(
  defaults: Settings,
  explicit: ExplicitConfig,
  where: string,
): Settings {
  const settings: Settings = { ...defaults, ...explicit };
  checkWindow(
    settings.rollingWindow,
    settings.rollingBuckets,
    'rollingWindow',
    'rollingBuckets',
    where,
  );
  checkWindow(
    settings.latencyWindow,
    settings.latencyBuckets,
    'latencyWindow',
    'latencyBuckets',
    where,
  );
  if (settings.burst > 0 && settings.maxRequestsPerSecond === 0) {
    throw new RangeError(`${where}: burst (${settings.burst}) needs maxRequestsPerSecond`);
  }
  checkAttempts(settings, where);
  if (
    settings.adaptiveConcurrency !== null &&
    settings.minConcurrentRequests > settings.maxConcurrentRequests
  ) {
    throw new RangeError(
      `${where}: minConcurrentRequests (${settings.minConcurrentRequests}) must not exceed ` +
        `maxConcurrentRequests (${settings.maxConcurrentRequests}), the bounds of adaptiveConcurrency`,
    );
  }
  return Object.freeze(settings);
}

/** An adaptive algorithm's name, or null for the fixed limit; anything else is a `TypeError` naming the choices. */
function adaptiveAlgorithm(value: unknown, key: string, where: string): AdaptiveAlgorithm | null {
  if (value === null) return null;
  for (const algorithm of ADAPTIVE_ALGORITHMS) if (value === algorithm) return algorithm;
  throw new TypeError(
    `${where}: ${key} must be one of ${ADAPTIVE_ALGORITHMS.map((a) => `'${a}'`).join(', ')} ` +
      `(or null for the fixed maxConcurrentRequests), got ${describeValue(value)}`,
  );
}

function checkWindow(window: number, buckets: number, w: string, b: string, where: string): void {
  if (window % buckets !== 0) {
    throw new RangeError(`${where}: ${w} (${window}) must be a multiple of ${b} (${buckets})`);
  }
}

/** Retries and hedging: consistent among themselves. */
function checkAttempts(s: Settings, where: string): void {
  if (s.retryBackoffCap < s.retryBackoffBase) {
    throw new RangeError(
      `${where}: retryBackoffCap (${s.retryBackoffCap}) must be at least retryBackoffBase (${s.retryBackoffBase})`,
    );
  }
  if (s.retryAttempts > 1 && s.hedgeMaxAttempts > 1) {
    throw new RangeError(
      `${where}: retryAttempts (${s.retryAttempts}) and hedgeMaxAttempts (${s.hedgeMaxAttempts}) cannot both be ` +
        'above 1: a command retries or hedges, not both',
    );
  }
  if (s.hedgeMaxAttempts > 1 && s.hedgeDelay === 0 && s.hedgeDelayPercentile === 0) {
    throw new RangeError(
      `${where}: hedgeMaxAttempts (${s.hedgeMaxAttempts}) needs hedgeDelay or hedgeDelayPercentile`,
    );
  }
}
