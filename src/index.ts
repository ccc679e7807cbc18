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

export { CircuitBreaker, type CircuitState } from './circuit.js';
export { type Clock, type ClockTimer, SystemClock, systemClock } from './clock.js';
export type { FallbackFunction, RunContext, RunFunction } from './run-context.js';
export {
  CircuitError,
  ContextError,
  type ContextErrorCode,
  ErrCircuitOpen,
  ErrClosed,
  ErrMaxConcurrency,
  ErrTimeout,
  FallbackError,
  isCircuitError,
  isCircuitOpen,
  isContextCanceled,
  isContextDeadlineExceeded,
  isContextError,
  isFallbackError,
  isMaxConcurrency,
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
export { MetricCollectorRegistry } from './metrics/registry.js';
export { ExecutorPool } from './pool.js';
export { RollingNumber, type RollingNumberOptions } from './rolling/number.js';
export type { RollingWindowOptions } from './rolling/ring.js';
export { RollingTiming, type RollingTimingOptions, type TimingReader } from './rolling/timing.js';
export {
  type CommandConfig,
  DefaultErrorPercentThreshold,
  DefaultFallbackTimeout,
  DefaultHalfOpenProbes,
  DefaultLatencyBuckets,
  DefaultLatencyWindow,
  DefaultMaxConcurrent,
  DefaultRollingBuckets,
  DefaultRollingWindow,
  DefaultSleepWindow,
  DefaultTimeout,
  DefaultVolumeThreshold,
  defaultSettings,
  type HystrixGoCommandConfig,
  type Settings,
} from './settings.js';
export { type CircuitStats, LATENCY_PERCENTILES, type LatencyStats } from './stats.js';

/** The default registry, which the module-level functions act on. */
export const defaultHystrix: Hystrix = new Hystrix();

/** The default registry's collector factories (hystrix-go's `metricCollector.Registry`). */
export const metricCollectors: MetricCollectorRegistry = defaultHystrix.metricCollectors;

/** {@link Hystrix.do} on the default registry; exported as `do` too. */
export function doCommand<T>(
  name: string,
  run: RunFunction<T>,
  fallback?: FallbackFunction<T> | null,
  options?: CommandOptions,
): Promise<T> {
  return defaultHystrix.do(name, run, fallback, options);
}

export { doCommand as do };

/** {@link Hystrix.go} on the default registry. */
export function go<T>(
  name: string,
  run: RunFunction<T>,
  fallback?: FallbackFunction<T> | null,
  options?: CommandOptions,
): Promise<Error | undefined> {
  return defaultHystrix.go(name, run, fallback, options);
}

/** {@link Hystrix.doC} on the default registry. */
export function doC<T>(
  signal: AbortSignal,
  name: string,
  run: RunFunction<T>,
  fallback?: FallbackFunction<T> | null,
): Promise<T> {
  return defaultHystrix.doC(signal, name, run, fallback);
}

/** {@link Hystrix.goC} on the default registry. */
export function goC<T>(
  signal: AbortSignal,
  name: string,
  run: RunFunction<T>,
  fallback?: FallbackFunction<T> | null,
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
