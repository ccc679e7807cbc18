import type { EventType, FallbackEventType } from '../events.js';

/**
 * One execution, as collectors receive it (hystrix-go's `MetricResult`): each count is 0 or 1, durations are in
 * milliseconds.
 */
export interface MetricResult {
  /** 1 for an execution that counts toward health (a request): every one but bad requests and rate-limited calls. */
  readonly attempts: number;
  /** 1 when the primary event counts as an error (failure, rejected, short-circuit, timeout). */
  readonly errors: number;
  /** 1 for a `success`. */
  readonly successes: number;
  /** 1 for a `failure` (run threw or rejected). */
  readonly failures: number;
  /** 1 for `rejected` (concurrency limit reached). */
  readonly rejects: number;
  /** 1 for `short-circuit` (circuit open). */
  readonly shortCircuits: number;
  /** 1 for `timeout`. */
  readonly timeouts: number;
  /** 1 when a fallback ran and succeeded. */
  readonly fallbackSuccesses: number;
  /** 1 when a fallback ran and failed. */
  readonly fallbackFailures: number;
  /** 1 for `context_canceled` (the caller aborted). */
  readonly contextCanceled: number;
  /** 1 for `context_deadline_exceeded` (the caller's deadline passed). */
  readonly contextDeadlineExceeded: number;
  /** 1 for `bad-request` (the caller's fault: passed through, not counted toward health). */
  readonly badRequests: number;
  /** 1 for `rate-limited` (shed by the command's rate limit, not counted toward health). */
  readonly rateLimited: number;
  /** 1 when the run was slow (see `slowCallDuration`). */
  readonly slowCalls: number;
  /** 1 for an execution that retried its call after a failure or a timeout (see `retryAttempts`). */
  readonly retries: number;
  /** 1 for a hedge: an execution started because its call had not been answered in time (see `hedgeMaxAttempts`). */
  readonly hedges: number;
  /** 1 for a hedge whose success answered its call. */
  readonly hedgeWins: number;
  /** From the call to its outcome, fallback included. */
  readonly totalDuration: number;
  /**
   * How long `run` took, for executions whose run finished and decided the outcome (success or failure);
   * `undefined` for the others (hystrix-go reports 0 there, which skews run latency toward 0).
   */
  readonly runDuration: number | undefined;
  /** Tickets in use divided by the concurrency limit, after this execution returned its ticket. */
  readonly concurrencyInUse: number;
  /**
   * For a command with `adaptiveConcurrency`: the concurrency limit in force then (the adaptive limit, or a
   * fleet's share when lower: `stats().maxConcurrentRequests`). Undefined for a fixed limit.
   */
  readonly concurrencyLimit?: number | undefined;
  /** The primary event. */
  readonly event: EventType;
  /** The fallback's event, when a fallback ran. */
  readonly fallbackEvent: FallbackEventType | undefined;
}

/**
 * Receives every execution of one circuit (hystrix-go's `MetricCollector`). `update` is called synchronously at
 * the end of each execution, so it must be quick; an exception it throws is logged and isolated.
 */
export interface MetricCollector {
  /** One execution's result. */
  update(result: MetricResult): void;
  /** The circuit's metrics were reset (it closed after being open, or the registry was flushed). */
  reset(): void;
}

/** Makes the collector of one circuit, given its name. */
export type MetricCollectorFactory = (name: string) => MetricCollector;
