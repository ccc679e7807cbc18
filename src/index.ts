/**
 * hystrix-ts: latency and fault tolerance for Node.js. Every call to a dependency runs as a named command with
 * a circuit breaker, a concurrency limit, a timeout that cancels the work, and a fallback; health is measured
 * over a rolling window and reported to metric collectors.
 *
 * The functions exported here act on one default registry; `new Hystrix()` makes an isolated one.
 *
 * @packageDocumentation
 * @module hystrix-ts
 */
import type { CircuitBreaker } from './circuit.js';
import type { FallbackFunction, RunFunction } from './run-context.js';
import {
  type AnyCommandConfig,
  type CommandOptions,
  type GetCircuitResult,
  Hystrix,
} from './hystrix.js';
import type { Logger } from './logger.js';
import type { MetricCollectorRegistry } from './metrics/registry.js';
import type { Settings } from './settings.js';
import { VERSION } from './version.js';

export type { CircuitState } from './circuit.js';
export { type Clock, type ClockTimer, systemClock } from './clock.js';
export type { FallbackFunction, FallbackTrigger, RunContext, RunFunction } from './run-context.js';
export {
  BadRequestError,
  CircuitError,
  ContextError,
  type ContextErrorCode,
  ErrCircuitOpen,
  ErrClosed,
  ErrMaxConcurrency,
  ErrRateLimited,
  ErrTimeout,
  FallbackError,
  isBadRequestError,
  isCircuitError,
  isCircuitOpen,
  isContextCanceled,
  isContextDeadlineExceeded,
  isContextError,
  isFallbackError,
  isMaxConcurrency,
  isRateLimited,
  isTimeout,
} from './errors.js';
export {
  EVENT_TYPES,
  type EventType,
  FALLBACK_EVENT_TYPES,
  type FallbackEventType,
} from './events.js';
export {
  type AnyCommandConfig,
  type CommandOptions,
  type GetCircuitResult,
  Hystrix,
  type HystrixOptions,
} from './hystrix.js';
export { type Logger, NoopLogger } from './logger.js';
export { ManualClock } from './manual-clock.js';
export {
  DefaultMetricCollector,
  type DefaultMetricCollectorOptions,
} from './metrics/default-collector.js';
export type {
  MetricCollector,
  MetricCollectorFactory,
  MetricResult,
} from './metrics/metric-result.js';
export {
  type BadRequestPredicate,
  type CommandConfig,
  DefaultErrorPercentThreshold,
  DefaultFallbackTimeout,
  DefaultHalfOpenProbes,
  DefaultLatencyBuckets,
  DefaultLatencyWindow,
  DefaultMaxConcurrent,
  DefaultMaxQueueWait,
  DefaultRetryBackoffBase,
  DefaultRetryBackoffCap,
  DefaultRetryBudgetMinPerSecond,
  DefaultRetryBudgetPercent,
  DefaultRollingBuckets,
  DefaultRollingWindow,
  DefaultSleepWindow,
  DefaultSlowCallPercentThreshold,
  DefaultTimeout,
  DefaultVolumeThreshold,
  defaultSettings,
  type HystrixGoCommandConfig,
  type Settings,
} from './settings.js';
export type {
  CircuitStateChange,
  CircuitStateName,
  HystrixEvents,
  HystrixListener,
  RegistryClosed,
  StateChangeFigures,
  StateChangeReason,
} from './state-events.js';
export { type CircuitStats, LATENCY_PERCENTILES, type LatencyStats } from './stats.js';
export type { FleetStats } from './fleet-view.js';
export type { AdaptiveAlgorithm, AdaptiveStats } from './policies/adaptive-limit.js';

// What the library makes and users only read (a circuit, its pool, the collector registry) is published as an
// interface: no constructor to call, and every member documented.
export type { CircuitBreaker } from './circuit.js';
export type { MetricCollectorRegistry } from './metrics/registry.js';
export type { ExecutorPool } from './pool.js';

/**
 * The default registry, which the module-level functions act on. There is one per process, whatever the module
 * format: an application that loads this package both with `import` and with `require` (an ESM app with a
 * CommonJS dependency), or holds two copies of the same version, gets the same registry from each, so every
 * circuit is seen by every stream and export. It is made by the first copy loaded, so use the error guards
 * (`isTimeout(err)`), not `instanceof`, on what its calls return.
 */
export const defaultHystrix: Hystrix = processDefault();

function processDefault(): Hystrix {
  // Keyed by version: another version's registry may differ in shape, so each version keeps its own.
  const key = Symbol.for(`hystrix-ts.defaultRegistry@${VERSION}`);
  const holder = globalThis as { [key: symbol]: unknown };
  const existing = holder[key];
  if (existing !== undefined) return existing as Hystrix;
  const created = new Hystrix();
  Object.defineProperty(globalThis, key, { value: created, enumerable: false });
  return created;
}

/** The default registry's collector factories (hystrix-go's `metricCollector.Registry`). */
export const metricCollectors: MetricCollectorRegistry = defaultHystrix.metricCollectors;

/** {@link Hystrix.do} on the default registry; exported as `do` too. */
export function doCommand<T, F = T>(
  name: string,
  run: RunFunction<T>,
  fallback?: FallbackFunction<F> | null,
  options?: CommandOptions,
): Promise<T | Exclude<F, T>> {
  return defaultHystrix.do(name, run, fallback, options);
}

export { doCommand as do };

/** {@link Hystrix.go} on the default registry. */
export function go<T, F = T>(
  name: string,
  run: RunFunction<T>,
  fallback?: FallbackFunction<F> | null,
  options?: CommandOptions,
): Promise<Error | undefined> {
  return defaultHystrix.go(name, run, fallback, options);
}

/** {@link Hystrix.doC} on the default registry. */
export function doC<T, F = T>(
  signal: AbortSignal,
  name: string,
  run: RunFunction<T>,
  fallback?: FallbackFunction<F> | null,
): Promise<T | Exclude<F, T>> {
  return defaultHystrix.doC(signal, name, run, fallback);
}

/** {@link Hystrix.goC} on the default registry. */
export function goC<T, F = T>(
  signal: AbortSignal,
  name: string,
  run: RunFunction<T>,
  fallback?: FallbackFunction<F> | null,
): Promise<Error | undefined> {
  return defaultHystrix.goC(signal, name, run, fallback);
}

/** {@link Hystrix.configure} on the default registry. */
export function configure(
  commands: ReadonlyMap<string, AnyCommandConfig> | Record<string, AnyCommandConfig>,
): void {
  defaultHystrix.configure(commands);
}

/** {@link Hystrix.configureCommand} on the default registry. */
export function configureCommand(name: string, config: AnyCommandConfig): void {
  defaultHystrix.configureCommand(name, config);
}

/** {@link Hystrix.setDefaults} on the default registry. */
export function setDefaults(config: AnyCommandConfig): void {
  defaultHystrix.setDefaults(config);
}

/** {@link Hystrix.getCircuitSettings} on the default registry. */
export function getCircuitSettings(): Map<string, Settings> {
  return defaultHystrix.getCircuitSettings();
}

/** {@link Hystrix.getCircuit} on the default registry. */
export function getCircuit(name: string): GetCircuitResult {
  return defaultHystrix.getCircuit(name);
}

/** {@link Hystrix.getCircuits} on the default registry. */
export function getCircuits(): CircuitBreaker[] {
  return defaultHystrix.getCircuits();
}

/** {@link Hystrix.flush} on the default registry. */
export function flush(): void {
  defaultHystrix.flush();
}

/** {@link Hystrix.close} on the default registry. */
export function close(): Promise<void> {
  return defaultHystrix.close();
}

/** {@link Hystrix.setLogger} on the default registry. */
export function setLogger(logger: Logger): void {
  defaultHystrix.setLogger(logger);
}
