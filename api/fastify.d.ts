// The published declarations of ./dist/fastify.d.ts, as a report of the public API.
// Generated: do not edit. After changing the API, run: npm run api

import { FastifyInstance } from 'fastify';
import { RunContext, Hystrix } from 'hystrix-ts';
import { R as RouteProtection } from './protected-response.chunk.js';
export { C as CLIENT_CLOSED } from './protected-response.chunk.js';

/**
 * hystrix-ts/fastify: Fastify 5 routes as commands. Registered once, the plugin runs every route's handler as a
 * call of the command named by the route (`GET /users/:id`), under its concurrency limit, rate limit, queue,
 * timeout and circuit breaker: a request the command sheds is answered 503 or 429 with `Retry-After` before the
 * handler runs, and the response's status is the call's outcome.
 *
 * @packageDocumentation
 * @module hystrix-ts/fastify
 */

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The call the request runs as, on a protected route: `signal` aborts when the call times out, when the
     * client goes away or when the registry closes (pass it on to what the handler waits for); `name` is the
     * command. Null on routes that are not protected.
     */
    hystrix: RunContext | null;
  }
  interface FastifyContextConfig {
    /** The route's command: its settings and name, or `false` for a route that is not protected. */
    hystrix?: RouteProtection | false;
  }
}
/** Options of the {@link hystrixFastify} plugin. */
interface HystrixFastifyOptions {
  /** The registry whose commands the routes are (default: the default registry). */
  hystrix?: Hystrix;
}
/** The plugin's type: a Fastify plugin that is not encapsulated, so that it sees every route. */
interface HystrixFastifyPlugin {
  (instance: FastifyInstance, options: HystrixFastifyOptions, done: (error?: Error) => void): void;
  /** Fastify's mark for a plugin whose hooks apply to the instance that registers it, not to a child. */
  readonly [SKIP_OVERRIDE]: true;
  /** The name Fastify shows for the plugin. */
  readonly [DISPLAY_NAME]: string;
}
declare const SKIP_OVERRIDE: unique symbol;
declare const DISPLAY_NAME: unique symbol;
/**
 * The plugin: `await app.register(hystrixFastify)` (or with `{ hystrix }` for another registry), before the
 * routes. Every route registered after it is a command, named by its method and template (`GET /users/:id`, with
 * the prefix) unless its `config.hystrix.name` says otherwise; its settings are `config.hystrix`'s, given when the
 * route is registered, else whatever the registry has for that name. `config: { hystrix: false }` leaves a route
 * alone (a stream, a health check).
 *
 * The handler runs after the route's other `preHandler` hooks (authentication, validation), which are not
 * counted; then:
 *
 * - shed before the handler runs: 503 for an open circuit, a full pool or queue, or an expired wait in the queue;
 *   429 for the rate limit; each with `Retry-After` in seconds;
 * - the response's status is the outcome: 5xx (a handler that throws gets one from Fastify) a failure, 4xx a bad
 *   request (not counted toward health), anything else a success;
 * - past the command's timeout `request.hystrix.signal` aborts and the request is answered 504, or its response
 *   destroyed if its headers were sent;
 * - a client that goes away aborts `request.hystrix.signal`, and the call ends as `context_canceled`.
 *
 * A bad `config.hystrix` throws when the route is registered.
 */
declare const hystrixFastify: HystrixFastifyPlugin;

export { type HystrixFastifyOptions, type HystrixFastifyPlugin, RouteProtection, hystrixFastify };
