import { defaultHystrix, type Hystrix } from 'hystrix-ts';
import type { ClientOptions, StatsD as HotShotsClient, Tags } from 'hot-shots';
import {
  checkDottedPrefix,
  checkHost,
  checkHystrixOption,
  checkOptionsObject,
  checkPort,
} from '../shared/option-checks.js';
import { describeValue } from 'hystrix-ts/internal';
import { isStatsdClient, type StatsdClient } from './client.js';

/** Options of {@link registerStatsd} and {@link registerDogStatsd}. */
export interface StatsdOptions<C extends StatsdClient = HotShotsClient> {
  /** The registry of circuits to export (default: `defaultHystrix`, the one of the module-level functions). */
  hystrix?: Hystrix | undefined;
  /**
   * Your own client. You keep it: unregistering leaves it open. Leave it out to have the export create a
   * hot-shots client from `host`, `port`, `globalTags` and `clientOptions`, which it closes on unregister and
   * when the registry closes.
   */
  client?: C | undefined;
  /** Where a created client sends (default: hot-shots', from `DD_AGENT_HOST`, else the local host). */
  host?: string | undefined;
  /** The port a created client sends to, 1 to 65535 (default: hot-shots', `DD_DOGSTATSD_PORT` or 8125). */
  port?: number | undefined;
  /** Tags a created client adds to every metric (hot-shots' `globalTags`). */
  globalTags?: Tags | undefined;
  /**
   * Any other hot-shots option for a created client (`protocol`, `maxBufferSize`, ...), passed as is, except
   * `mock`, which is refused: pass a client of your own to test. `maxBufferSize` defaults to
   * {@link DEFAULT_STATSD_BUFFER_BYTES} (hystrix-go's buffered client), except over a Unix socket; an
   * `errorHandler` given here is called after the export has logged the error.
   */
  clientOptions?: ClientOptions | undefined;
  /**
   * Put before every metric name, followed by a `.` unless it ends with one (default none): hystrix-go's
   * `Prefix` for StatsD, its `Namespace` for Datadog. It applies to your own client too, after the client's own
   * prefix.
   */
  prefix?: string | undefined;
  /**
   * The share of metrics sent, in (0, 1]; the server scales counts back up. 0 or absent means 1, as in
   * hystrix-go. Passed on every call, so a client's own default rate is not used.
   */
  sampleRate?: number | undefined;
}

/**
 * {@link StatsdOptions} once checked, with their defaults: `prefix` is `''` or ends in `.`, and `sampleRate`
 * is in (0, 1]. With a client of the user's, the options of a created client are all absent.
 */
export interface CheckedStatsdOptions {
  hystrix: Hystrix;
  client: StatsdClient | undefined;
  host: string | undefined;
  port: number | undefined;
  globalTags: Tags | undefined;
  clientOptions: ClientOptions;
  prefix: string;
  sampleRate: number;
}

const OPTION_KEYS = new Set([
  'hystrix',
  'client',
  'host',
  'port',
  'globalTags',
  'clientOptions',
  'prefix',
  'sampleRate',
]);
const CONNECTION_KEYS = ['host', 'port', 'globalTags', 'clientOptions'] as const;
// Characters that would end a metric name early in the StatsD line format, or split it.
const BAD_PREFIX = /[\s\p{Cc}:|]/u;

/**
 * Checks the options of the StatsD exports and fills in their defaults.
 *
 * @param where - the function the options were given to, first in every message.
 * @throws TypeError or RangeError for bad options.
 */
export function checkStatsdOptions(where: string, options: unknown): CheckedStatsdOptions {
  const o = checkOptionsObject(where, options, {
    known: OPTION_KEYS,
    example: '{ host, port }',
    refuseArrays: true,
  });
  const hystrix = checkHystrixOption(where, o['hystrix'] ?? defaultHystrix, [
    'onClose',
    'clock',
    'now',
  ]);
  const client = o['client'];
  if (client !== undefined) {
    if (!isStatsdClient(client)) {
      throw new TypeError(
        `${where}: options.client must be a StatsD client (increment, gauge and timing methods), ` +
          `got ${describeValue(client)}`,
      );
    }
    const given = CONNECTION_KEYS.find((key) => o[key] !== undefined);
    if (given !== undefined) {
      throw new TypeError(
        `${where}: options.${given} configures a client the export creates; with options.client, ` +
          `configure your client instead`,
      );
    }
  }
  const host = o['host'] === undefined ? undefined : checkHost(where, o['host']);
  const port = o['port'] === undefined ? undefined : checkPort(where, o['port']);
  const { globalTags } = o;
  if (globalTags !== undefined && (typeof globalTags !== 'object' || globalTags === null)) {
    throw new TypeError(
      `${where}: options.globalTags must be an array of 'key:value' strings or an object, ` +
        `got ${describeValue(globalTags)}`,
    );
  }
  const clientOptions = o['clientOptions'] ?? {};
  if (typeof clientOptions !== 'object' || Array.isArray(clientOptions)) {
    throw new TypeError(
      `${where}: options.clientOptions must be an object of hot-shots options, got ${describeValue(clientOptions)}`,
    );
  }
  const { mock, errorHandler } = clientOptions as Record<string, unknown>;
  if (mock !== undefined && mock !== false) {
    throw new TypeError(
      `${where}: options.clientOptions.mock is not supported: the export sends for real; to test, pass a ` +
        `client of your own as options.client`,
    );
  }
  if (errorHandler !== undefined && typeof errorHandler !== 'function') {
    throw new TypeError(`${where}: options.clientOptions.errorHandler must be a function`);
  }
  return {
    hystrix,
    client,
    host,
    port,
    globalTags: globalTags as Tags | undefined,
    clientOptions,
    prefix: checkDottedPrefix(
      where,
      o['prefix'],
      BAD_PREFIX,
      "spaces, control characters, ':' or '|'",
    ),
    sampleRate: checkSampleRate(where, o['sampleRate']),
  };
}

function checkSampleRate(where: string, rate: unknown): number {
  // hystrix-go: "If 0, defaults to 1.0. (no sampling)".
  if (rate === undefined || rate === 0) return 1;
  if (typeof rate !== 'number') {
    throw new TypeError(
      `${where}: options.sampleRate must be a number, got ${describeValue(rate)}`,
    );
  }
  if (!(rate > 0 && rate <= 1)) {
    throw new RangeError(
      `${where}: options.sampleRate must be in (0, 1] (0 means 1), got ${String(rate)}`,
    );
  }
  return rate;
}
