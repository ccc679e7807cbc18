/**
 * hystrix-ts/express: Express 5 routes as commands. `protect()` before a route's handler runs the handler as a
 * call of the command named by the route (`GET /users/:id`), under its concurrency limit, rate limit, queue,
 * timeout and circuit breaker: a request the command sheds is answered 503 or 429 with `Retry-After` before the
 * handler runs, and the response's status is the call's outcome.
 *
 * @packageDocumentation
 * @module hystrix-ts/express
 */
import type { NextFunction, Request, Response } from 'express';
import { defaultHystrix, type Hystrix, type RunContext } from 'hystrix-ts';
import { describeValue } from 'hystrix-ts/internal';
import { checkProtection, type RouteProtection } from './inbound/route-options.js';
import { type Framework, protectResponse } from './inbound/protected-response.js';
import type { ShedAnswer } from './inbound/shed-answer.js';

export type { RouteProtection } from './inbound/route-options.js';
export { CLIENT_CLOSED } from './inbound/protected-response.js';

declare global {
  // Express's own way to add to its request type (declaration merging into the global `Express` namespace).
  // eslint-disable-next-line @typescript-eslint/no-namespace
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
export type ProtectHandler = <
  P,
  ResBody,
  ReqBody,
  ReqQuery,
  // Express's own constraint on `res.locals`.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  LocalsObj extends Record<string, any>,
>(
  req: Request<P, ResBody, ReqBody, ReqQuery, LocalsObj>,
  res: Response<ResBody, LocalsObj>,
  next: NextFunction,
) => void;

/** Options of {@link protect}: the route's protection and the registry. */
export interface ProtectOptions extends RouteProtection {
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
export function protect(options: ProtectOptions = {}): ProtectHandler {
  const input: unknown = options;
  if (typeof input !== 'object' || input === null) {
    throw new TypeError(`protect(options): options must be an object, got ${describeValue(input)}`);
  }
  const { hystrix = defaultHystrix, ...route } = options;
  const { name: fixed, settings } = checkProtection(route, 'protect(options)');
  // Names whose settings were applied: each template once, though one middleware may guard several routes.
  const configured = new Set<string>();
  if (fixed !== undefined && settings !== null) {
    hystrix.configureCommand(fixed, settings);
    configured.add(fixed);
  }
  // Written for a plain `Request`, which is all it reads; typed generic for the routes it is placed on.
  const middleware = function hystrixProtect(
    req: Request,
    res: Response,
    next: NextFunction,
  ): void {
    const name = fixed ?? templateName(req);
    if (name === undefined) {
      next(
        new TypeError(
          'hystrix-ts/express: protect() runs before a route handler (app.get(path, protect(), handler)); ' +
            'with app.use() no route has matched yet, so give it a name',
        ),
      );
      return;
    }
    if (settings !== null && !configured.has(name)) {
      configured.add(name);
      hystrix.configureCommand(name, settings);
    }
    protectResponse(hystrix, name, { req, res, next }, res, express);
  };
  return middleware as ProtectHandler;
}

interface ExpressRequest {
  readonly req: Request;
  readonly res: Response;
  readonly next: NextFunction;
}

const express: Framework<ExpressRequest> = {
  enter({ req, next }, context) {
    req.hystrix = context;
    next();
  },
  answer({ res }, answer: ShedAnswer) {
    res.statusCode = answer.status;
    if (answer.retryAfter !== undefined) res.setHeader('Retry-After', String(answer.retryAfter));
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.end(answer.body);
  },
  abandon({ res }) {
    res.destroy();
  },
  fail({ next }, error) {
    next(error);
  },
};

/** `GET /users/:id`: the method and the matched route's template, under the router's mount path. */
function templateName(req: Request): string | undefined {
  const route: unknown = req.route;
  if (typeof route !== 'object' || route === null) return undefined;
  const path: unknown = (route as { path?: unknown }).path;
  const template = Array.isArray(path) ? path.map(String).join(',') : String(path);
  return `${req.method} ${req.baseUrl}${template}`;
}
