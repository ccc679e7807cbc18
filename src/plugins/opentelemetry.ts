/**
 * OpenTelemetry export for hystrix-ts (`hystrix-ts/opentelemetry`), through `@opentelemetry/api`
 * only: counts and durations fed by a metric collector, and the circuits' state read when the SDK
 * collects. No timers: the SDK's reader decides when to read.
 *
 * @packageDocumentation
 * @module hystrix-ts/opentelemetry
 */
import {
  type Attributes,
  type BatchObservableResult,
  type Meter,
  metrics,
  type Observable,
  ValueType,
} from '@opentelemetry/api';
import { defaultHystrix, type Hystrix, type MetricCollector, type MetricResult } from 'hystrix-ts';
import { describeValue } from 'hystrix-ts/internal';
import { CIRCUIT_STATES, countEvent, EVENTS } from './shared/events.js';
import { checkHystrixOption, checkOptionsObject } from './shared/option-checks.js';

/** Options of {@link registerOpenTelemetry}. */
export interface OpenTelemetryOptions {
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
export interface OpenTelemetryExport {
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
export const ATTR_COMMAND = 'hystrix.command';
/** The attribute holding hystrix-go's event string, on the events counter. */
export const ATTR_EVENT = 'hystrix.event';
/** The attribute holding a state (`closed`, `open`, `half-open`), on the circuit state gauge. */
export const ATTR_STATE = 'hystrix.circuit.state';

/** One command's attributes and its counts since the export began. */
class Totals {
  readonly attributes: Attributes;
  /** By index in EVENTS. */
  readonly eventAttributes: readonly Attributes[];
  requests = 0;
  slowCalls = 0;
  retries = 0;
  hedges = 0;
  hedgeWins = 0;
  /** By index in EVENTS. */
  readonly events = new Float64Array(EVENTS.length);
  /** Events the core may add one day: their own attributes rather than wrong ones. */
  other: Map<string, number> | null = null;

  constructor(readonly command: string) {
    this.attributes = Object.freeze({ [ATTR_COMMAND]: command });
    this.eventAttributes = EVENTS.map((event) =>
      Object.freeze({ [ATTR_COMMAND]: command, [ATTR_EVENT]: event }),
    );
  }

  count(event: string): void {
    if (!countEvent(this.events, event))
      (this.other ??= new Map()).set(event, (this.other.get(event) ?? 0) + 1);
  }
}

const OPTION_KEYS = new Set(['meter', 'hystrix', 'prefix']);

// The API's instrument name syntax (the SDK drops instruments whose names do not match it).
const INSTRUMENT_NAME = /^[A-Za-z][A-Za-z0-9_./-]{0,254}$/;

const SUFFIXES = {
  events: 'events',
  requests: 'requests',
  slowCalls: 'slow.calls',
  retries: 'retries',
  hedges: 'hedges',
  hedgeWins: 'hedge.wins',
  runDuration: 'run.duration',
  totalDuration: 'total.duration',
  active: 'executions.active',
  limit: 'executions.limit',
  open: 'circuit.open',
  state: 'circuit.state',
  errorPercentage: 'error.percentage',
  queue: 'queue.size',
  fleetLocalMode: 'fleet.local_mode',
  fleetInstances: 'fleet.instances',
} as const;

const WHERE = 'registerOpenTelemetry(options)';

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
export function registerOpenTelemetry(options: OpenTelemetryOptions = {}): OpenTelemetryExport {
  const { meter, hystrix, prefix } = checkOptions(options);
  const name = (suffix: string): string => prefix + suffix;
  // Events and requests are counted here and observed as totals: a plain increment per execution,
  // where a synchronous counter would hash its attributes on every add.
  const events = meter.createObservableCounter(name(SUFFIXES.events), {
    description:
      'Executions of hystrix commands by event (primary outcome, and the fallback outcome).',
    unit: '{event}',
    valueType: ValueType.INT,
  });
  const requests = meter.createObservableCounter(name(SUFFIXES.requests), {
    description: 'Executions of hystrix commands, of every kind.',
    unit: '{request}',
    valueType: ValueType.INT,
  });
  const slowCalls = meter.createObservableCounter(name(SUFFIXES.slowCalls), {
    description:
      'Runs at least slowCallDuration long (a timeout too, when the timeout is), success or not.',
    unit: '{call}',
    valueType: ValueType.INT,
  });
  const retries = meter.createObservableCounter(name(SUFFIXES.retries), {
    description: 'Executions that retried a call after a failure or a timeout (retryAttempts).',
    unit: '{execution}',
    valueType: ValueType.INT,
  });
  const hedges = meter.createObservableCounter(name(SUFFIXES.hedges), {
    description:
      'Hedges: executions started because a call had not answered within the hedge delay.',
    unit: '{execution}',
    valueType: ValueType.INT,
  });
  const hedgeWins = meter.createObservableCounter(name(SUFFIXES.hedgeWins), {
    description: 'Hedges whose success answered their call.',
    unit: '{execution}',
    valueType: ValueType.INT,
  });
  const runDuration = meter.createHistogram(name(SUFFIXES.runDuration), {
    description:
      'How long run took, for the executions whose run finished and decided the outcome.',
    unit: 'ms',
  });
  const totalDuration = meter.createHistogram(name(SUFFIXES.totalDuration), {
    description: 'Time from the call to its outcome, fallback included, of every execution.',
    unit: 'ms',
  });
  // Runs in flight are read from the pools rather than counted up and down here: a collector only
  // hears of an execution when it ends, and a reading cannot drift.
  const active = meter.createObservableUpDownCounter(name(SUFFIXES.active), {
    description: 'Runs in flight now (tickets in use).',
    unit: '{execution}',
    valueType: ValueType.INT,
  });
  const limit = meter.createObservableGauge(name(SUFFIXES.limit), {
    description: 'The concurrency limit in force (maxConcurrentRequests, or its adaptive limit).',
    unit: '{execution}',
    valueType: ValueType.INT,
  });
  const open = meter.createObservableGauge(name(SUFFIXES.open), {
    description: 'Whether the circuit is open (1), half-open included, or closed (0).',
    unit: '1',
    valueType: ValueType.INT,
  });
  const state = meter.createObservableGauge(name(SUFFIXES.state), {
    description:
      'The state of the circuit: 1 for the current one of closed, open, half-open, else 0.',
    unit: '1',
    valueType: ValueType.INT,
  });
  const errorPercentage = meter.createObservableGauge(name(SUFFIXES.errorPercentage), {
    description:
      'The error percentage over the rolling window, rounded as health is judged (0-100).',
    unit: '%',
    valueType: ValueType.INT,
  });
  const queue = meter.createObservableGauge(name(SUFFIXES.queue), {
    description: 'Calls waiting in the queue for a ticket now (maxQueueSize).',
    unit: '{call}',
    valueType: ValueType.INT,
  });
  const fleetLocalMode = meter.createObservableGauge(name(SUFFIXES.fleetLocalMode), {
    description:
      'In a fleet (hystrix-ts/redis): 1 while the circuit decides alone because Redis cannot be reached, else 0.',
    unit: '1',
    valueType: ValueType.INT,
  });
  const fleetInstances = meter.createObservableGauge(name(SUFFIXES.fleetInstances), {
    description:
      "In a fleet (hystrix-ts/redis): the fleet's processes seen alive at the last sync.",
    unit: '{process}',
    valueType: ValueType.INT,
  });
  const observables: Observable[] = [
    events,
    requests,
    slowCalls,
    retries,
    hedges,
    hedgeWins,
    active,
    limit,
    open,
    state,
    errorPercentage,
    queue,
    fleetLocalMode,
    fleetInstances,
  ];
  // One entry per name, shared by the circuits of that name (flush() makes new ones), so that the
  // totals never go back.
  const commands = new Map<string, Totals>();
  // One callback for all observables: the circuits are listed once per collection.
  const observe = (result: BatchObservableResult): void => {
    for (const totals of commands.values()) {
      result.observe(requests, totals.requests, totals.attributes);
      result.observe(slowCalls, totals.slowCalls, totals.attributes);
      result.observe(retries, totals.retries, totals.attributes);
      result.observe(hedges, totals.hedges, totals.attributes);
      result.observe(hedgeWins, totals.hedgeWins, totals.attributes);
      const counts = totals.events;
      for (const [i, n] of counts.entries()) {
        result.observe(events, n, totals.eventAttributes[i]);
      }
      if (totals.other !== null) {
        for (const [event, n] of totals.other) {
          result.observe(events, n, { [ATTR_COMMAND]: totals.command, [ATTR_EVENT]: event });
        }
      }
    }
    for (const circuit of hystrix.getCircuits()) {
      const attributes: Attributes = { [ATTR_COMMAND]: circuit.name };
      result.observe(active, circuit.pool.activeCount, attributes);
      result.observe(limit, circuit.pool.max, attributes);
      result.observe(open, circuit.isOpen() ? 1 : 0, attributes);
      const current = circuit.state;
      for (const s of CIRCUIT_STATES) {
        result.observe(state, s === current ? 1 : 0, {
          [ATTR_COMMAND]: circuit.name,
          [ATTR_STATE]: s,
        });
      }
      // The default collector's own figure, the one health is judged on; cheaper than stats().
      result.observe(errorPercentage, circuit.metricCollector.errorPercent(), attributes);
      // The queue's length is public only through stats(), which reads and changes nothing.
      const stats = circuit.stats();
      result.observe(queue, stats.queueSize, attributes);
      if (stats.fleet !== null) {
        result.observe(fleetLocalMode, stats.fleet.localMode ? 1 : 0, attributes);
        result.observe(fleetInstances, stats.fleet.instances, attributes);
      }
    }
  };

  let live = true;
  const factory = (command: string): MetricCollector => {
    let found = commands.get(command);
    if (found === undefined) {
      found = new Totals(command);
      commands.set(command, found);
    }
    const totals = found;
    const attributes = totals.attributes;
    return {
      update(result: MetricResult): void {
        if (!live) return;
        totals.requests += result.attempts;
        totals.slowCalls += result.slowCalls;
        totals.retries += result.retries;
        totals.hedges += result.hedges;
        totals.hedgeWins += result.hedgeWins;
        totals.count(result.event);
        if (result.fallbackEvent !== undefined) totals.count(result.fallbackEvent);
        if (result.runDuration !== undefined) runDuration.record(result.runDuration, attributes);
        totalDuration.record(result.totalDuration, attributes);
      },
      reset(): void {
        // Counters only go up: a circuit's reset (closed again, or flushed) must not rewind them.
      },
    };
  };

  meter.addBatchObservableCallback(observe, observables);
  let removeFactory: () => void;
  try {
    removeFactory = hystrix.metricCollectors.register(factory);
  } catch (error: unknown) {
    meter.removeBatchObservableCallback(observe, observables);
    throw error;
  }
  return {
    instrumentNames: Object.freeze(Object.values(SUFFIXES).map(name)),
    unregister(): void {
      if (!live) return;
      live = false;
      removeFactory();
      meter.removeBatchObservableCallback(observe, observables);
    },
  };
}

function checkOptions(options: unknown): { meter: Meter; hystrix: Hystrix; prefix: string } {
  const given = checkOptionsObject(WHERE, options, {
    known: OPTION_KEYS,
    example: '{ meter }',
    refuseArrays: false,
  });
  const { hystrix: hystrixOption = defaultHystrix, prefix = 'hystrix.' } = given;
  // The global meter is looked up only when none is given, and now rather than at import: the
  // application may set its MeterProvider after importing this module.
  const meter = given['meter'] === undefined ? metrics.getMeter('hystrix-ts') : given['meter'];
  if (!isMeter(meter)) {
    throw new TypeError(
      `${WHERE}: options.meter must be an OpenTelemetry Meter (metrics.getMeter(name)), ` +
        `got ${describeValue(meter)}`,
    );
  }
  const hystrix = checkHystrixOption(WHERE, hystrixOption, ['getCircuits']);
  if (
    typeof prefix !== 'string' ||
    !Object.values(SUFFIXES).every((suffix) => INSTRUMENT_NAME.test(prefix + suffix))
  ) {
    throw new TypeError(
      `${WHERE}: options.prefix must make valid instrument names (a letter first, then ` +
        `letters, digits, '_', '.', '-' or '/', 255 characters at most), got ` +
        (typeof prefix === 'string' ? JSON.stringify(prefix) : describeValue(prefix)),
    );
  }
  return { meter, hystrix, prefix };
}

const METER_METHODS = [
  'createObservableCounter',
  'createHistogram',
  'createObservableUpDownCounter',
  'createObservableGauge',
  'addBatchObservableCallback',
  'removeBatchObservableCallback',
] as const;

function isMeter(value: unknown): value is Meter {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return METER_METHODS.every((method) => typeof m[method] === 'function');
}
