// The published declarations of ./dist/opentelemetry.d.ts, as a report of the public API.
// Generated: do not edit. After changing the API, run: npm run api

import { Meter } from '@opentelemetry/api';
import { Hystrix } from 'hystrix-ts';

/**
 * OpenTelemetry export for hystrix-ts (`hystrix-ts/opentelemetry`), through `@opentelemetry/api`
 * only: counts and durations fed by a metric collector, and the circuits' state read when the SDK
 * collects. No timers: the SDK's reader decides when to read.
 *
 * @packageDocumentation
 * @module hystrix-ts/opentelemetry
 */

/** Options of {@link registerOpenTelemetry}. */
interface OpenTelemetryOptions {
  /**
   * The meter the instruments are created on (default: `metrics.getMeter('hystrix-ts')`, from the
   * global MeterProvider as it is when `registerOpenTelemetry` is called).
   */
  meter?: Meter | undefined;
  /** The circuits to export (default: `defaultHystrix`, the one of the module-level functions). */
  hystrix?: Hystrix | undefined;
  /** Put before every instrument name (default `'hystrix.'`). */
  prefix?: string | undefined;
}
/** What {@link registerOpenTelemetry} returns. */
interface OpenTelemetryExport {
  /** The names of the instruments created on the meter. */
  readonly instrumentNames: readonly string[];
  /**
   * Stops the export: removes the collector factory and the observable callback. Idempotent. The
   * API has no way to delete an instrument: the instruments stay on the meter and receive nothing
   * more (an SDK may go on reporting the last observed values).
   */
  unregister(): void;
}
/** The attribute holding the command name. */
declare const ATTR_COMMAND = 'hystrix.command';
/** The attribute holding hystrix-go's event string, on the events counter. */
declare const ATTR_EVENT = 'hystrix.event';
/** The attribute holding a state (`closed`, `open`, `half-open`), on the circuit state gauge. */
declare const ATTR_STATE = 'hystrix.circuit.state';
/**
 * Exports the circuits of a hystrix registry as OpenTelemetry metrics. With the default prefix,
 * every instrument has the attribute `hystrix.command` (the command name):
 *
 * - `hystrix.events` (counter, `{event}`): executions by event, attribute `hystrix.event` holding
 *   hystrix-go's event string (`success`, `failure`, `rejected`, `short-circuit`, `timeout`,
 *   `context_canceled`, `context_deadline_exceeded`) or this library's (`bad-request`,
 *   `rate-limited`), or `fallback-success`, `fallback-failure`;
 * - `hystrix.requests` (counter, `{request}`): executions that count toward health (every kind
 *   but bad requests and rate-limited calls);
 * - `hystrix.slow.calls` (counter, `{call}`): runs at least `slowCallDuration` long;
 * - `hystrix.retries`, `hystrix.hedges` and `hystrix.hedge.wins` (counters, `{execution}`):
 *   executions that retried a call, hedges, and hedges whose success answered their call;
 * - `hystrix.run.duration` (histogram, `ms`): how long `run` took, for runs that decided the
 *   outcome;
 * - `hystrix.total.duration` (histogram, `ms`): from the call to its outcome, fallback included;
 * - observed at collection: `hystrix.executions.active` (up-down counter): runs in flight;
 *   `hystrix.executions.limit` (gauge): the concurrency limit; `hystrix.circuit.open` (gauge, 0 or
 *   1); `hystrix.circuit.state` (gauge, attribute `hystrix.circuit.state`: 1 for the current state
 *   of `closed`, `open`, `half-open`, else 0); `hystrix.error.percentage` (gauge, `%`): the rolling
 *   error percentage; `hystrix.queue.size` (gauge, `{call}`): calls waiting for a ticket; in a fleet
 *   (`hystrix-ts/redis`) only, `hystrix.fleet.local_mode` (gauge, 0 or 1: the circuit decides alone
 *   because Redis cannot be reached) and `hystrix.fleet.instances` (gauge): the fleet's live processes.
 *
 * The counters are asynchronous (totals kept per command, observed at collection); every event
 * of a command has a point from the command's first circuit on, at 0 until it happens. Circuits
 * that exist already are covered too. Collecting only reads circuits, never changes one.
 *
 * @throws TypeError for bad options.
 */
declare function registerOpenTelemetry(options?: OpenTelemetryOptions): OpenTelemetryExport;

export {
  ATTR_COMMAND,
  ATTR_EVENT,
  ATTR_STATE,
  type OpenTelemetryExport,
  type OpenTelemetryOptions,
  registerOpenTelemetry,
};
