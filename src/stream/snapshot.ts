import type { Hystrix } from 'hystrix-ts';
import { checkName } from 'hystrix-ts/internal';
import { circuitMessages } from './messages.js';

/** One process's stream snapshot of one tick. */
export interface HostSnapshot {
  /** The process's id in the fleet (unique, such as `host:pid:random`). */
  readonly host: string;
  /** When it was taken (epoch milliseconds, the registry's time). */
  readonly at: number;
  /**
   * The JSON text of the messages of an extended frame, without its `HystrixTsFrame` message: per circuit the
   * `HystrixCommand`, `HystrixThreadPool` and `HystrixTsCircuit` messages.
   */
  readonly messages: readonly string[];
}

/** Where a fleet stream reads the live processes' snapshots, once per tick. */
export interface StreamSource {
  /**
   * The snapshots of the processes alive now (one per process; the source decides which are alive). It may be
   * slow or fail: the stream then sends a ping for that tick, and never calls it again before it settled.
   */
  snapshots(): readonly HostSnapshot[] | PromiseLike<readonly HostSnapshot[]>;
}

/**
 * A process's stream snapshot now: every circuit's messages as an extended stream client would read them in
 * this tick. Reading the circuits never changes them.
 *
 * @param hystrix - the process's registry.
 * @param host - the process's id in the fleet (any string; it reaches JSON and the page only escaped).
 */
export function streamSnapshot(hystrix: Hystrix, host: string): HostSnapshot {
  checkName(host, 'streamSnapshot(hystrix, host): host');
  const now = hystrix.now();
  const messages: string[] = [];
  for (const circuit of hystrix.getCircuits())
    messages.push(...circuitMessages(circuit, now, true));
  return { host, at: now, messages };
}
