/**
 * Matchers shared by every test file (vitest's `setupFiles`).
 *
 * `toBeCircuitError(kind)`: the error a call ended with is of the kind of `kind` (`ErrTimeout`,
 * `ErrCircuitOpen`, `ErrMaxConcurrency`): a `CircuitError` with the kind's reason and exact message, made for the
 * call (it names a command, unlike the shared kind itself). With `command`, it names that command.
 */
import { expect } from 'vitest';
import { type CircuitError, isCircuitError } from '../src/index.js';

interface CircuitErrorMatchers<R = unknown> {
  toBeCircuitError(kind: CircuitError, command?: string): R;
}

declare module 'vitest' {
  // vitest's own declaration to extend: an interface, with its type parameter as vitest writes it.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Matchers<T = any> extends CircuitErrorMatchers<T> {}
}

expect.extend({
  toBeCircuitError(received: unknown, kind: CircuitError, command?: string) {
    const problems: string[] = [];
    if (!isCircuitError(received)) problems.push('it is not a CircuitError');
    else {
      if (received.reason !== kind.reason) problems.push(`its reason is '${received.reason}'`);
      if (received.message !== kind.message) problems.push(`its message is '${received.message}'`);
      if (typeof received.command !== 'string') problems.push('it names no command');
      else if (command !== undefined && received.command !== command) {
        problems.push(`it names command '${received.command}'`);
      }
      if (!(received instanceof Error)) problems.push('it is not an Error');
    }
    return {
      pass: problems.length === 0,
      message: () =>
        problems.length === 0
          ? `expected not an error of the kind '${kind.message}'`
          : `expected an error of the kind '${kind.message}'` +
            (command === undefined ? '' : ` for command '${command}'`) +
            `, but ${problems.join(', ')}`,
    };
  },
});
