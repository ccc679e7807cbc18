import { defaultHystrix, type Hystrix } from 'hystrix-ts';
import {
  checkDottedPrefix,
  checkHost,
  checkHystrixOption,
  checkOptionsObject,
  checkPort,
} from '../shared/option-checks.js';
import { describeValue } from 'hystrix-ts/internal';

/** Options of {@link registerGraphite}. */
export interface GraphiteOptions {
  /** The registry of circuits to export (default: `defaultHystrix`, the one of the module-level functions). */
  hystrix?: Hystrix | undefined;
  /** The Graphite (carbon) host (default `'localhost'`). */
  host?: string | undefined;
  /** Its plaintext port, 1 to 65535 (default 2003). */
  port?: number | undefined;
  /** Put before every path, followed by a `.` unless it ends with one (default none). No spaces. */
  prefix?: string | undefined;
  /** Milliseconds between two writes, on the registry's clock (default 10000, hystrix-go's `TickInterval`). */
  interval?: number | undefined;
  /**
   * Lines kept while the server cannot be reached (default {@link DEFAULT_MAX_BUFFERED_LINES}); past that, the
   * oldest are dropped, so memory stays bounded however long the server is away.
   */
  maxBufferedLines?: number | undefined;
}

/** Graphite's plaintext port. */
export const DEFAULT_GRAPHITE_PORT = 2003;

/** Milliseconds between writes by default (hystrix-go's examples, and go-metrics' usual tick). */
export const DEFAULT_GRAPHITE_INTERVAL = 10_000;

/** Lines kept by default while disconnected: about a minute of 100 busy circuits, a few megabytes. */
export const DEFAULT_MAX_BUFFERED_LINES = 50_000;

/** {@link GraphiteOptions} once checked, with their defaults; `prefix` is `''` or ends in `.`. */
export interface CheckedGraphiteOptions {
  hystrix: Hystrix;
  host: string;
  port: number;
  prefix: string;
  interval: number;
  maxBufferedLines: number;
}

const WHERE = 'registerGraphite';
const OPTION_KEYS = new Set(['hystrix', 'host', 'port', 'prefix', 'interval', 'maxBufferedLines']);
// Characters that would split a plaintext line, or end it early.
const BAD_PREFIX = /[\s\p{Cc}]/u;
// The longest delay a Node.js timer keeps; a longer one fires at once.
const MAX_TIMER_DELAY = 2_147_483_647;

/**
 * Checks the options of {@link registerGraphite} and fills in their defaults.
 *
 * @throws TypeError or RangeError for bad options.
 */
export function checkGraphiteOptions(options: unknown): CheckedGraphiteOptions {
  const o = checkOptionsObject(WHERE, options, {
    known: OPTION_KEYS,
    example: '{ host, port }',
    refuseArrays: true,
  });
  const hystrix = checkHystrixOption(WHERE, o['hystrix'] ?? defaultHystrix, [
    'onClose',
    'clock',
    'now',
  ]);
  const host = checkHost(WHERE, o['host'] ?? 'localhost');
  const port = checkPort(WHERE, o['port'] ?? DEFAULT_GRAPHITE_PORT);
  const interval = o['interval'] ?? DEFAULT_GRAPHITE_INTERVAL;
  if (typeof interval !== 'number') {
    throw new TypeError(
      `${WHERE}: options.interval must be a number, got ${describeValue(interval)}`,
    );
  }
  if (!(interval >= 1 && interval <= MAX_TIMER_DELAY)) {
    throw new RangeError(
      `${WHERE}: options.interval must be from 1 to ${MAX_TIMER_DELAY} milliseconds, got ${interval}`,
    );
  }
  const maxBufferedLines = o['maxBufferedLines'] ?? DEFAULT_MAX_BUFFERED_LINES;
  if (typeof maxBufferedLines !== 'number') {
    throw new TypeError(
      `${WHERE}: options.maxBufferedLines must be a number, got ${describeValue(maxBufferedLines)}`,
    );
  }
  if (!Number.isInteger(maxBufferedLines) || maxBufferedLines < 1) {
    throw new RangeError(
      `${WHERE}: options.maxBufferedLines must be a positive integer, got ${maxBufferedLines}`,
    );
  }
  const prefix = checkDottedPrefix(WHERE, o['prefix'], BAD_PREFIX, 'spaces or control characters');
  return { hystrix, host, port, prefix, interval, maxBufferedLines };
}
