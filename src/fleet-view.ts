import { BAD_REQUEST, type EventCode, IS_ERROR } from './events.js';
import type { RateLimiter } from './policies/token-bucket.js';
import type { ExecutorPool } from './pool.js';
import type { Settings } from './settings.js';

/**
 * The fleet part of a circuit's stats, when its registry has joined a fleet (`hystrix-ts/redis`): what the
 * processes of the service see together, as of this process's last sync with the fleet.
 */
export interface FleetStats {
  /** The fleet's name. */
  readonly fleet: string;
  /**
   * True while the fleet cannot be reached: the circuit decides from this process's own window, and each fleet
   * limit is shared out by the last known number of processes.
   */
  readonly localMode: boolean;
  /** Processes of the fleet seen alive at the last sync (1 before the first). */
  readonly instances: number;
  /** The fleet's requests in the rolling window (this process's since its last sync included). */
  readonly requests: number;
  /** The fleet's errors in the rolling window. */
  readonly errors: number;
  /** The fleet's error percentage, rounded, as health is judged. */
  readonly errorPercent: number;
  /** True while this process holds the fleet's probe of a half-open circuit. */
  readonly probing: boolean;
  /** The fleet-wide concurrency limit (`fleetMaxConcurrentRequests`), 0 for none. */
  readonly maxConcurrentRequests: number;
  /** This process's share of it now: the tickets it may use. */
  readonly leasedConcurrentRequests: number;
  /** The fleet-wide rate limit (`fleetMaxRequestsPerSecond`), 0 for none. */
  readonly maxRequestsPerSecond: number;
  /** Tokens of the fleet's rate limit this process holds now. */
  readonly leasedTokens: number;
}

/**
 * The fleet's window of one circuit as its metric exchange sees it: the fleet's totals at the last
 * sync, plus what this process recorded since. The exchange judges health from it while `joined`; in local mode
 * it judges from the process's own window, which is always kept.
 */
export class SharedWindow {
  /** False in local mode: the fleet's figures are not used. */
  joined = false;
  /** The fleet's requests in the window at the last sync. */
  requests = 0;
  /** The fleet's errors in the window at the last sync. */
  errors = 0;
  /** The fleet's slow calls in the window at the last sync. */
  slow = 0;
  /** Requests recorded here and not yet sent to the fleet. */
  pendingRequests = 0;
  /** Errors recorded here and not yet sent. */
  pendingErrors = 0;
  /** Slow calls recorded here and not yet sent. */
  pendingSlow = 0;

  /** @internal Counts one execution toward the fleet (the default collector's rules: bad requests are not requests). */
  count(event: EventCode, slow: boolean): void {
    if (event >= BAD_REQUEST) return;
    this.pendingRequests++;
    if (IS_ERROR[event]) this.pendingErrors++;
    if (slow) this.pendingSlow++;
  }
}

/** What a circuit asks of the fleet it belongs to, off the hot path. */
export interface CircuitFleet {
  /** The window the exchange judges health from. */
  readonly window: SharedWindow;
  /** Whether this process may turn the open circuit half-open and probe: it holds the fleet's probe. */
  mayProbe(): boolean;
  /** The circuit's state changed here: tell the fleet soon. */
  changed(): void;
  /** The fleet part of the circuit's stats. */
  stats(): FleetStats;
}

/** What a fleet needs of a circuit: the circuit's side of its link with the fleet. */
export interface FleetCircuit {
  /** The command name. */
  readonly name: string;
  /** The executor pool. */
  readonly pool: ExecutorPool;
  /** The settings the circuit runs with. */
  readonly circuitSettings: Settings;
  /** Requests in the circuit's own window. */
  readonly metricCollector: { requestsAt(now: number): number };
  /** Where the circuit's results go: the fleet's window is set there. */
  readonly exchange: { shared: SharedWindow | null };
  /** Calls waiting for a ticket, when the command has a queue. */
  readonly waiters: { size(): number } | null;
  /** The fleet the circuit belongs to. */
  fleet: CircuitFleet | null;
  /** Forces the circuit open, or lifts it. */
  forceOpen(on: boolean): void;
  /** Forces the circuit closed, or lifts it. */
  forceClosed(on: boolean): void;
  /** The circuit's own state: when it opened (0 unless open), and whether it is half-open. */
  fleetState(): { readonly openedAt: number; readonly probing: boolean };
  /** The fleet opened the circuit at `openedAt`. */
  adoptOpen(openedAt: number, now: number): void;
  /** The fleet closed the circuit. */
  adoptClosed(now: number): void;
  /** The fleet's shares of its limits for this process. */
  setFleetLimits(tickets: number, limiter: RateLimiter | null): void;
}

/** A fleet a registry has joined: it takes in each circuit of the registry. */
export interface FleetHost {
  /** A circuit of the registry, new or already there. */
  attach(circuit: FleetCircuit): void;
}
