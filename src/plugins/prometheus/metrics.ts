import type { CircuitBreaker, Hystrix } from 'hystrix-ts';
import { Counter, Gauge, Histogram, type Metric } from 'prom-client';
import { CIRCUIT_STATES } from '../shared/events.js';
import { type CheckedPrometheusOptions, WHERE } from './options.js';
import type { Pending } from './pending.js';

/** The metrics of one export, made but not yet registered. */
export interface PrometheusMetrics {
  /** Executions by command and event. */
  readonly events: Counter<'command' | 'event'>;
  /** Executions by command. */
  readonly requests: Counter<'command'>;
  /** Slow calls (see `slowCallDuration`) by command. */
  readonly slowCalls: Counter<'command'>;
  /** Retries, hedges and hedges that won, by command. */
  readonly attempts: readonly Counter<'command'>[];
  /** How long `run` took, in seconds. */
  readonly runDuration: Histogram<'command'>;
  /** From the call to its outcome, in seconds. */
  readonly totalDuration: Histogram<'command'>;
  /** Every metric, with the name it is to be registered under. */
  readonly registered: [string, Metric][];
}

/**
 * Makes the metrics of an export, named with its prefix. The counters add the counts waiting in `commands`
 * when scraped; the gauges read `hystrix`'s circuits when scraped.
 *
 * @throws Error when a metric name is taken on the registry, before anything is made.
 */
export function createMetrics(
  { registry, hystrix, prefix, buckets }: CheckedPrometheusOptions,
  commands: ReadonlyMap<string, Pending>,
): PrometheusMetrics {
  const name = {
    events: `${prefix}events_total`,
    requests: `${prefix}requests_total`,
    slowCalls: `${prefix}slow_calls_total`,
    retries: `${prefix}retries_total`,
    hedges: `${prefix}hedges_total`,
    hedgeWins: `${prefix}hedge_wins_total`,
    runDuration: `${prefix}run_duration_seconds`,
    totalDuration: `${prefix}total_duration_seconds`,
    open: `${prefix}circuit_open`,
    state: `${prefix}circuit_state`,
    active: `${prefix}concurrent_executions`,
    limit: `${prefix}concurrency_limit`,
    errorPercentage: `${prefix}error_percentage`,
    queue: `${prefix}queue_size`,
    fleetLocalMode: `${prefix}fleet_local_mode`,
    fleetInstances: `${prefix}fleet_instances`,
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
  const events: Counter<'command' | 'event'> = new Counter<'command' | 'event'>({
    name: name.events,
    help: 'Executions of hystrix commands by event (primary outcome, and fallback outcome if any).',
    labelNames: ['command', 'event'],
    registers: [],
    collect: () => {
      for (const pending of commands.values()) {
        const counts = pending.events;
        for (const [i, labels] of pending.eventLabels.entries()) {
          const n = counts[i];
          if (n === undefined || n === 0) continue;
          events.inc(labels, n);
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
  const slowCalls: Counter<'command'> = new Counter<'command'>({
    name: name.slowCalls,
    help: 'Runs at least slowCallDuration long (a timeout too, when the timeout is), success or not.',
    labelNames: byCommand,
    registers: [],
    collect: () => {
      for (const pending of commands.values()) {
        if (pending.slowCalls === 0) continue;
        slowCalls.inc(pending.labels, pending.slowCalls);
        pending.slowCalls = 0;
      }
    },
  });
  const pendingCounter = (
    metricName: string,
    help: string,
    key: 'retries' | 'hedges' | 'hedgeWins',
  ): Counter<'command'> => {
    const counter: Counter<'command'> = new Counter<'command'>({
      name: metricName,
      help,
      labelNames: byCommand,
      registers: [],
      collect: () => {
        for (const pending of commands.values()) {
          if (pending[key] === 0) continue;
          counter.inc(pending.labels, pending[key]);
          pending[key] = 0;
        }
      },
    });
    return counter;
  };
  const retries = pendingCounter(
    name.retries,
    'Executions that retried a call after a failure or a timeout (retryAttempts).',
    'retries',
  );
  const hedges = pendingCounter(
    name.hedges,
    'Hedges: executions started because a call had not answered within the hedge delay.',
    'hedges',
  );
  const hedgeWins = pendingCounter(
    name.hedgeWins,
    'Hedges whose success answered their call.',
    'hedgeWins',
  );
  const attempts = [retries, hedges, hedgeWins];
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
  const state: Gauge<'command' | 'state'> = new Gauge<'command' | 'state'>({
    name: name.state,
    help: 'The state of the circuit: 1 for the current one of closed, open, half-open, else 0.',
    labelNames: ['command', 'state'],
    registers: [],
    collect: () => {
      state.reset();
      for (const circuit of hystrix.getCircuits()) {
        const current = circuit.state;
        for (const s of CIRCUIT_STATES) {
          state.set({ command: circuit.name, state: s }, s === current ? 1 : 0);
        }
      }
    },
  });
  const registered: [string, Metric][] = [
    [name.events, events],
    [name.requests, requests],
    [name.slowCalls, slowCalls],
    [name.retries, retries],
    [name.hedges, hedges],
    [name.hedgeWins, hedgeWins],
    [name.runDuration, runDuration],
    [name.totalDuration, totalDuration],
    [
      name.open,
      circuitGauge(
        hystrix,
        name.open,
        'Whether the circuit is open (1), half-open included, or closed (0).',
        (c) => (c.isOpen() ? 1 : 0),
      ),
    ],
    [name.state, state],
    [
      name.active,
      circuitGauge(
        hystrix,
        name.active,
        'Runs in flight now (tickets in use).',
        (c) => c.pool.activeCount,
      ),
    ],
    [
      name.limit,
      circuitGauge(
        hystrix,
        name.limit,
        'The concurrency limit in force (maxConcurrentRequests, or its adaptive limit).',
        (c) => c.pool.max,
      ),
    ],
    [
      name.errorPercentage,
      circuitGauge(
        hystrix,
        name.errorPercentage,
        'The error percentage over the rolling window, rounded as health is judged (0-100).',
        // The default collector's own figure, the one health is judged on; cheaper than stats().
        (c) => c.metricCollector.errorPercent(),
      ),
    ],
    [
      name.queue,
      circuitGauge(
        hystrix,
        name.queue,
        'Calls waiting in the queue for a ticket now (maxQueueSize).',
        // The queue's length is public only through stats(), which reads and changes nothing.
        (c) => c.stats().queueSize,
      ),
    ],
    [
      name.fleetLocalMode,
      circuitGauge(
        hystrix,
        name.fleetLocalMode,
        'In a fleet (hystrix-ts/redis): 1 while the circuit decides alone because Redis cannot be reached, else 0.',
        (c) => {
          const fleet = c.stats().fleet;
          return fleet === null ? null : fleet.localMode ? 1 : 0;
        },
      ),
    ],
    [
      name.fleetInstances,
      circuitGauge(
        hystrix,
        name.fleetInstances,
        "In a fleet (hystrix-ts/redis): the fleet's processes seen alive at the last sync.",
        (c) => c.stats().fleet?.instances ?? null,
      ),
    ],
  ];
  return { events, requests, slowCalls, attempts, runDuration, totalDuration, registered };
}

/**
 * A gauge by command, filled from the circuits on each scrape, so that a circuit forgotten by flush()
 * disappears and nothing needs updating between scrapes. A circuit the figure does not apply to (null) has no
 * sample.
 */
function circuitGauge(
  hystrix: Hystrix,
  metricName: string,
  help: string,
  read: (circuit: CircuitBreaker) => number | null,
): Gauge<'command'> {
  const metric: Gauge<'command'> = new Gauge<'command'>({
    name: metricName,
    help,
    labelNames: ['command'] as const,
    registers: [],
    collect: () => {
      metric.reset();
      for (const circuit of hystrix.getCircuits()) {
        const value = read(circuit);
        if (value !== null) metric.set({ command: circuit.name }, value);
      }
    },
  });
  return metric;
}
