import type { Hystrix } from 'hystrix-ts';
import { checkInteger, describeValue } from 'hystrix-ts/internal';
import { type FleetRedisClient, isFleetRedisClient } from './client.js';
import { type Fleet, FleetMember, type FleetSettings, newInstanceId } from './fleet.js';
import { FleetSnapshots } from './fleet-snapshots.js';

/** Options of {@link joinFleet}. */
export interface JoinFleetOptions {
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
export async function joinFleet(hystrix: Hystrix, options: JoinFleetOptions): Promise<Fleet> {
  const settings = checkOptions(hystrix, options);
  const member = new FleetMember(hystrix, settings, (owner) => new FleetSnapshots(hystrix, owner));
  await member.start();
  return member;
}

function checkOptions(hystrix: unknown, options: unknown): FleetSettings {
  if (
    typeof hystrix !== 'object' ||
    hystrix === null ||
    typeof (hystrix as { do?: unknown }).do !== 'function'
  ) {
    throw new TypeError(
      `joinFleet(hystrix, options): hystrix must be a Hystrix registry, got ${describeValue(hystrix)}`,
    );
  }
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `joinFleet(hystrix, options): options must be an object, got ${describeValue(options)}`,
    );
  }
  const o = options as Record<string, unknown>;
  const redis = o['redis'];
  if (!isFleetRedisClient(redis)) {
    throw new TypeError(
      `joinFleet: options.redis must be an ioredis client (Redis or Cluster), got ${describeValue(redis)}`,
    );
  }
  const fleet = o['fleet'];
  if (typeof fleet !== 'string' || fleet.length === 0 || fleet.length > 200) {
    throw new TypeError(
      `joinFleet: options.fleet must be a name of 1 to 200 characters, got ${describeValue(fleet)}`,
    );
  }
  const syncInterval =
    o['syncInterval'] === undefined
      ? 250
      : checkInteger(o['syncInterval'], 'joinFleet: options.syncInterval', 10, 60_000);
  const prefix = o['prefix'] === undefined ? 'hystrix:' : o['prefix'];
  if (typeof prefix !== 'string' || /[{}]/.test(prefix) || prefix.length > 200) {
    throw new TypeError(
      `joinFleet: options.prefix must be a string of at most 200 characters without '{' or '}', got ${describeValue(prefix)}`,
    );
  }
  const instance = o['instance'] === undefined ? newInstanceId() : o['instance'];
  if (typeof instance !== 'string' || instance.length === 0 || instance.length > 200) {
    throw new TypeError(
      `joinFleet: options.instance must be an id of 1 to 200 characters, got ${describeValue(instance)}`,
    );
  }
  const stream = o['streamInterval'];
  const streamInterval =
    stream === false
      ? 0
      : stream === undefined
        ? Math.max(1000, syncInterval)
        : checkInteger(stream, 'joinFleet: options.streamInterval', syncInterval, 600_000);
  return { redis, fleet, prefix, syncInterval, instance, streamInterval };
}
