// The published declarations of ./dist/redis.d.ts, as a report of the public API.
// Generated: do not edit. After changing the API, run: npm run api

import { Hystrix } from 'hystrix-ts';
import { StreamSource, HostSnapshot } from 'hystrix-ts/stream';

/**
 * What the fleet needs of a Redis client: `evalsha` and `eval`, as ioredis's `Redis` and `Cluster` have them
 * (`numkeys` then keys and arguments, resolving with the reply).
 */
interface FleetRedisClient {
  /** Runs a script the server knows by its SHA-1. */
  evalsha(sha1: string, numkeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
  /** Runs a script from its source (the server keeps it for later `evalsha`). */
  eval(script: string, numkeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
}

/**
 * The fleet's stream snapshots: this process's own, published with its heartbeat, and the live processes' ones,
 * read for a fleet stream. Give it to `new HystrixStream({ source: fleet.snapshots })`.
 */
declare class FleetSnapshots implements StreamSource {
  private readonly hystrix;
  private readonly owner;
  /**
   * The live processes' latest snapshots. A snapshot that is not of the expected shape (anyone who can write to
   * Redis can write one) is left out.
   */
  snapshots(): Promise<HostSnapshot[]>;
}

/** The membership of one registry in a fleet: see {@link joinFleet}. */
interface Fleet {
  /** The fleet's name. */
  readonly name: string;
  /** This process's id in the fleet. */
  readonly instance: string;
  /** True while Redis cannot be reached and every circuit decides alone. */
  readonly localMode: boolean;
  /** Processes of the fleet seen alive at the last sync (1 before the first). */
  readonly instances: number;
  /**
   * Syncs now rather than at the next interval, and resolves when done (at most one sync interval later, Redis
   * up or down). Never rejects.
   */
  sync(): Promise<void>;
  /**
   * Forces the command open fleet-wide (every process short-circuits it) until called with `false`; applied here
   * at once and by the others at their next sync. Rejects when Redis does not take it within a sync interval.
   */
  forceOpen(name: string, on: boolean): Promise<void>;
  /** Forces the command closed fleet-wide until called with `false`, like {@link Fleet.forceOpen}. */
  forceClosed(name: string, on: boolean): Promise<void>;
  /**
   * The live processes' latest stream snapshots, read from Redis: give it to `hystrix-ts/stream` as the `source`
   * of a `HystrixStream` to serve the fleet's aggregated stream.
   */
  readonly snapshots: FleetSnapshots;
  /**
   * Leaves the fleet: gives back this process's probe and leases, removes it from the live processes, and stops
   * its timer. The circuits go on alone, with their own limits. Resolves within a sync interval, Redis up or
   * down; never rejects. The registry's `close()` leaves too.
   */
  leave(): Promise<void>;
}

/** Options of {@link joinFleet}. */
interface JoinFleetOptions {
  /**
   * The Redis client: an ioredis `Redis` or `Cluster` (anything with ioredis's `evalsha` and `eval`). Its own
   * options carry the password, TLS and reconnection; the fleet never closes it.
   */
  redis: FleetRedisClient;
  /** The service's name: the processes of one fleet share circuits, probes and limits. A key namespace. */
  fleet: string;
  /** Milliseconds between two syncs with Redis (default 250); 10 to 60000. */
  syncInterval?: number;
  /** The start of every key (default `hystrix:`); without `{` or `}`, which would change the cluster slots. */
  prefix?: string;
  /** This process's id in the fleet (default: host name, process id and a random part). */
  instance?: string;
  /**
   * Milliseconds between two stream snapshots published for the fleet's dashboard (default 1000), or `false`
   * for none; at least the sync interval.
   */
  streamInterval?: number | false;
}
/**
 * Joins `hystrix`'s circuits to a fleet of processes on Redis: they share each command's rolling window of
 * health, its state (one process opens it, all short-circuit), one probe after the sleep window, and the
 * fleet-wide limits `fleetMaxConcurrentRequests` and `fleetMaxRequestsPerSecond`. Calls never wait on Redis:
 * each process decides from its own state and syncs every `syncInterval`. When Redis cannot be reached, the
 * circuits decide alone until it answers again (see the README's "Fleet mode").
 *
 * Resolves after the first sync (at most one sync interval, Redis up or down); throws a `TypeError` for bad
 * options, and when the registry has joined a fleet already.
 */
declare function joinFleet(hystrix: Hystrix, options: JoinFleetOptions): Promise<Fleet>;

/**
 * The keys a fleet writes. Every key of one command shares a hash tag, and every fleet-wide key the fleet's own,
 * so that each script touches one slot of a Redis Cluster. Names may hold any character: each part is escaped.
 */
/**
 * A name made safe for a key: letters, digits, `-`, `.` and `_` as they are, every other UTF-16 unit as `%` and
 * four hex digits. Each escape has one length, so two names never give one key part (a lone surrogate included),
 * and no part ever holds `{`, `}` or `:`.
 */
declare function keyPart(value: string): string;

export {
  type Fleet,
  type FleetRedisClient,
  FleetSnapshots,
  type JoinFleetOptions,
  joinFleet,
  keyPart,
};
