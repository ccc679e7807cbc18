import type { MetricCollector } from 'hystrix-ts';
import type { StatsD as HotShotsClient } from 'hot-shots';
import type { StatsdClient } from './client.js';
import { ErrorLog } from './error-log.js';
import { closeClient, createClient } from './hot-shots-client.js';
import { checkStatsdOptions, type StatsdOptions } from './options.js';
import { Sender } from './sender.js';

/** What {@link registerStatsd} and {@link registerDogStatsd} return. */
export interface StatsdExport<C extends StatsdClient = HotShotsClient> {
  /** The client metrics are sent through: yours, or the one the export created. */
  readonly client: C;
  /** The sample rate in use (hystrix-go's `sampleRate`: 1 when none or 0 was given). */
  readonly sampleRate: number;
  /**
   * Stops the export: removes its collectors from the registry and, when the export created the client, closes
   * it. Resolves once the client is closed (at once for your own client); never rejects. Idempotent; the
   * registry's `close()` does the same.
   */
  unregister(): Promise<void>;
}

/** A collector class of the StatsD exports: one per circuit, sending through the export's sender. */
export type StatsdCollectorClass = new (
  sender: Sender,
  prefix: string,
  name: string,
) => MetricCollector;

/**
 * Checks the options, sets up the client and has the registry make a `Collector` for each of its circuits,
 * until unregistered or the registry closes.
 *
 * @param where - the public function called, for error messages and log lines.
 * @throws TypeError or RangeError for bad options.
 */
export function registerStatsdExport<C extends StatsdClient>(
  where: string,
  options: StatsdOptions<C>,
  Collector: StatsdCollectorClass,
): StatsdExport<C> {
  const checked = checkStatsdOptions(where, options);
  const { hystrix } = checked;
  const errors = new ErrorLog(hystrix, where);
  const own = checked.client === undefined;
  const client = (checked.client ?? createClient(checked, errors)) as C;
  const sender = new Sender(client, checked.sampleRate, errors);
  const prefix = checked.prefix;
  let removeFactory: (() => void) | undefined;
  let removeOnClose: (() => void) | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    if (stopping !== undefined) return stopping;
    sender.stopped = true;
    removeFactory?.();
    removeOnClose?.();
    stopping = own ? closeClient(client as unknown as HotShotsClient, errors) : Promise.resolve();
    return stopping;
  };
  try {
    removeFactory = hystrix.metricCollectors.register(
      (name) => new Collector(sender, prefix, name),
    );
    removeOnClose = hystrix.onClose(() => stop());
  } catch (error: unknown) {
    void stop();
    throw error;
  }
  return { client, sampleRate: sender.sampleRate, unregister: stop };
}
