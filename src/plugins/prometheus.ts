/**
 * Prometheus export for hystrix-ts (`hystrix-ts/prometheus`), on the user's prom-client registry:
 * counters of events and requests and histograms of durations, fed by a metric collector, and
 * gauges of the circuits, read at scrape time. No timers: nothing runs between scrapes.
 *
 * @packageDocumentation
 */
import {
  type CircuitBreaker,
  defaultHystrix,
  type EventType,
  type FallbackEventType,
  type Hystrix,
  type MetricCollector,
  type MetricResult,
} from 'hystrix-ts';
import {
  Counter,
  Gauge,
  Histogram,
  type Metric,
  type OpenMetricsContentType,
  type Registry,
} from 'prom-client';

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

/** What {@link registerPrometheus} returns. */
export interface PrometheusExport {
  /** The names of the metrics created on the registry. */
  readonly metricNames: readonly string[];
  /** Stops the export: removes the collector factory and the metrics. Idempotent. */
  unregister(): void;
}

/**
 * The default buckets of the duration histograms, in seconds: from 1 ms, below which a dependency
 * call is rarely worth a bucket, to 10 s, well past hystrix's default timeout of 1 s.
 */
export const DEFAULT_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]);

/** hystrix-go's event strings, exactly: the values of the `event` label. */
const EVENTS: readonly (EventType | FallbackEventType)[] = [
  'success',
  'failure',
  'rejected',
  'short-circuit',
  'timeout',
  'context_canceled',
  'context_deadline_exceeded',
  'fallback-success',
  'fallback-failure',
];

const STATES = ['closed', 'open', 'half-open'] as const;

const OPTION_KEYS = new Set(['registry', 'hystrix', 'prefix', 'buckets']);

// Prometheus metric names without the colon, which is reserved for recording rules.
const PREFIX = /^(?:[a-zA-Z_][a-zA-Z0-9_]*)?$/;

const WHERE = 'registerPrometheus(options)';

const EVENT_INDEX = new Map<string, number>(EVENTS.map((event, i) => [event, i]));

type CommandLabels = Readonly<Record<'command', string>>;
type EventLabels = Readonly<Record<'command' | 'event', string>>;

/** One command's label sets, and its counts that the next scrape adds to the counters. */
class Pending {
  readonly labels: CommandLabels;
  /** By index in EVENTS. */
  readonly eventLabels: readonly EventLabels[];
  requests = 0;
  /** By index in EVENTS. */
  readonly events = new Float64Array(EVENTS.length);

  constructor(command: string) {
    this.labels = Object.freeze({ command });
    this.eventLabels = EVENTS.map((event) => Object.freeze({ command, event }));
  }
}

/**
 * Exports the circuits of a hystrix registry to a prom-client registry. Every metric is labelled by
 * the command name (`command`); with the default prefix:
 *
 * - `hystrix_events_total{command,event}` (counter): executions by event, with hystrix-go's event
 *   strings (`success`, `failure`, `rejected`, `short-circuit`, `timeout`, `context_canceled`,
 *   `context_deadline_exceeded`, `fallback-success`, `fallback-failure`);
 * - `hystrix_requests_total{command}` (counter): executions of every kind;
 * - `hystrix_run_duration_seconds{command}` (histogram): how long `run` took, for runs that decided
 *   the outcome;
 * - `hystrix_total_duration_seconds{command}` (histogram): from the call to its outcome, fallback
 *   included;
 * - gauges read from the circuits at scrape time: `hystrix_circuit_open{command}` (0 or 1),
 *   `hystrix_circuit_state{command,state}` (1 for the current state of `closed`, `open`,
 *   `half-open`, else 0), `hystrix_concurrent_executions{command}`,
 *   `hystrix_concurrency_limit{command}` and `hystrix_error_percentage{command}` (the rolling error
 *   percentage, 0-100).
 *
 * Circuits that exist already are covered too. A scrape only reads circuits, never changes one.
 *
 * @throws TypeError for bad options; Error when a metric name is taken on the registry.
 */
export function registerPrometheus(options: PrometheusOptions): PrometheusExport {
  const { registry, hystrix, prefix, buckets } = checkOptions(options);
  const name = {
    events: `${prefix}events_total`,
    requests: `${prefix}requests_total`,
    runDuration: `${prefix}run_duration_seconds`,
    totalDuration: `${prefix}total_duration_seconds`,
    open: `${prefix}circuit_open`,
    state: `${prefix}circuit_state`,
    active: `${prefix}concurrent_executions`,
    limit: `${prefix}concurrency_limit`,
    errorPercentage: `${prefix}error_percentage`,
  };
  // Checked before anything is created, so that a clash leaves the registry as it was.
  for (const taken of Object.values(name)) {
    if (registry.getSingleMetric(taken) !== undefined) {
      throw new Error(
        `${WHERE}: a metric named ${taken} is already registered on this registry ` +
          '(register once per registry, or give another prefix)',
      );
    }
  }
  const byCommand = ['command'] as const;
  // Counts wait in `commands` and are added to the counters when a scrape reads them: a plain
  // increment per execution rather than two label lookups in prom-client.
  const commands = new Map<string, Pending>();
  const events: Counter<'command' | 'event'> = new Counter<'command' | 'event'>({
    name: name.events,
    help: 'Executions of hystrix commands by event (primary outcome, and fallback outcome if any).',
    labelNames: ['command', 'event'],
    registers: [],
    collect: () => {
      for (const pending of commands.values()) {
        const counts = pending.events;
        for (let i = 0; i < counts.length; i++) {
          if (counts[i] === 0) continue;
          events.inc(pending.eventLabels[i]!, counts[i]);
          counts[i] = 0;
        }
      }
    },
  });
  const requests: Counter<'command'> = new Counter<'command'>({
    name: name.requests,
    help: 'Executions of hystrix commands, of every kind.',
    labelNames: byCommand,
    registers: [],
    collect: () => {
      for (const pending of commands.values()) {
        if (pending.requests === 0) continue;
        requests.inc(pending.labels, pending.requests);
        pending.requests = 0;
      }
    },
  });
  const runDuration = new Histogram<'command'>({
    name: name.runDuration,
    help: 'How long run took, for the executions whose run finished and decided the outcome.',
    labelNames: byCommand,
    buckets: [...buckets],
    registers: [],
  });
  const totalDuration = new Histogram<'command'>({
    name: name.totalDuration,
    help: 'Time from the call to its outcome, fallback included, of every execution.',
    labelNames: byCommand,
    buckets: [...buckets],
    registers: [],
  });
  // Gauges are filled from the circuits on each scrape, so that a circuit forgotten by flush()
  // disappears and nothing needs updating between scrapes.
  const gauge = (
    metricName: string,
    help: string,
    read: (circuit: CircuitBreaker) => number,
  ): Gauge<'command'> => {
    const metric: Gauge<'command'> = new Gauge<'command'>({
      name: metricName,
      help,
      labelNames: byCommand,
      registers: [],
      collect: () => {
        metric.reset();
        for (const circuit of hystrix.getCircuits())
          metric.set({ command: circuit.name }, read(circuit));
      },
    });
    return metric;
  };
  const state: Gauge<'command' | 'state'> = new Gauge<'command' | 'state'>({
    name: name.state,
    help: 'The state of the circuit: 1 for the current one of closed, open, half-open, else 0.',
    labelNames: ['command', 'state'],
    registers: [],
    collect: () => {
      state.reset();
      for (const circuit of hystrix.getCircuits()) {
        const current = circuit.state;
        for (const s of STATES) {
          state.set({ command: circuit.name, state: s }, s === current ? 1 : 0);
        }
      }
    },
  });
  const registered: [string, Metric][] = [
    [name.events, events],
    [name.requests, requests],
    [name.runDuration, runDuration],
    [name.totalDuration, totalDuration],
    [
      name.open,
      gauge(
        name.open,
        'Whether the circuit is open (1), half-open included, or closed (0).',
        (c) => (c.isOpen() ? 1 : 0),
      ),
    ],
    [name.state, state],
    [
      name.active,
      gauge(name.active, 'Runs in flight now (tickets in use).', (c) => c.pool.activeCount),
    ],
    [
      name.limit,
      gauge(name.limit, 'The concurrency limit (maxConcurrentRequests).', (c) => c.pool.max),
    ],
    [
      name.errorPercentage,
      gauge(
        name.errorPercentage,
        'The error percentage over the rolling window, rounded as health is judged (0-100).',
        // The default collector's own figure, the one health is judged on; cheaper than stats().
        (c) => c.metricCollector.errorPercent(),
      ),
    ],
  ];
  for (const [, metric] of registered) registry.registerMetric(metric);

  let live = true;
  const count = (pending: Pending, event: string): void => {
    const i = EVENT_INDEX.get(event);
    if (i !== undefined) pending.events[i]!++;
    // An event the core may add one day gets its own series rather than a wrong one.
    else events.inc({ command: pending.labels.command, event }, 1);
  };
  const factory = (command: string): MetricCollector => {
    // One entry per name, shared by the circuits of that name (flush() makes new ones): a name seen
    // before keeps its series, since zeroing a histogram again would rewind it.
    let pending = commands.get(command);
    if (pending === undefined) {
      pending = new Pending(command);
      commands.set(command, pending);
      // Series at 0 from the start, so that rate() sees the first increment.
      requests.inc(pending.labels, 0);
      for (const eventLabels of pending.eventLabels) events.inc(eventLabels, 0);
      runDuration.zero(pending.labels);
      totalDuration.zero(pending.labels);
    }
    const mine = pending;
    const labels = pending.labels;
    return {
      update(result: MetricResult): void {
        if (!live) return;
        mine.requests += result.attempts;
        count(mine, result.event);
        if (result.fallbackEvent !== undefined) count(mine, result.fallbackEvent);
        if (result.runDuration !== undefined)
          runDuration.observe(labels, result.runDuration / 1000);
        totalDuration.observe(labels, result.totalDuration / 1000);
      },
      reset(): void {
        // Counters only go up: a circuit's reset (closed again, or flushed) must not rewind them.
      },
    };
  };
  let removeFactory: () => void;
  try {
    removeFactory = hystrix.metricCollectors.register(factory);
  } catch (error: unknown) {
    removeMetrics(registry, registered);
    throw error;
  }
  return {
    metricNames: Object.freeze(registered.map(([metricName]) => metricName)),
    unregister(): void {
      if (!live) return;
      live = false;
      removeFactory();
      removeMetrics(registry, registered);
    },
  };
}

/**
 * Removes our metrics, and only ours: another metric of the same name registered since stays. By
 * the names they were registered under: an OpenMetrics registry renames counters while it
 * serializes them.
 */
function removeMetrics(registry: PrometheusRegistry, metrics: readonly [string, Metric][]): void {
  for (const [name, metric] of metrics) {
    if (registry.getSingleMetric(name) === metric) registry.removeSingleMetric(name);
  }
}

function checkOptions(options: unknown): {
  registry: PrometheusRegistry;
  hystrix: Hystrix;
  prefix: string;
  buckets: readonly number[];
} {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${WHERE}: options must be an object such as { registry }`);
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) {
      throw new TypeError(
        `${WHERE}: unknown option '${key}' (known: registry, hystrix, prefix, buckets)`,
      );
    }
  }
  const {
    registry,
    hystrix = defaultHystrix,
    prefix = 'hystrix_',
    buckets = DEFAULT_DURATION_BUCKETS,
  } = options as Record<string, unknown>;
  if (!isRegistry(registry)) {
    throw new TypeError(
      `${WHERE}: options.registry must be a prom-client Registry (new Registry(), or ` +
        `prom-client's register), got ${describe(registry)}`,
    );
  }
  if (!isHystrix(hystrix)) {
    throw new TypeError(`${WHERE}: options.hystrix must be a Hystrix, got ${describe(hystrix)}`);
  }
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

// Duck-typed, so that a Hystrix from another copy of the core (ESM and CommonJS in one process) is
// accepted.
function isHystrix(value: unknown): value is Hystrix {
  const h = value as Partial<Hystrix> | null;
  return (
    typeof h === 'object' &&
    h !== null &&
    typeof h.getCircuits === 'function' &&
    typeof h.metricCollectors === 'object' &&
    typeof (h.metricCollectors as { register?: unknown } | null)?.register === 'function'
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

/** A value as an error message shows it: strings and numbers as they are, else their type. */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return String(value);
  return describe(value);
}
