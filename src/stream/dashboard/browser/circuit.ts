/**
 * What the page knows of one circuit: the figures from the stream's latest messages, its sparkline's points, and
 * its card once drawn.
 */
import type { Card } from './card.js';

/** A circuit's state, as the extended stream names it. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** Whether a message's value is a circuit state. */
export function isCircuitState(value: unknown): value is CircuitState {
  return value === 'closed' || value === 'open' || value === 'half-open';
}

/** Counts shown as they are, each in the element whose data-field is its name. */
export const COUNTS = [
  'successes',
  'shortCircuits',
  'timeouts',
  'rejects',
  'failures',
  'fallbackSuccesses',
  'fallbackFailures',
  'contextCanceled',
  'contextDeadlineExceeded',
  'badRequests',
  'rateLimited',
  'slowCalls',
  'queueSize',
  'maxQueueSize',
  'requests',
  'activeCount',
  'maxConcurrent',
  'maxActive',
  'executed',
] as const;

/**
 * Counts of retries and hedging, from the extended stream: shown in a row of their own, built only for a command
 * that retries or hedges, so that the other cards cost no more DOM.
 */
export const ATTEMPT_COUNTS = ['retries', 'hedges', 'hedgeWins'] as const;

/** One of {@link ATTEMPT_COUNTS}. */
export type AttemptCount = (typeof ATTEMPT_COUNTS)[number];

/** One of {@link COUNTS}. */
export type Count = (typeof COUNTS)[number];

/** The latency figures shown, for the whole call and for the run alone. */
export const LATENCIES = ['mean', 'p90', 'p99', 'p99_5'] as const;

/** One of {@link LATENCIES}. */
export type Latency = (typeof LATENCIES)[number];

/** A circuit's latency figures, in milliseconds. */
export type Latencies = Record<Latency, number>;

/** One process's row under a fleet circuit's card. */
export interface HostRow {
  /** The process's id in the fleet: any string, shown as text only. */
  readonly host: string;
  readonly state: CircuitState;
  readonly requests: number;
  readonly errorPercent: number;
  /** Total latency, in milliseconds. */
  readonly mean: number;
  readonly p99: number;
}

/** How many of a fleet's hosts are in each state. */
export type StateCounts = Record<CircuitState, number>;

/** One circuit on the board. */
export interface Circuit extends Record<Count | AttemptCount, number> {
  /** Any string (`__proto__` included): it keys a Map and reaches the DOM only as text and attribute values. */
  readonly name: string;
  /** The name in lower case, which the filter matches. */
  readonly lower: string;
  /** Its card, built when it is first drawn. */
  card: Card | null;
  /** Whether an extended message has been seen: then it alone sets the figures. */
  extended: boolean;
  state: CircuitState;
  forcedOpen: boolean;
  forcedClosed: boolean;
  /** The rolling window, in milliseconds. */
  window: number;
  errorPercent: number;
  /** The command's attempts a call (1: no retry) and hedged attempts (1: no hedging), as the stream sends them. */
  retryAttempts: number;
  hedgeMaxAttempts: number;
  total: Latencies;
  run: Latencies;
  /** The sparkline's points, oldest first. */
  readonly spark: SparkPoint[];
  /** The processes behind the figures: 1 for one process's stream, more for a fleet's. */
  reportingHosts: number;
  /** Of a fleet, how many hosts are in each state; `null` for one process's stream. */
  states: StateCounts | null;
  /** Of a fleet, a row per host, in the stream's order. */
  hosts: readonly HostRow[];
  /** An adaptive limit's algorithm and bounds, such as `gradient2 5-200`; empty for a fixed limit. */
  adaptive: string;
}

/** A point of the sparkline. */
export interface SparkPoint {
  /** The stream's time of the message. */
  readonly t: number;
  /** The request rate it gave, per second. */
  readonly rate: number;
}

/** A circuit with no figures yet. */
export function newCircuit(name: string): Circuit {
  return {
    name,
    lower: name.toLowerCase(),
    card: null,
    extended: false,
    state: 'closed',
    forcedOpen: false,
    forcedClosed: false,
    window: 10000,
    requests: 0,
    errorPercent: 0,
    successes: 0,
    shortCircuits: 0,
    timeouts: 0,
    rejects: 0,
    failures: 0,
    fallbackSuccesses: 0,
    fallbackFailures: 0,
    contextCanceled: 0,
    contextDeadlineExceeded: 0,
    badRequests: 0,
    rateLimited: 0,
    slowCalls: 0,
    queueSize: 0,
    maxQueueSize: 0,
    activeCount: 0,
    maxConcurrent: 0,
    maxActive: 0,
    executed: 0,
    retries: 0,
    hedges: 0,
    hedgeWins: 0,
    retryAttempts: 1,
    hedgeMaxAttempts: 1,
    total: { mean: 0, p90: 0, p99: 0, p99_5: 0 },
    run: { mean: 0, p90: 0, p99: 0, p99_5: 0 },
    spark: [],
    reportingHosts: 1,
    states: null,
    hosts: [],
    adaptive: '',
  };
}
