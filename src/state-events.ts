import { describeError } from './errors.js';
import { catchRejection } from './thenable.js';

/** A circuit's state as state events name it: its own state, or the one forced on it. */
export type CircuitStateName = 'closed' | 'open' | 'half-open' | 'forced-open' | 'forced-closed';

/**
 * Why a circuit changed state:
 * - `thresholds`: the window's volume reached `requestVolumeThreshold` and its error percentage
 *   `errorPercentThreshold` (hystrix-go's rule);
 * - `consecutive-failures`: `consecutiveFailures` failures or timeouts in a row;
 * - `slow-calls`: with the volume reached, the share of slow calls reached `slowCallPercentThreshold`;
 * - `sleep-window`: the sleep window ended, probes are let through (half-open);
 * - `probe-failed`: a probe failed, so the circuit opens again;
 * - `probes-succeeded`: every probe succeeded, so the circuit closes;
 * - `forced`: `forceOpen(true)` or `forceClosed(true)`;
 * - `unforced`: forcing was lifted, and the circuit's own state shows again;
 * - `fleet`: another process of the fleet (`hystrix-ts/redis`) opened or closed the circuit, or took over the
 *   probe.
 */
export type StateChangeReason =
  | 'thresholds'
  | 'consecutive-failures'
  | 'slow-calls'
  | 'sleep-window'
  | 'probe-failed'
  | 'probes-succeeded'
  | 'forced'
  | 'unforced'
  | 'fleet';

/** The figures of the rolling window when the state changed: what the decision was made on. */
export interface StateChangeFigures {
  /** Requests in the window (bad requests and rate-limited calls are not). */
  readonly requests: number;
  /** Errors in the window. */
  readonly errors: number;
  /** The rounded error percentage. */
  readonly errorPercent: number;
  /** Slow calls in the window (0 unless `slowCallDuration` is set). */
  readonly slowCalls: number;
  /** Failures and timeouts in a row, up to this change. */
  readonly consecutiveFailures: number;
}

/** A circuit changed state. */
export interface CircuitStateChange {
  /** The command name. */
  readonly name: string;
  /** The state before. */
  readonly from: CircuitStateName;
  /** The state now. */
  readonly to: CircuitStateName;
  /** Why. */
  readonly reason: StateChangeReason;
  /** The window's figures at the change. */
  readonly figures: StateChangeFigures;
  /** When, in the registry's time (epoch milliseconds, monotonic). */
  readonly at: number;
}

/** The registry was closed (`close()` was called). */
export interface RegistryClosed {
  /** When, in the registry's time. */
  readonly at: number;
}

/** What a registry tells its listeners, by event name. */
export interface HystrixEvents {
  /** A circuit changed state. */
  state: CircuitStateChange;
  /** The registry was closed. */
  close: RegistryClosed;
}

/** A listener of one kind of event. */
export type HystrixListener<K extends keyof HystrixEvents> = (event: HystrixEvents[K]) => unknown;

type ErrorLog = (message: string) => void;

/**
 * @internal The listeners of one registry. Nothing is built for an event nobody listens to: the circuits ask
 * {@link EventHub.listensTo} first. A listener that throws (or whose promise rejects) is logged and isolated, like a
 * collector: the others still hear of the event and no command is affected.
 */
type AnyListener = (event: never) => unknown;

export class EventHub {
  // A new list on each change: an emit under way goes on over the list it started with.
  private readonly lists = new Map<keyof HystrixEvents, readonly AnyListener[]>([
    ['state', []],
    ['close', []],
  ]);
  /** Whether anyone listens to state changes: read on every state change, so kept at hand. */
  listensToState = false;

  constructor(private readonly logError: ErrorLog) {}

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof HystrixEvents>(type: K, listener: HystrixListener<K>): () => void {
    this.update(type, (list) => [...list, listener]);
    return () => {
      this.update(type, (list) => list.filter((l) => l !== listener));
    };
  }

  /** Tells every listener of `type`. */
  emit<K extends keyof HystrixEvents>(type: K, event: HystrixEvents[K]): void {
    const failed = (error: unknown): void => {
      this.logError(`hystrix: a '${type}' listener failed: ${describeError(error)}`);
    };
    for (const listener of this.lists.get(type) ?? []) {
      try {
        catchRejection((listener as HystrixListener<K>)(event), failed);
      } catch (error: unknown) {
        failed(error);
      }
    }
  }

  private update(
    type: keyof HystrixEvents,
    change: (list: readonly AnyListener[]) => readonly AnyListener[],
  ): void {
    this.lists.set(type, change(this.lists.get(type) ?? []));
    this.listensToState = (this.lists.get('state') ?? []).length !== 0;
  }
}
