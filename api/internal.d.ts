// The published declarations of ./dist/internal.d.ts, as a report of the public API.
// Generated: do not edit. After changing the API, run: npm run api

export {
  a3 as ADAPTIVE_ALGORITHMS,
  a4 as CircuitFleet,
  a5 as FleetCircuit,
  a6 as FleetHost,
  a7 as RateLimiter,
  a8 as SharedWindow,
  a9 as TokenBucket,
  aa as describeError,
  ab as errorPercent,
  ac as safeLog,
} from './logger.chunk.js';
import './timing.chunk.js';

/**
 * Catches the rejection of a promise that a user's function returned where nothing awaits it (an async
 * collector, an async logger), so that it cannot become an unhandled rejection. Never throws.
 */
declare function catchRejection(value: unknown, onError: (error: unknown) => void): void;

/**
 * Checks of what users pass in, shared by the core, the stream and the exports, so that one mistake reads the
 * same wherever it is made: `<where> must be <what>, got <value described>`.
 */
/**
 * The kind of a bad value, as an error message names it: `null`, `an array`, `a Map`, `a Set`, a string quoted,
 * a number as written, else its `typeof`. Never throws.
 */
declare function describeValue(value: unknown): string;
/** Checks that `value` is a string (any string: `''` and `'__proto__'` are names too). */
declare function checkName(value: unknown, where: string): asserts value is string;
/** Checks that `value` is a function, or with `optional` also `undefined` or `null`. */
declare function checkFunction(value: unknown, where: string, optional?: boolean): void;
/**
 * Checks an integer option: a `TypeError` when it is not a number, a `RangeError` when it is not an integer
 * from `min` to `max`.
 */
declare function checkInteger(value: unknown, where: string, min: number, max: number): number;

export { catchRejection, checkFunction, checkInteger, checkName, describeValue };
