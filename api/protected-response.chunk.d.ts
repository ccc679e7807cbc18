// The published declarations of ./dist/protected-response-<hash>.d.ts, as a report of the public API.
// Generated: do not edit. After changing the API, run: npm run api

import { CommandConfig } from 'hystrix-ts';

/**
 * The protection of one route: the command's settings (any key of `CommandConfig` but `isBadRequest`, which a
 * route has no use for: its outcome is its status code) and, optionally, the command's name.
 */
interface RouteProtection extends Omit<CommandConfig, 'isBadRequest'> {
  /**
   * The command's name (default: the method and the route's template, such as `GET /users/:id`). Give one to
   * share a command between routes, or when the template is not known (an Express router mounted on a path
   * with parameters).
   */
  name?: string;
}

/**
 * The reason the request's own signal aborts with when the client goes away before its response ended: the call
 * ends as `context_canceled`, with this as the `ContextError`'s `cause` and as the handler's `signal.reason`.
 */
declare const CLIENT_CLOSED: Error;

export { CLIENT_CLOSED as C, type RouteProtection as R };
