import { defaultHystrix, type Hystrix } from 'hystrix-ts';
import type { OpenMetricsContentType, Registry } from 'prom-client';
import { checkHystrixOption, checkOptionsObject } from '../shared/option-checks.js';
import { describeValue } from 'hystrix-ts/internal';

/** A prom-client registry of either content type. */
export type PrometheusRegistry = Registry | Registry<OpenMetricsContentType>;

/** Options of {@link registerPrometheus}. */
export interface PrometheusOptions {
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
export const DEFAULT_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]);

/** {@link PrometheusOptions} once checked, with their defaults. */
export interface CheckedPrometheusOptions {
  registry: PrometheusRegistry;
  hystrix: Hystrix;
  prefix: string;
  buckets: readonly number[];
}

/** The function named first in every error message of the export. */
export const WHERE = 'registerPrometheus(options)';

const OPTION_KEYS = new Set(['registry', 'hystrix', 'prefix', 'buckets']);

// Prometheus metric names without the colon, which is reserved for recording rules.
const PREFIX = /^(?:[a-zA-Z_][a-zA-Z0-9_]*)?$/;

/**
 * Checks the options of {@link registerPrometheus} and fills in their defaults.
 *
 * @throws TypeError for bad options.
 */
export function checkPrometheusOptions(options: unknown): CheckedPrometheusOptions {
  const {
    registry,
    hystrix: hystrixOption = defaultHystrix,
    prefix = 'hystrix_',
    buckets = DEFAULT_DURATION_BUCKETS,
  } = checkOptionsObject(WHERE, options, {
    known: OPTION_KEYS,
    example: '{ registry }',
    refuseArrays: false,
  });
  if (!isRegistry(registry)) {
    throw new TypeError(
      `${WHERE}: options.registry must be a prom-client Registry (new Registry(), or ` +
        `prom-client's register), got ${describeValue(registry)}`,
    );
  }
  const hystrix = checkHystrixOption(WHERE, hystrixOption, ['getCircuits']);
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
    throw new TypeError(
      `${WHERE}: options.prefix must be empty or start a Prometheus metric name (letters, ` +
        `digits and _, not first a digit), got ${shown(prefix)}`,
    );
  }
  return { registry, hystrix, prefix, buckets: checkBuckets(buckets) };
}

function checkBuckets(buckets: unknown): readonly number[] {
  if (!Array.isArray(buckets) || buckets.length === 0) {
    throw new TypeError(
      `${WHERE}: options.buckets must be a non-empty array of upper bounds in seconds`,
    );
  }
  let previous = -Infinity;
  for (const bound of buckets as unknown[]) {
    if (typeof bound !== 'number' || !Number.isFinite(bound) || bound < 0) {
      throw new TypeError(
        `${WHERE}: options.buckets must hold finite, non-negative numbers of seconds, ` +
          `got ${shown(bound)}`,
      );
    }
    if (bound <= previous) {
      throw new TypeError(
        `${WHERE}: options.buckets must be strictly increasing, got ${bound} after ${previous}`,
      );
    }
    previous = bound;
  }
  return buckets as readonly number[];
}

// Duck-typed rather than instanceof, so that a registry from another copy of prom-client is
// accepted too.
function isRegistry(value: unknown): value is PrometheusRegistry {
  const r = value as Partial<Record<string, unknown>> | null | undefined;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r['registerMetric'] === 'function' &&
    typeof r['getSingleMetric'] === 'function' &&
    typeof r['removeSingleMetric'] === 'function' &&
    typeof r['metrics'] === 'function'
  );
}

/** A value as an error message shows it: strings and numbers as they are, else their type. */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return String(value);
  return describeValue(value);
}
