import StatsD, { type ClientOptions, type StatsD as HotShotsClient } from 'hot-shots';
import type { ErrorLog } from './error-log.js';
import type { CheckedStatsdOptions } from './options.js';

/**
 * The packet size, in bytes, up to which a client the export creates buffers metrics (hystrix-go's
 * `LANStatsdFlushBytes`): one datagram carries many metrics, and hot-shots sends what it holds every second.
 */
export const DEFAULT_STATSD_BUFFER_BYTES = 1432;

/**
 * Creates a hot-shots client from the options; its errors go to `errors`, then to the user's own
 * `errorHandler`, if any.
 */
export function createClient(options: CheckedStatsdOptions, errors: ErrorLog): HotShotsClient {
  const given = options.clientOptions;
  const theirs = given.errorHandler;
  const settings: ClientOptions = {
    ...given,
    mock: false,
    errorHandler: (error: Error) => {
      errors.report('client error', error);
      if (theirs !== undefined) {
        try {
          theirs(error);
        } catch (thrown: unknown) {
          errors.report('clientOptions.errorHandler threw', thrown);
        }
      }
    },
  };
  if (given.maxBufferSize === undefined && given.protocol !== 'uds') {
    settings.maxBufferSize = DEFAULT_STATSD_BUFFER_BYTES;
  }
  if (options.host !== undefined) settings.host = options.host;
  if (options.port !== undefined) settings.port = options.port;
  if (options.globalTags !== undefined) settings.globalTags = options.globalTags;
  return new StatsD(settings);
}

/** Closes a client the export created; resolves once it is closed, and never rejects. */
export function closeClient(client: HotShotsClient, errors: ErrorLog): Promise<void> {
  return new Promise((resolve) => {
    try {
      client.close((error?: Error) => {
        if (error) errors.report('error closing the client', error);
        resolve();
      });
    } catch (error: unknown) {
      errors.report('error closing the client', error);
      resolve();
    }
  });
}
