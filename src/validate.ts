/**
 * Checks of what users pass in, shared by the core, the stream and the exports, so that one mistake reads the
 * same wherever it is made: `<where> must be <what>, got <value described>`.
 */

/**
 * The kind of a bad value, as an error message names it: `null`, `an array`, `a Map`, `a Set`, a string quoted,
 * a number as written, else its `typeof`. Never throws.
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'object') return typeof value;
  try {
    if (Array.isArray(value)) return 'an array';
    if (value instanceof Map) return 'a Map';
    if (value instanceof Set) return 'a Set';
  } catch {
    // A revoked Proxy: an object all the same.
  }
  return 'object';
}

/** Checks that `value` is a string (any string: `''` and `'__proto__'` are names too). */
export function checkName(value: unknown, where: string): asserts value is string {
  if (typeof value !== 'string') {
    throw new TypeError(`${where} must be a string, got ${describeValue(value)}`);
  }
}

/** Checks that `value` is a function, or with `optional` also `undefined` or `null`. */
export function checkFunction(value: unknown, where: string, optional = false): void {
  if (typeof value === 'function' || (optional && value == null)) return;
  throw new TypeError(
    `${where} must be a function${optional ? ' or undefined' : ''}, got ${describeValue(value)}`,
  );
}

/**
 * Checks an integer option: a `TypeError` when it is not a number, a `RangeError` when it is not an integer
 * from `min` to `max`.
 */
export function checkInteger(value: unknown, where: string, min: number, max: number): number {
  if (typeof value !== 'number') {
    throw new TypeError(`${where} must be a number, got ${describeValue(value)}`);
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${where} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/** Checks that `value` is an `AbortSignal` (or behaves as one: `aborted` and the listener methods). */
export function checkSignal(value: unknown, where: string): asserts value is AbortSignal {
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as AbortSignal).aborted !== 'boolean' ||
    typeof (value as AbortSignal).addEventListener !== 'function' ||
    typeof (value as AbortSignal).removeEventListener !== 'function'
  ) {
    throw new TypeError(`${where} must be an AbortSignal, got ${describeValue(value)}`);
  }
}

/** Checks that `value` is a clock: `now`, `setTimeout` and `clearTimeout` methods. */
export function checkClock(value: unknown, where: string): void {
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as { now?: unknown }).now !== 'function' ||
    typeof (value as { setTimeout?: unknown }).setTimeout !== 'function' ||
    typeof (value as { clearTimeout?: unknown }).clearTimeout !== 'function'
  ) {
    throw new TypeError(
      `${where} must be a Clock (now, setTimeout and clearTimeout methods), got ${describeValue(value)}`,
    );
  }
}
