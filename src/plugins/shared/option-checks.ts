// Every export checks its options with these, so that the same mistake reads the same whichever export it is
// made with.
import type { Hystrix } from 'hystrix-ts';
import { describeValue } from 'hystrix-ts/internal';
import { type HystrixMember, isHystrix } from './is-hystrix.js';

/** What {@link checkOptionsObject} expects of an options object. */
export interface OptionsShape {
  /** The known keys, in the order an error message lists them. */
  readonly known: ReadonlySet<string>;
  /** A short example for the message when the options are not an object, such as `'{ host, port }'`. */
  readonly example: string;
  /**
   * Whether an array is refused as not an object. The Prometheus and OpenTelemetry exports have always taken
   * `[]` as an object without options, and keep doing so.
   */
  readonly refuseArrays: boolean;
}

/**
 * Checks that `options` is an object holding known keys only, and returns it as a record to read.
 *
 * @param where - the function the options were given to, first in every message.
 * @throws TypeError when `options` is not an object, or has a key not in `shape.known`.
 */
export function checkOptionsObject(
  where: string,
  options: unknown,
  shape: OptionsShape,
): Record<string, unknown> {
  if (
    typeof options !== 'object' ||
    options === null ||
    (shape.refuseArrays && Array.isArray(options))
  ) {
    throw new TypeError(`${where}: options must be an object such as ${shape.example}`);
  }
  for (const key of Object.keys(options)) {
    if (!shape.known.has(key)) {
      throw new TypeError(
        `${where}: unknown option '${key}' (known: ${[...shape.known].join(', ')})`,
      );
    }
  }
  return options as Record<string, unknown>;
}

/**
 * Checks the registry given in the options (after its default is filled in).
 *
 * @param uses - what the export uses of the registry, besides `metricCollectors.register`.
 * @throws TypeError when `hystrix` is not a registry with what the export uses.
 */
export function checkHystrixOption(
  where: string,
  hystrix: unknown,
  uses: readonly HystrixMember[],
): Hystrix {
  if (!isHystrix(hystrix, uses)) {
    throw new TypeError(
      `${where}: options.hystrix must be a Hystrix, got ${describeValue(hystrix)}`,
    );
  }
  return hystrix;
}

/**
 * Checks a host name given in the options.
 *
 * @throws TypeError when `host` is not a non-empty string.
 */
export function checkHost(where: string, host: unknown): string {
  if (typeof host !== 'string' || host === '') {
    throw new TypeError(
      `${where}: options.host must be a non-empty string, got ${describeValue(host)}`,
    );
  }
  return host;
}

/**
 * Checks a port number given in the options.
 *
 * @throws TypeError when `port` is not a number; RangeError when it is not an integer from 1 to 65535.
 */
export function checkPort(where: string, port: unknown): number {
  if (typeof port !== 'number') {
    throw new TypeError(`${where}: options.port must be a number, got ${describeValue(port)}`);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`${where}: options.port must be an integer from 1 to 65535, got ${port}`);
  }
  return port;
}

/**
 * Checks the prefix of dotted metric paths (StatsD, Graphite) and returns it ready to put before a path: `''`
 * when absent or empty, else followed by a `.` unless it ends with one.
 *
 * @param forbidden - the characters that would break the export's line format.
 * @param forbiddenText - the same characters in words, for the error message.
 * @throws TypeError when `prefix` is not a string; RangeError when it holds a forbidden character.
 */
export function checkDottedPrefix(
  where: string,
  prefix: unknown,
  forbidden: RegExp,
  forbiddenText: string,
): string {
  if (prefix === undefined || prefix === '') return '';
  if (typeof prefix !== 'string') {
    throw new TypeError(`${where}: options.prefix must be a string, got ${describeValue(prefix)}`);
  }
  if (forbidden.test(prefix)) {
    throw new RangeError(
      `${where}: options.prefix must not hold ${forbiddenText}, got ${JSON.stringify(prefix)}`,
    );
  }
  return prefix.endsWith('.') ? prefix : prefix + '.';
}
