/**
 * hystrix-ts/fastify on a real Fastify 5 app on 127.0.0.1: every route a command named by its template, its
 * settings from its `config.hystrix`, shed requests answered before the handler, the response's status as the
 * outcome, timeouts and client disconnects through the handler's signal. The registry runs on a ManualClock.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { afterEach, describe, expect, test } from 'vitest';
import { CLIENT_CLOSED, hystrixFastify } from '../../src/http/fastify.js';
import { type Hystrix, isTimeout, type ManualClock } from '../../src/index.js';
import { type Deferred, deferred, failOnUnhandled, manualHystrix, until } from '../helpers.js';
import { answered, get, send } from './http-client.js';

failOnUnhandled();

interface App {
  readonly app: FastifyInstance;
  readonly h: Hystrix;
  readonly clock: ManualClock;
  readonly entered: Map<string, number>;
  readonly held: Deferred<undefined>[];
  readonly signals: AbortSignal[];
  base: string;
}

let current: App | undefined;

afterEach(async () => {
  if (current !== undefined) {
    await current.app.close();
    await current.h.close();
  }
  current = undefined;
});

async function start(build: (t: App) => void): Promise<App> {
  const { h, clock } = manualHystrix();
  const t: App = {
    app: Fastify(),
    h,
    clock,
    entered: new Map(),
    held: [],
    signals: [],
    base: '',
  };
  current = t;
  await t.app.register(hystrixFastify, { hystrix: h });
  build(t);
  t.base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  return t;
}

function handler(t: App, then: (request: FastifyRequest, reply: FastifyReply) => unknown) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const name = request.hystrix?.name ?? 'unprotected';
    t.entered.set(name, (t.entered.get(name) ?? 0) + 1);
    if (request.hystrix !== null) t.signals.push(request.hystrix.signal);
    return then(request, reply);
  };
}

function held(t: App) {
  return handler(t, async () => {
    const gate = deferred<undefined>();
    t.held.push(gate);
    await gate.promise;
    return 'done';
  });
}

const stats = (t: App, name: string) => t.h.getCircuit(name).circuit.stats();

describe('hystrixFastify: outcomes', () => {
  test('a 2xx is a success of the command named by the method and the template', async () => {
    const t = await start((t) => {
      t.app.get<{ Params: { id: string } }>(
        '/users/:id',
        handler(t, (request) => ({ id: (request.params as { id: string }).id })),
      );
    });
    const a = answered(await get(t.base, '/users/42'));
    expect([a.status, JSON.parse(a.body)]).toEqual([200, { id: '42' }]);
    const s = stats(t, 'GET /users/:id');
    expect([s.successes, s.requests]).toEqual([1, 1]);
  });

  test('a 5xx and a thrown error are failures; a 4xx is a bad request', async () => {
    const t = await start((t) => {
      t.app.get(
        '/five',
        handler(t, (_q, reply) => reply.code(503).send('busy')),
      );
      t.app.get(
        '/throws',
        handler(t, () => {
          throw new Error('handler failed');
        }),
      );
      t.app.get(
        '/four',
        handler(t, (_q, reply) => reply.code(409).send('conflict')),
      );
    });
    expect(answered(await get(t.base, '/five')).status).toBe(503);
    expect(answered(await get(t.base, '/throws')).status).toBe(500);
    expect(answered(await get(t.base, '/four')).status).toBe(409);
    expect(stats(t, 'GET /five').failures).toBe(1);
    expect(stats(t, 'GET /throws').failures).toBe(1);
    const four = stats(t, 'GET /four');
    expect([four.badRequests, four.requests]).toEqual([1, 0]);
  });

  test('a failed validation and a hook that answers first never reach the command', async () => {
    const t = await start((t) => {
      t.app.post(
        '/items',
        {
          schema: { body: { type: 'object', required: ['n'] } },
          preHandler: (_request, reply, done) => {
            if (_request.headers['x-denied'] !== undefined) reply.code(401).send('no');
            else done();
          },
        },
        handler(t, () => 'made'),
      );
    });
    const invalid = answered(await get(t.base, '/items', 'POST', { json: { m: 1 } }));
    expect(invalid.status).toBe(400);
    const denied = { json: { n: 1 }, headers: { 'x-denied': '1' } };
    expect(answered(await get(t.base, '/items', 'POST', denied)).status).toBe(401);
    expect(t.h.getCircuits().map((c) => c.name)).toEqual([]);
    expect(answered(await get(t.base, '/items', 'POST', { json: { n: 1 } })).body).toBe('made');
    expect(stats(t, 'POST /items').successes).toBe(1);
    expect(t.entered.get('POST /items')).toBe(1);
  });

  test('a prefix is part of the name; several methods are a command each', async () => {
    const t = await start((t) => {
      void t.app.register(
        async (api) => {
          api.route({
            method: ['GET', 'PUT'],
            url: '/orders/:id',
            handler: handler(t, () => 'ok'),
          });
        },
        { prefix: '/api' },
      );
    });
    await get(t.base, '/api/orders/1');
    await get(t.base, '/api/orders/1', 'PUT');
    expect(stats(t, 'GET /api/orders/:id').successes).toBe(1);
    expect(stats(t, 'PUT /api/orders/:id').successes).toBe(1);
  });

  test('past the timeout: 504, the handler signal aborts with the timeout', async () => {
    const t = await start((t) => {
      t.app.get('/slow', { config: { hystrix: { timeout: 300 } } }, held(t));
    });
    const pending = get(t.base, '/slow');
    await until(() => t.held.length === 1);
    t.clock.advance(300);
    const a = answered(await pending);
    expect(a.status).toBe(504);
    expect(isTimeout(t.signals[0]!.reason)).toBe(true);
    expect(stats(t, 'GET /slow').timeouts).toBe(1);
    t.held[0]!.resolve(undefined);
  });

  test('a client that goes away aborts the handler signal; the call ends as context_canceled', async () => {
    const t = await start((t) => {
      t.app.get('/wait', held(t));
    });
    const pending = send(t.base, '/wait');
    await until(() => t.held.length === 1);
    pending.hangUp();
    await until(() => t.signals[0]!.aborted);
    expect(t.signals[0]!.reason).toBe(CLIENT_CLOSED);
    await until(() => stats(t, 'GET /wait').activeCount === 0);
    expect(stats(t, 'GET /wait').contextCanceled).toBe(1);
    t.held[0]!.resolve(undefined);
  });

  test('a client gone before the route was reached: context_canceled, the handler never runs', async () => {
    let held: { done: () => void; raw: { closed: boolean } } | undefined;
    const t = await start((t) => {
      t.app.get(
        '/late',
        {
          // An earlier hook that holds the request until the test has hung up.
          preHandler: (_request, reply, done) => {
            held = { done, raw: reply.raw };
          },
        },
        handler(t, () => 'never'),
      );
    });
    const pending = send(t.base, '/late');
    await until(() => held !== undefined);
    pending.hangUp();
    expect(await pending.answer).toMatchObject({ kind: 'cut' });
    await until(() => held!.raw.closed); // the server has seen the hang-up
    held!.done();
    await until(() => t.h.getCircuits().length === 1);
    expect(stats(t, 'GET /late').contextCanceled).toBe(1);
    expect(t.entered.get('GET /late')).toBeUndefined();
  });

  test('config.hystrix false leaves a route alone', async () => {
    const t = await start((t) => {
      t.app.get(
        '/health',
        { config: { hystrix: false } },
        handler(t, () => 'up'),
      );
    });
    expect(answered(await get(t.base, '/health')).body).toBe('up');
    expect(t.entered.get('unprotected')).toBe(1);
    expect(t.h.getCircuits()).toEqual([]);
  });
});

describe('hystrixFastify: shed requests never reach the handler', () => {
  test('past maxConcurrentRequests: 503 with Retry-After 1, no entry beyond the limit', async () => {
    const t = await start((t) => {
      t.app.get('/limited', { config: { hystrix: { maxConcurrentRequests: 2 } } }, held(t));
    });
    const first = [get(t.base, '/limited'), get(t.base, '/limited')];
    await until(() => t.held.length === 2);
    for (const a of (await Promise.all([1, 2, 3].map(() => get(t.base, '/limited')))).map(
      answered,
    )) {
      expect([a.status, a.headers['retry-after'], a.body]).toEqual([
        503,
        '1',
        'hystrix: max concurrency',
      ]);
    }
    expect(t.entered.get('GET /limited')).toBe(2);
    for (const gate of t.held) gate.resolve(undefined);
    expect((await Promise.all(first)).map((a) => answered(a).status)).toEqual([200, 200]);
  });

  test('past the rate limit: 429 with Retry-After; an open circuit: 503 with the sleep window', async () => {
    const t = await start((t) => {
      t.app.get(
        '/rated',
        { config: { hystrix: { maxRequestsPerSecond: 2, burst: 1 } } },
        handler(t, () => 'ok'),
      );
      t.app.get(
        '/open',
        { config: { hystrix: { name: 'legacy', sleepWindow: 10_000 } } },
        handler(t, () => 'never'),
      );
    });
    expect(answered(await get(t.base, '/rated')).status).toBe(200);
    const rated = answered(await get(t.base, '/rated'));
    expect([rated.status, rated.headers['retry-after']]).toEqual([429, '1']);
    t.h.getCircuit('legacy').circuit.forceOpen(true);
    const open = answered(await get(t.base, '/open'));
    expect([open.status, open.headers['retry-after'], open.body]).toEqual([
      503,
      '10',
      'hystrix: circuit open',
    ]);
    expect(t.entered.get('GET /rated')).toBe(1);
    expect(t.entered.get('legacy')).toBeUndefined();
  });
});

describe('hystrixFastify: settings', () => {
  test("config.hystrix is the command's settings from the route's registration", async () => {
    const t = await start((t) => {
      t.app.get(
        '/a',
        { config: { hystrix: { maxConcurrentRequests: 4, timeout: 900 } } },
        handler(t, () => 'a'),
      );
    });
    const s = t.h.getSettings('GET /a');
    expect([s.maxConcurrentRequests, s.timeout]).toEqual([4, 900]);
  });

  test('a bad config.hystrix throws when the route is registered', async () => {
    const { h } = manualHystrix();
    const app = Fastify();
    await app.register(hystrixFastify, { hystrix: h });
    expect(() =>
      app.get('/bad', { config: { hystrix: { maxConcurrentRequests: -1 } } }, () => 'x'),
    ).toThrow(/route GET \/bad: config.hystrix: maxConcurrentRequests/);
    await app.close();
  });
});
