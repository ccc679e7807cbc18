/**
 * hystrix-ts/express on a real Express 5 app on 127.0.0.1: each route a command, shed requests answered before
 * the handler, the response's status as the outcome, timeouts and client disconnects through the handler's
 * signal. The registry runs on a ManualClock: timeouts, waits in the queue and refills happen when the test says.
 */
import type { Server } from 'node:http';
import express, { type Express, type Request, type Response } from 'express';
import { afterEach, describe, expect, test } from 'vitest';
import { CLIENT_CLOSED, protect } from '../../src/http/express.js';
import { type Hystrix, isTimeout, type ManualClock } from '../../src/index.js';
import { type Deferred, deferred, failOnUnhandled, manualHystrix, until } from '../helpers.js';
import { answered, closeServer, get, send } from './http-client.js';

failOnUnhandled();

interface App {
  readonly app: Express;
  readonly h: Hystrix;
  readonly clock: ManualClock;
  /** Requests that reached a handler, by route. */
  readonly entered: Map<string, number>;
  /** Handlers waiting for the test to let them answer. */
  readonly held: Deferred<undefined>[];
  /** The signals the handlers saw. */
  readonly signals: AbortSignal[];
  base: string;
}

let server: Server | undefined;
let registry: Hystrix | undefined;

afterEach(async () => {
  if (server !== undefined) await closeServer(server);
  server = undefined;
  await registry?.close();
  registry = undefined;
});

/** An app whose routes count their entries; `build` adds routes with `protect` bound to the registry. */
async function start(build: (t: App) => void): Promise<App> {
  const { h, clock } = manualHystrix();
  registry = h;
  const t: App = {
    app: express(),
    h,
    clock,
    entered: new Map(),
    held: [],
    signals: [],
    base: '',
  };
  build(t);
  server = t.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server!.once('listening', resolve));
  t.base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return t;
}

/** A handler that counts its entry, records its signal, then does `then`. */
function handler(t: App, then: (req: Request, res: Response) => unknown) {
  return async (req: Request, res: Response): Promise<void> => {
    const name = req.hystrix?.name ?? 'unprotected';
    t.entered.set(name, (t.entered.get(name) ?? 0) + 1);
    if (req.hystrix !== undefined) t.signals.push(req.hystrix.signal);
    await then(req, res);
  };
}

/** A handler that waits until the test releases it, then answers 200. */
function held(t: App) {
  return handler(t, async (_req, res) => {
    const gate = deferred<undefined>();
    t.held.push(gate);
    await gate.promise;
    res.send('done');
  });
}

const stats = (t: App, name: string) => t.h.getCircuit(name).circuit.stats();

describe('protect(): outcomes', () => {
  test('a 2xx is a success of the command named by the method and the template', async () => {
    const t = await start((t) => {
      t.app.get(
        '/users/:id',
        protect({ hystrix: t.h }),
        handler(t, (req, res) => res.json({ id: req.params['id'] })),
      );
    });
    const a = answered(await get(t.base, '/users/42'));
    expect(a.status).toBe(200);
    expect(JSON.parse(a.body)).toEqual({ id: '42' });
    const s = stats(t, 'GET /users/:id');
    expect([s.successes, s.failures, s.requests]).toEqual([1, 0, 1]);
    expect(t.entered.get('GET /users/:id')).toBe(1);
  });

  test('a 5xx and a thrown error are failures; a 4xx is a bad request, not counted toward health', async () => {
    const t = await start((t) => {
      t.app.get(
        '/five',
        protect({ hystrix: t.h }),
        handler(t, (_req, res) => res.status(502).send('bad gateway')),
      );
      t.app.get(
        '/throws',
        protect({ hystrix: t.h }),
        handler(t, () => {
          throw new Error('handler failed');
        }),
      );
      t.app.get(
        '/four',
        protect({ hystrix: t.h }),
        handler(t, (_req, res) => res.status(404).send('no such')),
      );
    });
    expect(answered(await get(t.base, '/five')).status).toBe(502);
    expect(answered(await get(t.base, '/throws')).status).toBe(500);
    expect(answered(await get(t.base, '/four')).status).toBe(404);
    expect(stats(t, 'GET /five').failures).toBe(1);
    expect(stats(t, 'GET /throws').failures).toBe(1);
    const four = stats(t, 'GET /four');
    expect([four.badRequests, four.requests, four.errors]).toEqual([1, 0, 0]);
  });

  test("the route's path parameters stay typed for the handler after protect()", async () => {
    const t = await start((t) => {
      // Compiles only if `req.params.id` is inferred from the path through the middleware.
      t.app.get('/typed/:id', protect({ hystrix: t.h }), (req, res) => {
        const id: string = req.params.id;
        res.send(id);
      });
    });
    expect(answered(await get(t.base, '/typed/abc')).body).toBe('abc');
  });

  test('a router mounted on a path names its routes with the mount path', async () => {
    const t = await start((t) => {
      const router = express.Router();
      router.post(
        '/orders/:id',
        protect({ hystrix: t.h }),
        handler(t, (_req, res) => res.status(201).end()),
      );
      t.app.use('/api', router);
    });
    expect(answered(await get(t.base, '/api/orders/7', 'POST')).status).toBe(201);
    expect(stats(t, 'POST /api/orders/:id').successes).toBe(1);
  });

  test('a slow handler within its timeout is a success, its latency measured and counted as slow', async () => {
    const t = await start((t) => {
      t.app.get('/slow', protect({ hystrix: t.h, timeout: 500, slowCallDuration: 100 }), held(t));
    });
    const pending = get(t.base, '/slow');
    await until(() => t.held.length === 1);
    t.clock.advance(300);
    t.held[0]!.resolve(undefined);
    expect(answered(await pending).status).toBe(200);
    const s = stats(t, 'GET /slow');
    expect([s.successes, s.timeouts, s.slowCalls]).toEqual([1, 0, 1]);
    expect(s.runLatency.p100).toBeGreaterThanOrEqual(300);
    expect(t.signals[0]!.aborted).toBe(false);
  });

  test('past the timeout: 504, the handler signal aborts with the timeout, the outcome is a timeout', async () => {
    const t = await start((t) => {
      t.app.get('/slow', protect({ hystrix: t.h, timeout: 200 }), held(t));
    });
    const pending = get(t.base, '/slow');
    await until(() => t.held.length === 1);
    t.clock.advance(200);
    const a = answered(await pending);
    expect(a.status).toBe(504);
    expect(a.headers['retry-after']).toBeUndefined();
    expect(t.signals[0]!.aborted).toBe(true);
    expect(isTimeout(t.signals[0]!.reason)).toBe(true);
    expect(stats(t, 'GET /slow').timeouts).toBe(1);
    // The handler that ignored its signal answers late: its answer goes nowhere, and nothing is thrown.
    t.held[0]!.resolve(undefined);
  });

  test('past the timeout with the headers sent: the response is cut off', async () => {
    const t = await start((t) => {
      t.app.get(
        '/stream',
        protect({ hystrix: t.h, timeout: 200 }),
        handler(t, async (req, res) => {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.write('part one');
          await new Promise((resolve) => req.hystrix!.signal.addEventListener('abort', resolve));
        }),
      );
    });
    const pending = send(t.base, '/stream');
    await until(() => t.signals.length === 1);
    t.clock.advance(200);
    const a = await pending.answer;
    expect(a).toMatchObject({ kind: 'cut', status: 200 });
    expect(stats(t, 'GET /stream').timeouts).toBe(1);
  });

  test('a client that goes away aborts the handler signal and the call ends as context_canceled', async () => {
    const t = await start((t) => {
      t.app.get('/wait', protect({ hystrix: t.h }), held(t));
    });
    const pending = send(t.base, '/wait');
    await until(() => t.held.length === 1);
    pending.hangUp();
    await until(() => t.signals[0]!.aborted);
    expect(t.signals[0]!.reason).toBe(CLIENT_CLOSED);
    const s = stats(t, 'GET /wait');
    expect([s.contextCanceled, s.failures, s.successes]).toEqual([1, 0, 0]);
    // Its ticket came back with the response's close.
    await until(() => stats(t, 'GET /wait').activeCount === 0);
    t.held[0]!.resolve(undefined);
    expect(await pending.answer).toMatchObject({ kind: 'cut' });
  });

  test("the registry's close() answers 503 for a handler still running", async () => {
    const t = await start((t) => {
      t.app.get('/wait', protect({ hystrix: t.h }), held(t));
    });
    const pending = get(t.base, '/wait');
    await until(() => t.held.length === 1);
    await t.h.close();
    const a = answered(await pending);
    expect(a.status).toBe(503);
    expect(t.signals[0]!.aborted).toBe(true);
    t.held[0]!.resolve(undefined);
  });
});

describe('protect(): shed requests never reach the handler', () => {
  test('past maxConcurrentRequests: 503 with Retry-After 1, and no entry beyond the limit', async () => {
    const t = await start((t) => {
      t.app.get('/limited', protect({ hystrix: t.h, maxConcurrentRequests: 2 }), held(t));
    });
    const first = [get(t.base, '/limited'), get(t.base, '/limited')];
    await until(() => t.held.length === 2);
    const shed = await Promise.all([1, 2, 3].map(() => get(t.base, '/limited')));
    for (const a of shed.map(answered)) {
      expect(a.status).toBe(503);
      expect(a.headers['retry-after']).toBe('1');
      expect(a.body).toBe('hystrix: max concurrency');
    }
    expect(t.entered.get('GET /limited')).toBe(2);
    for (const gate of t.held) gate.resolve(undefined);
    expect((await Promise.all(first)).map((a) => answered(a).status)).toEqual([200, 200]);
    const s = stats(t, 'GET /limited');
    expect([s.successes, s.rejects]).toEqual([2, 3]);
  });

  test('with a queue: one waits and runs when a ticket returns, the next is 503, an expired wait is 503', async () => {
    const t = await start((t) => {
      t.app.get(
        '/queued',
        protect({ hystrix: t.h, maxConcurrentRequests: 1, maxQueueSize: 1, maxQueueWait: 500 }),
        held(t),
      );
    });
    const running = get(t.base, '/queued');
    await until(() => t.held.length === 1);
    const waiting = get(t.base, '/queued');
    await until(() => stats(t, 'GET /queued').queueSize === 1);
    expect(answered(await get(t.base, '/queued')).status).toBe(503); // the queue is full
    t.held[0]!.resolve(undefined);
    expect(answered(await running).status).toBe(200);
    await until(() => t.held.length === 2); // the waiting one got the ticket
    const waitsAgain = get(t.base, '/queued');
    await until(() => stats(t, 'GET /queued').queueSize === 1);
    t.clock.advance(500);
    const expired = answered(await waitsAgain);
    expect([expired.status, expired.headers['retry-after']]).toEqual([503, '1']);
    t.held[1]!.resolve(undefined);
    expect(answered(await waiting).status).toBe(200);
    expect(t.entered.get('GET /queued')).toBe(2);
  });

  test('past the rate limit: 429 with Retry-After the time to refill one token', async () => {
    const t = await start((t) => {
      t.app.get(
        '/rated',
        protect({ hystrix: t.h, maxRequestsPerSecond: 0.4, burst: 1 }),
        handler(t, (_req, res) => res.send('ok')),
      );
    });
    expect(answered(await get(t.base, '/rated')).status).toBe(200);
    const a = answered(await get(t.base, '/rated'));
    expect([a.status, a.headers['retry-after'], a.body]).toEqual([
      429,
      '3',
      'hystrix: rate limited',
    ]);
    t.clock.advance(2500); // 1 / 0.4 s: one token again
    expect(answered(await get(t.base, '/rated')).status).toBe(200);
    expect(t.entered.get('GET /rated')).toBe(2);
    expect(stats(t, 'GET /rated').rateLimited).toBe(1);
  });

  test('an open circuit: 503 with Retry-After the sleep window in seconds', async () => {
    const t = await start((t) => {
      t.app.get(
        '/flaky',
        protect({ hystrix: t.h, requestVolumeThreshold: 2, sleepWindow: 2500 }),
        handler(t, (_req, res) => res.status(500).send('down')),
      );
    });
    for (let i = 0; i < 2; i++) expect(answered(await get(t.base, '/flaky')).status).toBe(500);
    const a = answered(await get(t.base, '/flaky'));
    expect([a.status, a.headers['retry-after'], a.body]).toEqual([
      503,
      '3',
      'hystrix: circuit open',
    ]);
    expect(t.entered.get('GET /flaky')).toBe(2);
    expect(stats(t, 'GET /flaky').shortCircuits).toBe(1);
  });

  test('a client that goes away while waiting in the queue leaves it; its handler never runs', async () => {
    const t = await start((t) => {
      t.app.get(
        '/queued',
        protect({ hystrix: t.h, maxConcurrentRequests: 1, maxQueueSize: 1 }),
        held(t),
      );
    });
    const running = get(t.base, '/queued');
    await until(() => t.held.length === 1);
    const leaving = send(t.base, '/queued');
    await until(() => stats(t, 'GET /queued').queueSize === 1);
    leaving.hangUp();
    await until(() => stats(t, 'GET /queued').queueSize === 0);
    expect(stats(t, 'GET /queued').contextCanceled).toBe(1);
    t.held[0]!.resolve(undefined);
    expect(answered(await running).status).toBe(200);
    expect(t.entered.get('GET /queued')).toBe(1);
  });
});

describe('protect(): settings and names', () => {
  test("the options are the command's settings, applied on the route's first request", async () => {
    const t = await start((t) => {
      t.app.get(
        '/a',
        protect({ hystrix: t.h, maxConcurrentRequests: 3, timeout: 700 }),
        handler(t, (_q, r) => r.send('a')),
      );
    });
    expect(t.h.getSettings('GET /a').maxConcurrentRequests).toBe(10);
    await get(t.base, '/a');
    const s = t.h.getSettings('GET /a');
    expect([s.maxConcurrentRequests, s.timeout]).toEqual([3, 700]);
  });

  test("without settings, the registry's own configuration for the template applies", async () => {
    const t = await start((t) => {
      t.h.configure({ 'GET /b': { maxConcurrentRequests: 1 } });
      t.app.get('/b', protect({ hystrix: t.h }), held(t));
    });
    const first = get(t.base, '/b');
    await until(() => t.held.length === 1);
    expect(answered(await get(t.base, '/b')).status).toBe(503);
    t.held[0]!.resolve(undefined);
    expect(answered(await first).status).toBe(200);
  });

  test('with app.use() and no name, the request fails with a TypeError; with a name it is one command', async () => {
    const t = await start((t) => {
      t.app.use('/x', protect({ hystrix: t.h }));
      t.app.use('/y', protect({ hystrix: t.h, name: 'y-area' }));
      t.app.get('/x', (_req, res) => res.send('x'));
      t.app.get(
        '/y',
        handler(t, (_req, res) => res.send('y')),
      );
      // Express tells an error handler by its four parameters.
      // eslint-disable-next-line @typescript-eslint/no-unused-vars
      t.app.use((error: unknown, _req: Request, res: Response, _next: unknown) => {
        res.status(500).send(error instanceof TypeError ? 'TypeError' : 'other');
      });
    });
    expect(answered(await get(t.base, '/x'))).toMatchObject({ status: 500, body: 'TypeError' });
    expect(answered(await get(t.base, '/y'))).toMatchObject({ status: 200, body: 'y' });
    expect(stats(t, 'y-area').successes).toBe(1);
  });

  test('bad options throw at once, with where they were given', () => {
    expect(() => protect({ maxConcurrentRequests: 0 })).toThrow(RangeError);
    expect(() => protect({ maxConcurrentRequests: 0 })).toThrow(
      /^protect\(options\): maxConcurrentRequests/,
    );
    expect(() => protect({ name: 5 as unknown as string })).toThrow(TypeError);
    expect(() => protect({ bogus: 1 } as never)).toThrow(/unknown key 'bogus'/);
    expect(() => protect(null as never)).toThrow(TypeError);
    expect(() => protect({ isBadRequest: () => true } as never)).toThrow(/status code/);
  });
});
