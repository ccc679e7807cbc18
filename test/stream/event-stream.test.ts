/**
 * The Hystrix event stream over real sockets on 127.0.0.1: hystrix-go's format field by field (reference §5),
 * hystrix-go's own stream tests, and the deliberate additions: a ping at once, one shared tick, bounded memory
 * for slow clients, a client limit, stop() and close().
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, test } from 'vitest';
import { ErrCircuitOpen, type Hystrix, type ManualClock } from '../../src/index.js';
import { HystrixStream, startStreamServer, type StreamServer } from '../../src/stream/index.js';
import { deferred, failOnUnhandled, manualHystrix, until, untilAborted } from '../helpers.js';
import { POLICY_SETTINGS, policyTraffic } from '../policy-traffic.js';
import { keyOrder, openStream, type SseConnection } from './sse-client.js';

failOnUnhandled();

const COMMAND_KEYS = [
  'type',
  'name',
  'group',
  'currentTime',
  'reportingHosts',
  'requestCount',
  'errorCount',
  'errorPercentage',
  'isCircuitBreakerOpen',
  // Hystrix Java's, in its alphabetical place: the Netflix dashboard shows it; hystrix-go's reader ignores it.
  'rollingCountBadRequests',
  'rollingCountCollapsedRequests',
  'rollingCountExceptionsThrown',
  'rollingCountFailure',
  'rollingCountFallbackFailure',
  'rollingCountFallbackRejection',
  'rollingCountFallbackSuccess',
  'rollingCountResponsesFromCache',
  'rollingCountSemaphoreRejected',
  'rollingCountShortCircuited',
  'rollingCountSuccess',
  'rollingCountThreadPoolRejected',
  'rollingCountTimeout',
  'currentConcurrentExecutionCount',
  'latencyExecute_mean',
  'latencyExecute',
  'latencyTotal_mean',
  'latencyTotal',
  'propertyValue_circuitBreakerRequestVolumeThreshold',
  'propertyValue_circuitBreakerSleepWindowInMilliseconds',
  'propertyValue_circuitBreakerErrorThresholdPercentage',
  'propertyValue_circuitBreakerForceOpen',
  'propertyValue_circuitBreakerForceClosed',
  'propertyValue_circuitBreakerEnabled',
  'propertyValue_executionIsolationStrategy',
  'propertyValue_executionIsolationThreadTimeoutInMilliseconds',
  'propertyValue_executionIsolationThreadInterruptOnTimeout',
  'propertyValue_executionIsolationThreadPoolKeyOverride',
  'propertyValue_executionIsolationSemaphoreMaxConcurrentRequests',
  'propertyValue_fallbackIsolationSemaphoreMaxConcurrentRequests',
  'propertyValue_metricsRollingStatisticalWindowInMilliseconds',
  'propertyValue_requestCacheEnabled',
  'propertyValue_requestLogEnabled',
];
const BOOLEAN_KEYS = new Set([
  'isCircuitBreakerOpen',
  'propertyValue_circuitBreakerForceOpen',
  'propertyValue_circuitBreakerForceClosed',
  'propertyValue_circuitBreakerEnabled',
  'propertyValue_executionIsolationThreadInterruptOnTimeout',
  'propertyValue_requestCacheEnabled',
  'propertyValue_requestLogEnabled',
]);
const STRING_KEYS = new Set([
  'type',
  'name',
  'group',
  'propertyValue_executionIsolationStrategy',
  'propertyValue_executionIsolationThreadPoolKeyOverride',
]);
const LATENCY_KEYS = ['0', '25', '50', '75', '90', '95', '99', '99.5', '100'];
const POOL_KEYS = [
  'type',
  'name',
  'reportingHosts',
  'currentActiveCount',
  'currentCompletedTaskCount',
  'currentCorePoolSize',
  'currentLargestPoolSize',
  'currentMaximumPoolSize',
  'currentPoolSize',
  'currentQueueSize',
  'currentTaskCount',
  'rollingMaxActiveThreads',
  'rollingCountThreadsExecuted',
  'propertyValue_metricsRollingStatisticalWindowInMilliseconds',
  'propertyValue_queueSizeRejectionThreshold',
];

const isUint32 = (v: unknown): boolean =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 4_294_967_295;

type Message = Record<string, unknown>;

const open: { server: StreamServer; connections: SseConnection[] }[] = [];
afterEach(async () => {
  for (const { server, connections } of open.splice(0)) {
    for (const c of connections) c.close();
    await server.close();
  }
});

async function serve(
  options: { interval?: number; maxClients?: number; bufferFrames?: number } = {},
): Promise<{
  h: Hystrix;
  clock: ManualClock;
  server: StreamServer;
  connect: (path?: string) => Promise<SseConnection>;
}> {
  const { h, clock } = manualHystrix();
  const server = await startStreamServer({ hystrix: h, ...options });
  const entry = { server, connections: [] as SseConnection[] };
  open.push(entry);
  return {
    h,
    clock,
    server,
    connect: async (path = '/hystrix.stream') => {
      const c = await openStream(server.url + path);
      entry.connections.push(c);
      return c;
    },
  };
}

function messages(c: SseConnection, type: string): Message[] {
  return c.data.map((d) => JSON.parse(d) as Message).filter((m) => m['type'] === type);
}

/** The last message of a type for a circuit. */
function last(c: SseConnection, type: string, name: string): Message {
  const found = messages(c, type).filter((m) => m['name'] === name);
  expect(found.length, `${type} for ${name}`).toBeGreaterThan(0);
  return found.at(-1)!;
}

describe("hystrix-go's format, field by field (reference §5.1, §5.2)", () => {
  test('HystrixCommand: every field, in order, with its type, and the values of the circuit', async () => {
    const { h, clock, connect } = await serve();
    h.configureCommand('cmd', {
      timeout: 250,
      maxConcurrentRequests: 7,
      requestVolumeThreshold: 30,
    });
    await h.go('cmd', async () => 1);
    await h.go('cmd', async () => {
      throw new Error('no');
    });
    await h.go(
      'cmd',
      async () => Promise.reject(new Error('no')),
      () => 'fallback',
    );
    const c = await connect();
    await c.waitForData(2);
    const raw = c.data.find((d) => d.startsWith('{"type":"HystrixCommand"'))!;
    expect(keyOrder(raw)).toEqual(COMMAND_KEYS);
    const m = JSON.parse(raw) as Message;
    for (const key of COMMAND_KEYS) {
      if (key === 'currentTime') {
        // int64 milliseconds since the epoch in hystrix-go, beyond uint32.
        expect(Number.isSafeInteger(m[key]) && (m[key] as number) > 0, key).toBe(true);
      } else if (BOOLEAN_KEYS.has(key)) expect(typeof m[key], key).toBe('boolean');
      else if (STRING_KEYS.has(key)) expect(typeof m[key], key).toBe('string');
      else if (key === 'latencyExecute' || key === 'latencyTotal') {
        const latencyRaw = /"latencyExecute":(\{[^}]*\})/.exec(raw)![1]!;
        expect(keyOrder(latencyRaw)).toEqual(LATENCY_KEYS);
        for (const k of LATENCY_KEYS)
          expect(isUint32((m[key] as Message)[k]), `${key}.${k}`).toBe(true);
      } else expect(isUint32(m[key]), key).toBe(true);
    }
    const stats = h.getCircuit('cmd').circuit.stats();
    expect(m).toMatchObject({
      type: 'HystrixCommand',
      name: 'cmd',
      group: 'cmd',
      currentTime: Math.trunc(clock.now()),
      reportingHosts: 1,
      requestCount: 3,
      errorCount: 2,
      errorPercentage: stats.errorPercent,
      isCircuitBreakerOpen: false,
      rollingCountSuccess: 1,
      rollingCountFailure: 2,
      rollingCountBadRequests: 0,
      rollingCountFallbackSuccess: 1,
      rollingCountFallbackFailure: 0,
      rollingCountShortCircuited: 0,
      rollingCountThreadPoolRejected: 0,
      rollingCountTimeout: 0,
      currentConcurrentExecutionCount: 0,
      propertyValue_circuitBreakerRequestVolumeThreshold: 30,
      propertyValue_circuitBreakerSleepWindowInMilliseconds: 5000,
      propertyValue_circuitBreakerErrorThresholdPercentage: 50,
      propertyValue_circuitBreakerForceOpen: false,
      propertyValue_circuitBreakerForceClosed: false,
      propertyValue_circuitBreakerEnabled: true,
      propertyValue_executionIsolationStrategy: 'THREAD',
      propertyValue_executionIsolationThreadTimeoutInMilliseconds: 250,
      propertyValue_executionIsolationThreadPoolKeyOverride: '',
      propertyValue_metricsRollingStatisticalWindowInMilliseconds: 10_000,
      rollingCountCollapsedRequests: 0,
      rollingCountExceptionsThrown: 0,
      rollingCountFallbackRejection: 0,
      rollingCountResponsesFromCache: 0,
      rollingCountSemaphoreRejected: 0,
      propertyValue_executionIsolationSemaphoreMaxConcurrentRequests: 0,
      propertyValue_fallbackIsolationSemaphoreMaxConcurrentRequests: 0,
      propertyValue_requestCacheEnabled: false,
      propertyValue_requestLogEnabled: false,
    });
  });

  test('HystrixThreadPool: every field, in order, all uint32, and the values of the pool', async () => {
    const { h, connect } = await serve();
    h.configureCommand('pool', { maxConcurrentRequests: 7 });
    const hold = deferred();
    const held = h.go('pool', () => hold.promise);
    await h.go('pool', async () => 1);
    const c = await connect();
    await c.waitForData(2);
    const raw = c.data.find((d) => d.startsWith('{"type":"HystrixThreadPool"'))!;
    expect(keyOrder(raw)).toEqual(POOL_KEYS);
    const m = JSON.parse(raw) as Message;
    for (const key of POOL_KEYS.slice(2)) expect(isUint32(m[key]), key).toBe(true);
    expect(m).toEqual({
      type: 'HystrixThreadPool',
      name: 'pool',
      reportingHosts: 1,
      currentActiveCount: 1,
      currentCompletedTaskCount: 0,
      currentCorePoolSize: 7,
      currentLargestPoolSize: 7,
      currentMaximumPoolSize: 7,
      currentPoolSize: 7,
      currentQueueSize: 0,
      currentTaskCount: 0,
      rollingMaxActiveThreads: 2,
      rollingCountThreadsExecuted: 1,
      propertyValue_metricsRollingStatisticalWindowInMilliseconds: 10_000,
      propertyValue_queueSizeRejectionThreshold: 0,
    });
    hold.resolve(undefined);
    await held;
  });

  test("the policies' figures: bad requests, the queue, and the extended message's counts and settings", async () => {
    const { h, clock, connect } = await serve();
    const traffic = await policyTraffic(h, clock, 'api');
    const stats = h.getCircuit('api').circuit.stats();
    expect(stats).toMatchObject({ badRequests: 1, rateLimited: 1, slowCalls: 1, queueSize: 1 });
    const c = await connect('/hystrix.stream?extended=true');
    await c.waitForData(3);
    const raw = c.data.find((d) => d.startsWith('{"type":"HystrixCommand"'))!;
    expect(keyOrder(raw)).toEqual(COMMAND_KEYS);
    expect(last(c, 'HystrixCommand', 'api')).toMatchObject({
      requestCount: stats.requests,
      rollingCountBadRequests: stats.badRequests,
      rollingCountSuccess: stats.successes,
    });
    const rawPool = c.data.find((d) => d.startsWith('{"type":"HystrixThreadPool"'))!;
    expect(keyOrder(rawPool)).toEqual(POOL_KEYS);
    expect(last(c, 'HystrixThreadPool', 'api')).toMatchObject({
      currentActiveCount: 1,
      currentQueueSize: stats.queueSize,
      propertyValue_queueSizeRejectionThreshold: POLICY_SETTINGS.maxQueueSize,
    });
    expect(last(c, 'HystrixTsCircuit', 'api')).toMatchObject({
      badRequests: stats.badRequests,
      rateLimited: stats.rateLimited,
      slowCalls: stats.slowCalls,
      consecutiveFailures: stats.consecutiveFailures,
      queueSize: stats.queueSize,
      maxRequestsPerSecond: POLICY_SETTINGS.maxRequestsPerSecond,
      maxQueueSize: POLICY_SETTINGS.maxQueueSize,
    });
    await traffic.release();
    const after = c.data.length;
    clock.advance(1000);
    // A frame message, then the circuit's three.
    await c.waitForData(after + 4);
    expect(last(c, 'HystrixThreadPool', 'api')['currentQueueSize']).toBe(0);
    expect(last(c, 'HystrixTsCircuit', 'api')).toMatchObject({ queueSize: 0, badRequests: 1 });
  });

  test("an adaptive limit: the pool's size is its limit, and its state is in the extended message", async () => {
    const { h, connect } = await serve();
    h.configureCommand('api', {
      adaptiveConcurrency: 'gradient2',
      minConcurrentRequests: 3,
      maxConcurrentRequests: 40,
    });
    await h.go('api', async () => 1);
    await h.go('fixed', async () => 1);
    const c = await connect('/hystrix.stream?extended=true');
    await c.waitForData(6);
    expect(last(c, 'HystrixThreadPool', 'api')['currentMaximumPoolSize']).toBe(3);
    expect(last(c, 'HystrixTsCircuit', 'api')).toMatchObject({
      maxConcurrentRequests: 3,
      adaptive: {
        algorithm: 'gradient2',
        limit: 3,
        minLimit: 3,
        maxLimit: 40,
        samples: 1,
        drops: 0,
        rttNoLoad: null,
        lastRtt: null,
      },
    });
    expect(last(c, 'HystrixTsCircuit', 'fixed')['adaptive']).toBeNull();
  });

  test('consecutive failures reach the extended message', async () => {
    const { h, connect } = await serve();
    for (let i = 0; i < 3; i++) {
      await h.go('down', async () => {
        throw new Error('down');
      });
    }
    const c = await connect('/hystrix.stream?extended=true');
    await c.waitForData(3);
    expect(h.getCircuit('down').circuit.stats().consecutiveFailures).toBe(3);
    expect(last(c, 'HystrixTsCircuit', 'down')['consecutiveFailures']).toBe(3);
  });

  test("retries and hedges reach the extended message, with the commands' attempts", async () => {
    const { h, clock, connect } = await serve();
    h.configureCommand('retried', { retryAttempts: 3, retryBackoffBase: 1 });
    let tries = 0;
    const retried = h.go('retried', () => {
      if (++tries === 1) throw new Error('once');
      return 'ok';
    });
    h.configureCommand('hedged', { hedgeMaxAttempts: 2, hedgeDelay: 5 });
    let attempts = 0;
    const hedged = h.go('hedged', (ctx) => (++attempts === 1 ? untilAborted(ctx) : 'ok'));
    await clock.advanceAsync(5);
    await Promise.all([retried, hedged]);
    const c = await connect('/hystrix.stream?extended=true');
    await c.waitForData(7);
    expect(last(c, 'HystrixTsCircuit', 'retried')).toMatchObject({
      retries: 1,
      hedges: 0,
      hedgeWins: 0,
      retryAttempts: 3,
      hedgeMaxAttempts: 1,
    });
    expect(last(c, 'HystrixTsCircuit', 'hedged')).toMatchObject({
      retries: 0,
      hedges: 1,
      hedgeWins: 1,
      retryAttempts: 1,
      hedgeMaxAttempts: 2,
    });
  });

  test("frames are 'data:' + JSON + a blank line, no space after 'data:', command then pool per circuit", async () => {
    const { h, connect } = await serve();
    await h.go('a', async () => 1);
    await h.go('b', async () => 1);
    const c = await connect();
    await c.waitForData(4);
    expect(c.raw()).toMatch(/^: ping\n\ndata:\{"type":"HystrixCommand","name":"a"/);
    expect(c.raw()).not.toContain('data: ');
    expect(c.data.slice(0, 4).map((d) => (JSON.parse(d) as Message)['type'])).toEqual([
      'HystrixCommand',
      'HystrixThreadPool',
      'HystrixCommand',
      'HystrixThreadPool',
    ]);
  });

  test('a limit beyond uint32 is sent as the largest uint32, not as a number hystrix-go cannot read', async () => {
    const { h, connect } = await serve();
    h.configureCommand('huge', { maxConcurrentRequests: Number.MAX_SAFE_INTEGER });
    await h.go('huge', async () => 1);
    const c = await connect();
    await c.waitForData(2);
    expect(last(c, 'HystrixThreadPool', 'huge')['currentPoolSize']).toBe(4_294_967_295);
  });

  test('names are JSON-escaped, any string is a name', async () => {
    const { h, connect } = await serve();
    const names = ['quote"back\\slash', '__proto__', 'line\nbreak', 'ünïcödé ✓', ''];
    for (const name of names) await h.go(name, async () => 1);
    const c = await connect();
    await c.waitForData(names.length * 2);
    expect(messages(c, 'HystrixCommand').map((m) => m['name'])).toEqual(names);
  });
});

describe("hystrix-go's stream tests", () => {
  test('TestEventStream: two successes -> requestCount 2; one success, two failures -> 67 %', async () => {
    const { h, connect } = await serve();
    for (let i = 0; i < 2; i++) await h.go('eventstream', async () => 1);
    await h.go('errorpercent', async () => 1);
    for (let i = 0; i < 2; i++) {
      await h.go('errorpercent', async () => {
        throw new Error('no');
      });
    }
    const c = await connect();
    await c.waitForData(4);
    expect(last(c, 'HystrixCommand', 'eventstream')['requestCount']).toBe(2);
    expect(last(c, 'HystrixCommand', 'errorpercent')['errorPercentage']).toBe(67);
  });

  test('TestClientCancelEventStream: a client that disconnects is forgotten at once', async () => {
    const { server, connect } = await serve();
    const c = await connect();
    await c.waitForComments(1);
    expect(server.stream.clientCount).toBe(1);
    c.close();
    await until(() => server.stream.clientCount === 0);
    expect(server.stream.clientCount).toBe(0);
  });

  test('TestThreadPoolStream: one success -> threads executed 1, pool size 10', async () => {
    const { h, connect } = await serve();
    await h.go('threadpool', async () => 1);
    const c = await connect();
    await c.waitForData(2);
    const m = last(c, 'HystrixThreadPool', 'threadpool');
    expect(m['rollingCountThreadsExecuted']).toBe(1);
    expect(m['currentPoolSize']).toBe(10);
  });
});

describe('ticks', () => {
  test('a ping at once, even with no circuit, and while idle', async () => {
    const { clock, connect } = await serve();
    const c = await connect();
    expect(c.response.statusCode).toBe(200);
    expect(c.response.headers['content-type']).toBe('text/event-stream');
    expect(c.response.headers['cache-control']).toBe('no-cache');
    await c.waitForComments(1);
    clock.advance(1000);
    await c.waitForComments(2);
    expect(c.data).toEqual([]);
  });

  test('one frame a tick, one timer for every client, and no timer without clients', async () => {
    const { h, clock, server, connect } = await serve({ interval: 500 });
    await h.go('x', async () => 1);
    expect(clock.pendingTimers()).toBe(1); // the command's deadline timer only
    clock.advance(1000); // let it fire and go
    expect(clock.pendingTimers()).toBe(0);
    const a = await connect();
    const b = await connect();
    await a.waitForData(2);
    await b.waitForData(2);
    expect(clock.pendingTimers()).toBe(1);
    clock.advance(500);
    await a.waitForData(4);
    await b.waitForData(4);
    clock.advance(500);
    await a.waitForData(6);
    await b.waitForData(6);
    expect(a.data).toHaveLength(6);
    expect(clock.pendingTimers()).toBe(1);
    a.close();
    b.close();
    await until(() => server.stream.clientCount === 0);
    expect(clock.pendingTimers()).toBe(0);
  });

  test('figures follow the circuit from tick to tick', async () => {
    const { h, clock, connect } = await serve();
    const c = await connect();
    await h.go('x', async () => 1);
    clock.advance(1000);
    await c.waitForData(2);
    expect(last(c, 'HystrixCommand', 'x')['requestCount']).toBe(1);
    await h.go('x', async () => 1);
    h.getCircuit('x').circuit.forceOpen(true);
    expect(await h.go('x', async () => 1)).toBeCircuitError(ErrCircuitOpen);
    clock.advance(1000);
    await c.waitForData(4);
    const m = last(c, 'HystrixCommand', 'x');
    expect(m).toMatchObject({
      requestCount: 3,
      rollingCountSuccess: 2,
      rollingCountShortCircuited: 1,
      isCircuitBreakerOpen: true,
      propertyValue_circuitBreakerForceOpen: true,
    });
  });

  test('reading for the stream never opens a circuit (hystrix-go #105)', async () => {
    const { h, clock, connect } = await serve();
    h.configureCommand('tripped', { requestVolumeThreshold: 2 });
    for (let i = 0; i < 2; i++) {
      await h.go('tripped', async () => {
        throw new Error('no');
      });
    }
    const c = await connect();
    for (let i = 1; i <= 3; i++) {
      clock.advance(1000);
      await c.waitForData(2 * (i + 1));
    }
    expect(last(c, 'HystrixCommand', 'tripped')['isCircuitBreakerOpen']).toBe(false);
    expect(h.getCircuit('tripped').circuit.state).toBe('closed');
  });

  test('the extended message goes only to clients that ask for it', async () => {
    const { h, connect } = await serve();
    h.getCircuit('x').circuit.forceOpen(true);
    await h.go('x', async () => 1);
    const plain = await connect();
    const extended = await connect('/hystrix.stream?extended=true');
    await plain.waitForData(2);
    await extended.waitForData(3);
    expect(messages(plain, 'HystrixTsCircuit')).toEqual([]);
    expect(last(extended, 'HystrixTsCircuit', 'x')).toMatchObject({
      state: 'open',
      forcedOpen: true,
      shortCircuits: 1,
    });
  });
});

describe('limits and shutdown', () => {
  test('past maxClients a client is answered 503, and the others keep their stream', async () => {
    const { server, connect } = await serve({ maxClients: 2 });
    const a = await connect();
    const b = await connect();
    const c = await connect();
    expect(c.response.statusCode).toBe(503);
    expect(c.response.headers['retry-after']).toBe('10');
    await c.ended;
    expect(server.stream.clientCount).toBe(2);
    await a.waitForComments(1);
    await b.waitForComments(1);
  });

  test('a client that does not read gets frames dropped beyond a small buffer; memory stays bounded', async () => {
    const { h, clock, server } = await serve({ bufferFrames: 3 });
    // Large frames fill the socket buffers in a few ticks.
    for (let i = 0; i < 400; i++) await h.go(`circuit-with-a-long-name-${i}`, async () => 1);
    const socket = connect(server.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write('GET /hystrix.stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    socket.pause(); // never read: the kernel buffers fill, then the server's write buffer
    await until(() => server.stream.clientCount === 1);
    let tick = 0;
    while (server.stream.droppedFrames === 0 && tick < 400) {
      clock.advance(1000);
      tick++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(server.stream.droppedFrames).toBeGreaterThan(0);
    const before = server.stream.droppedFrames;
    for (let i = 0; i < 20; i++) {
      clock.advance(1000);
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Every further frame is dropped while the client does not read: nothing more is buffered for it.
    expect(server.stream.droppedFrames - before).toBe(20);
    socket.destroy();
  });

  test('stop() ends every response, leaves no timer, and answers later clients 503', async () => {
    const { clock, server, connect } = await serve();
    const c = await connect();
    await c.waitForComments(1);
    expect(clock.pendingTimers()).toBe(1);
    server.stream.stop();
    await c.ended;
    expect(clock.pendingTimers()).toBe(0);
    expect(server.stream.clientCount).toBe(0);
    const late = await connect();
    expect(late.response.statusCode).toBe(503);
  });

  test("the registry's close() stops the stream and closes the server", async () => {
    const { h, server, connect } = await serve();
    const c = await connect();
    await c.waitForComments(1);
    h.close();
    await c.ended;
    await new Promise<void>((resolve) => {
      server.server.once('close', resolve);
      if (!server.server.listening) resolve();
    });
    expect(server.server.listening).toBe(false);
  });
});

describe('the handler', () => {
  function fetchText(
    url: string,
    method = 'GET',
  ): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(url, { method }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      });
      req.on('error', reject);
      req.end();
    });
  }

  test('serves the page at /, 404 elsewhere, 405 for other methods, HEAD without a body', async () => {
    const { server } = await serve();
    const page = await fetchText(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('hystrix.stream');
    expect((await fetchText(`${server.url}/nope`)).status).toBe(404);
    expect((await fetchText(`${server.url}/hystrix.stream/../x`)).status).toBe(404);
    expect((await fetchText(`${server.url}/hystrix.stream`, 'POST')).status).toBe(405);
    const head = await fetchText(`${server.url}/`, 'HEAD');
    expect([head.status, head.body]).toEqual([200, '']);
    expect(server.stream.clientCount).toBe(0);
  });

  test('hostile paths and queries get a bounded answer and the stream still works', async () => {
    const { server, connect } = await serve();
    for (const path of [
      '/%00',
      '/..%2f..%2fetc%2fpasswd',
      `/${'a'.repeat(8000)}`,
      '/?<script>',
      '//x',
    ]) {
      const { status } = await fetchText(server.url + path);
      expect([200, 404]).toContain(status);
    }
    const c = await connect('/hystrix.stream?extended=<script>&x=%00');
    await c.waitForComments(1);
    expect(c.response.statusCode).toBe(200);
  });

  test('mounts in Express under a prefix; other routes fall through', async () => {
    const { h } = manualHystrix();
    await h.go('express-circuit', async () => 1);
    const stream = new HystrixStream({ hystrix: h });
    const app = express();
    app.use('/hystrix', stream.handler);
    app.get('/other', (_req, res) => {
      res.send('other route');
    });
    const listening = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => listening.once('listening', resolve));
    const port = (listening.address() as { port: number }).port;
    const base = `http://127.0.0.1:${port}`;
    try {
      const redirect = await fetchText(`${base}/hystrix`);
      expect([redirect.status, redirect.headers['location']]).toEqual([301, '/hystrix/']);
      const page = await fetchText(`${base}/hystrix/`);
      expect(page.status).toBe(200);
      expect((await fetchText(`${base}/other`)).body).toBe('other route');
      const c = await openStream(`${base}/hystrix/hystrix.stream`);
      await c.waitForData(2);
      expect(last(c, 'HystrixCommand', 'express-circuit')['requestCount']).toBe(1);
      c.close();
    } finally {
      stream.stop();
      listening.closeAllConnections();
      await new Promise((resolve) => listening.close(resolve));
    }
  });

  test('bad options are refused with a clear error', () => {
    expect(() => new HystrixStream({ interval: 5 })).toThrow(RangeError);
    expect(() => new HystrixStream({ maxClients: 0 })).toThrow(RangeError);
    expect(() => new HystrixStream({ streamPath: 'no-slash' })).toThrow(TypeError);
    expect(() => new HystrixStream({ interval: '1000' as never })).toThrow(TypeError);
  });
});
