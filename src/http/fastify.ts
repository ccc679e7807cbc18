/**
 * hystrix-ts/fastify: Fastify 5 routes as commands. Registered once, the plugin runs every route's handler as a
 * call of the command named by the route (`GET /users/:id`), under its concurrency limit, rate limit, queue,
 * timeout and circuit breaker: a request the command sheds is answered 503 or 429 with `Retry-After` before the
 * handler runs, and the response's status is the call's outcome.
 *
 * @packageDocumentation
 * @module hystrix-ts/fastify
 */
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  RouteOptions,
} from 'fastify';
import { defaultHystrix, type Hystrix, type RunContext } from 'hystrix-ts';
import { describeValue } from 'hystrix-ts/internal';
import { checkProtection, type RouteProtection } from './inbound/route-options.js';
import { type Framework, protectResponse } from './inbound/protected-response.js';
import type { ShedAnswer } from './inbound/shed-answer.js';

export type { RouteProtection } from './inbound/route-options.js';
export { CLIENT_CLOSED } from './inbound/protected-response.js';

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
export interface HystrixFastifyOptions {
  /** The registry whose commands the routes are (default: the default registry). */
  hystrix?: Hystrix;
}

/** The plugin's type: a Fastify plugin that is not encapsulated, so that it sees every route. */
export interface HystrixFastifyPlugin {
  (instance: FastifyInstance, options: HystrixFastifyOptions, done: (error?: Error) => void): void;
  /** Fastify's mark for a plugin whose hooks apply to the instance that registers it, not to a child. */
  readonly [SKIP_OVERRIDE]: true;
  /** The name Fastify shows for the plugin. */
  readonly [DISPLAY_NAME]: string;
}

// fastify-plugin's marks, set by hand: one symbol is all the dependency would give here.
const SKIP_OVERRIDE = Symbol.for('skip-override');
const DISPLAY_NAME = Symbol.for('fastify.display-name');

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
export const hystrixFastify: HystrixFastifyPlugin = Object.assign(
  function hystrixFastify(
    instance: FastifyInstance,
    options: HystrixFastifyOptions,
    done: (error?: Error) => void,
  ): void {
    const input: unknown = options;
    if (typeof input !== 'object' || input === null) {
      done(new TypeError(`hystrixFastify: options must be an object, got ${describeValue(input)}`));
      return;
    }
    const hystrix = options.hystrix ?? defaultHystrix;
    instance.decorateRequest('hystrix', null);
    instance.addHook('onRoute', (route) => {
      guardRoute(hystrix, route);
    });
    done();
  },
  { [SKIP_OVERRIDE]: true as const, [DISPLAY_NAME]: 'hystrix-ts' },
);

type PreHandler = (
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
) => void;

/** Adds the route's guard as its last `preHandler`, its command configured now. */
function guardRoute(hystrix: Hystrix, route: RouteOptions): void {
  const given: unknown = route.config?.hystrix;
  if (given === false) return;
  const where = `route ${String(route.method)} ${route.url}: config.hystrix`;
  const { name, settings } = checkProtection(given, where);
  // One name per method: a route of several methods is a command per method, as in Express.
  const names = new Map<string, string>();
  for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
    const command = name ?? `${method} ${route.url}`;
    names.set(method, command);
    if (settings !== null) hystrix.configureCommand(command, settings);
  }
  const guard: PreHandler = (request, reply, done) => {
    const command = names.get(request.method) ?? name ?? `${request.method} ${route.url}`;
    protectResponse(hystrix, command, { request, reply, done }, reply.raw, fastify);
  };
  const existing: unknown = route.preHandler;
  route.preHandler = [
    ...(Array.isArray(existing)
      ? (existing as unknown[])
      : existing === undefined
        ? []
        : [existing]),
    guard,
  ] as NonNullable<RouteOptions['preHandler']>;
}

interface FastifyCall {
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  readonly done: HookHandlerDoneFunction;
}

const fastify: Framework<FastifyCall> = {
  enter({ request, done }, context) {
    request.hystrix = context;
    done();
  },
  answer({ reply }, answer: ShedAnswer) {
    reply.code(answer.status).header('cache-control', 'no-store');
    if (answer.retryAfter !== undefined) reply.header('retry-after', String(answer.retryAfter));
    reply.type('text/plain; charset=utf-8').send(answer.body);
  },
  abandon({ reply }) {
    reply.raw.destroy();
  },
  fail({ done }, error) {
    done(error instanceof Error ? error : new Error(String(error), { cause: error }));
  },
};
