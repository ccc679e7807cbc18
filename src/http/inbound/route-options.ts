import { type CommandConfig, Hystrix } from 'hystrix-ts';
import { describeError, describeValue } from 'hystrix-ts/internal';

/**
 * The protection of one route: the command's settings (any key of `CommandConfig` but `isBadRequest`, which a
 * route has no use for: its outcome is its status code) and, optionally, the command's name.
 */
export interface RouteProtection extends Omit<CommandConfig, 'isBadRequest'> {
  /**
   * The command's name (default: the method and the route's template, such as `GET /users/:id`). Give one to
   * share a command between routes, or when the template is not known (an Express router mounted on a path
   * with parameters).
   */
  name?: string;
}

/** A route's protection split into its name and its settings; `settings` is null when it gives none. */
export interface CheckedProtection {
  readonly name: string | undefined;
  readonly settings: Omit<CommandConfig, 'isBadRequest'> | null;
}

// Settings are checked where the route is declared, not at its first request: a registry of its own checks them
// with the core's own rules, so a bad value throws at start-up with the core's message.
let checker: Hystrix | undefined;

/** Checks a route's protection; throws a `TypeError` or `RangeError` that names `where`. */
export function checkProtection(value: unknown, where: string): CheckedProtection {
  if (value === undefined) return { name: undefined, settings: null };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${where} must be an object, got ${describeValue(value)}`);
  }
  const { name, ...rest } = value as RouteProtection & { isBadRequest?: unknown };
  if (name !== undefined && typeof name !== 'string') {
    throw new TypeError(`${where}.name must be a string, got ${describeValue(name)}`);
  }
  if ('isBadRequest' in rest) {
    throw new TypeError(
      `${where}.isBadRequest is not a route setting: a route's outcome is its status code`,
    );
  }
  const settings = Object.keys(rest).length === 0 ? null : rest;
  if (settings !== null) {
    checker ??= new Hystrix();
    try {
      checker.configureCommand('route', settings);
    } catch (error: unknown) {
      const message = `${where}: ${describeError(error).replace("configureCommand: command 'route': ", '')}`;
      throw error instanceof RangeError ? new RangeError(message) : new TypeError(message);
    }
  }
  return { name, settings };
}
