// The published declarations of ./dist/express.d.ts, as a report of the public API.
// Generated: do not edit. After changing the API, run: npm run api

import { Request, Response, NextFunction } from 'express';
import { RunContext, Hystrix } from 'hystrix-ts';
import { R as RouteProtection } from './protected-response.chunk.js';
export { C as CLIENT_CLOSED } from './protected-response.chunk.js';

/**
 * hystrix-ts/express: Express 5 routes as commands. `protect()` before a route's handler runs the handler as a
 * call of the command named by the route (`GET /users/:id`), under its concurrency limit, rate limit, queue,
 * timeout and circuit breaker: a request the command sheds is answered 503 or 429 with `Retry-After` before the
 * handler runs, and the response's status is the call's outcome.
 *
 * @packageDocumentation
 * @module hystrix-ts/express
 */

declare global {
  namespace Express {
    interface Request {
      /**
       * The call the request runs as, on a route that `protect()` guards: `signal` aborts when the call times
       * out, when the client goes away or when the registry closes (pass it on to what the handler waits for);
       * `name` is the command. Undefined on routes that are not protected.
       */
      hystrix?: RunContext;
    }
  }
}
/**
 * The middleware {@link protect} returns: an Express `RequestHandler` for any route, generic so that a route's
 * path parameters are still inferred for the handler after it (`req.params.id` in `app.get('/users/:id', ...)`).
 */
type ProtectHandler = <P, ResBody, ReqBody, ReqQuery, LocalsObj extends Record<string, any>>(
  req: Request<P, ResBody, ReqBody, ReqQuery, LocalsObj>,
  res: Response<ResBody, LocalsObj>,
  next: NextFunction,
) => void;
/** Options of {@link protect}: the route's protection and the registry. */
interface ProtectOptions extends RouteProtection {
  /** The registry whose command the route is (default: the default registry). */
  hystrix?: Hystrix;
}
/**
 * A middleware that runs the rest of the route (its handler) as a call of a command, placed before the handler:
 * `app.get('/users/:id', protect({ maxConcurrentRequests: 20 }), handler)`.
 *
 * The command is named by the method and the route's template, `GET /users/:id` (with the router's mount path
 * before it, as Express gives it: give `name` when that path has parameters), unless `name` is given. Its
 * settings are the options' (configured on the route's first request, or at once with `name`), else whatever the
 * registry has for that name. Place it on a route, not with `app.use()`: only a matched route has a template.
 *
 * - shed before the handler runs: 503 for an open circuit, a full pool or queue, or an expired wait in the queue;
 *   429 for the rate limit; each with `Retry-After` in seconds;
 * - the response's status is the outcome: 5xx (a handler that throws gets one from Express) a failure, 4xx a bad
 *   request (not counted toward health), anything else a success;
 * - past the command's timeout the handler's `req.hystrix.signal` aborts and the request is answered 504, or its
 *   response destroyed if its headers were sent;
 * - a client that goes away aborts `req.hystrix.signal`, and the call ends as `context_canceled`.
 *
 * @throws TypeError or RangeError for bad options, at once.
 */
declare function protect(options?: ProtectOptions): ProtectHandler;

export { type ProtectHandler, type ProtectOptions, RouteProtection, protect };
