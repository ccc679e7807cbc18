/**
 * hystrix-ts/fetch against real upstreams on 127.0.0.1: each status class, failures, hangs and resets, judged
 * by the circuit's stats and events. Time-based logic (timeouts, Retry-After windows) runs on the ManualClock:
 * a timeout fires when the test advances the clock, and the upstream sees its socket close.
 */
import { afterEach, beforeEach, describe, expect, expectTypeOf, test } from 'vitest';
import {
  ErrCircuitOpen,
  ErrTimeout,
  type Hystrix,
  isCircuitOpen,
  isContextCanceled,
  type ManualClock,
} from '../../src/index.js';
import {
  createFetch,
  type CreateFetchOptions,
  type HttpCall,
  HttpStatusError,
  isHttpStatusError,
  isRetryAfterError,
} from '../../src/http/fetch.js';
import { failOnUnhandled, manualHystrix, rejectionOf, until } from '../helpers.js';
import { recordEvents } from './events.js';
import { ownAgent, startUpstream, type Upstream } from './upstream.js';

failOnUnhandled();

let upstream: Upstream;
let client: ReturnType<typeof ownAgent>;
let h: Hystrix;
let clock: ManualClock;
let events: string[];
let command: string;

beforeEach(async () => {
  upstream = await startUpstream();
  client = ownAgent();
  ({ h, clock } = manualHystrix());
  events = recordEvents(h);
  command = `GET ${upstream.origin}`;
});

afterEach(async () => {
  await h.close();
  await client.close();
  // Every socket the calls opened is gone once the client is closed: nothing leaked.
  await until(() => upstream.openSockets() === 0);
  await upstream.close();
});

function protectedFetch(options: CreateFetchOptions = {}): typeof fetch {
  return createFetch({ hystrix: h, fetch: client.fetch, ...options });
}

function stats(name = command) {
  return h.getCircuit(name).circuit.stats();
}

describe('status classes', () => {
  test('2xx: the response, counted as a success under "GET <origin>"', async () => {
    const res = await protectedFetch()(`${upstream.origin}/ok`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
    expect(events).toEqual([`${command} success`]);
    expect(stats().successes).toBe(1);
  });

  test('3xx: a success, passed through as it came', async () => {
    const f = protectedFetch();
    const redirect = await f(`${upstream.origin}/redirect`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('/ok');
    const notModified = await f(`${upstream.origin}/status/304`);
    expect(notModified.status).toBe(304);
    expect(events).toEqual([`${command} success`, `${command} success`]);
  });

  test('404: a bad request, the response passes through, no fallback, no health change', async () => {
    let fallbacks = 0;
    const f = protectedFetch({
      fallback: () => {
        fallbacks++;
        return new Response('fallback');
      },
    });
    const res = await f(`${upstream.origin}/status/404`);
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('404');
    expect(fallbacks).toBe(0);
    expect(events).toEqual([`${command} bad-request`]);
    const s = stats();
    expect(s.badRequests).toBe(1);
    expect(s.failures).toBe(0);
    expect(s.errors).toBe(0);
  });

  test('500 without a fallback: the upstream response itself, counted as a failure', async () => {
    const res = await protectedFetch()(`${upstream.origin}/status/500`);
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('500');
    expect(events).toEqual([`${command} failure`]);
    expect(stats().failures).toBe(1);
  });

  test('500 with a fallback: the fallback gets an HttpStatusError with the response', async () => {
    const seen: unknown[] = [];
    const calls: HttpCall[] = [];
    const f = protectedFetch({
      fallback: async (error, call) => {
        seen.push(error);
        calls.push(call);
        return new Response('cached', { status: 200 });
      },
    });
    const res = await f(`${upstream.origin}/status/500`);
    expect(await res.text()).toBe('cached');
    const [error] = seen;
    expect(isHttpStatusError(error)).toBe(true);
    expect(error).toBeInstanceOf(HttpStatusError);
    expect((error as HttpStatusError).status).toBe(500);
    expect((error as HttpStatusError).response?.status).toBe(500);
    expect((error as HttpStatusError).command).toBe(command);
    expect(calls[0]?.command).toBe(command);
    expect(calls[0]?.url.pathname).toBe('/status/500');
    expect(events).toEqual([`${command} failure/fallback-success`]);
  });

  test('a fallback that returns no Response fails the call with a FallbackError', async () => {
    const f = protectedFetch({ fallback: () => 'text' as unknown as Response });
    const error = await rejectionOf(f(`${upstream.origin}/status/502`));
    expect((error as Error).message).toMatch(
      /options.fallback must return a Response, got the string "text"/,
    );
    expect(events).toEqual([`${command} failure/fallback-failure`]);
  });

  test('isFailureStatus decides; statuses from 400 it leaves out are bad requests', async () => {
    const f = protectedFetch({ isFailureStatus: (status) => status === 418 });
    expect((await f(`${upstream.origin}/status/418`)).status).toBe(418);
    expect((await f(`${upstream.origin}/status/500`)).status).toBe(500);
    expect(events).toEqual([`${command} failure`, `${command} bad-request`]);
  });
});

describe('network failures, timeouts and aborts', () => {
  test('a reset connection is a failure; without a fallback fetch rejects as it would', async () => {
    const error = await rejectionOf(protectedFetch()(`${upstream.origin}/reset`));
    expect(error).toBeInstanceOf(TypeError);
    expect(events).toEqual([`${command} failure`]);
  });

  test('a hanging upstream: the timeout ends the call and aborts the request', async () => {
    h.configureCommand(command, { timeout: 1000 });
    const call = protectedFetch()(`${upstream.origin}/hang`);
    await until(() => upstream.seen.length === 1);
    clock.advance(1000);
    expect(await rejectionOf(call)).toBeCircuitError(ErrTimeout, command);
    // The request was really aborted: the upstream sees its socket close.
    await until(() => upstream.seen[0]!.socketClosed);
    expect(events).toEqual([`${command} timeout`]);
    expect(stats().timeouts).toBe(1);
  });

  test("the caller's abort ends the call as context_canceled and closes the request", async () => {
    const controller = new AbortController();
    const call = protectedFetch()(`${upstream.origin}/hang`, { signal: controller.signal });
    await until(() => upstream.seen.length === 1);
    controller.abort();
    expect(isContextCanceled(await rejectionOf(call))).toBe(true);
    await until(() => upstream.seen[0]!.socketClosed);
    expect(events).toEqual([`${command} context_canceled`]);
  });

  test("a Request's own method and signal are used", async () => {
    const controller = new AbortController();
    // The global fetch with the global Request: the request is aborted, so no pooled socket is left behind.
    const f = protectedFetch({ fetch: globalThis.fetch });
    const request = new Request(`${upstream.origin}/hang`, {
      method: 'POST',
      signal: controller.signal,
    });
    const call = f(request);
    await until(() => upstream.seen.length === 1);
    expect(upstream.seen[0]!.method).toBe('POST');
    controller.abort();
    expect(isContextCanceled(await rejectionOf(call))).toBe(true);
    expect(events).toEqual([`POST ${upstream.origin} context_canceled`]);
  });

  test('by default the timeout does not cover the body; bufferBody makes it', async () => {
    h.configureCommand(command, { timeout: 1000 });
    const streaming = await protectedFetch()(`${upstream.origin}/hang-body`);
    expect(streaming.status).toBe(200);
    expect(events).toEqual([`${command} success`]);
    await streaming.body?.cancel();

    const buffered = protectedFetch({ bufferBody: true })(`${upstream.origin}/hang-body`);
    await until(() => upstream.seen.length === 2);
    clock.advance(1000);
    expect(await rejectionOf(buffered)).toBeCircuitError(ErrTimeout, command);
    await until(() => upstream.seen[1]!.socketClosed);
    expect(events).toEqual([`${command} success`, `${command} timeout`]);
  });

  test("after the headers, the caller's signal still aborts the body", async () => {
    const controller = new AbortController();
    const res = await protectedFetch()(`${upstream.origin}/hang-body`, {
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const body = res.text();
    controller.abort();
    expect((await rejectionOf(body)) as Error).toMatchObject({ name: 'AbortError' });
    await until(() => upstream.seen[0]!.socketClosed);
    expect(events).toEqual([`${command} success`]);
  });

  test('a timeout with a fallback: the fallback answers, the request is still aborted', async () => {
    h.configureCommand(command, { timeout: 1000 });
    const call = protectedFetch({ fallback: () => new Response('later', { status: 503 }) })(
      `${upstream.origin}/hang`,
    );
    await until(() => upstream.seen.length === 1);
    clock.advance(1000);
    const res = await call;
    expect(res.status).toBe(503);
    expect(await res.text()).toBe('later');
    await until(() => upstream.seen[0]!.socketClosed);
    expect(events).toEqual([`${command} timeout/fallback-success`]);
  });

  test('bufferBody keeps status, headers, url and body', async () => {
    const res = await protectedFetch({ bufferBody: true })(`${upstream.origin}/echo`, {
      method: 'PUT',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.url).toBe(`${upstream.origin}/echo`);
    expect(await res.json()).toEqual({ method: 'PUT', path: '/echo' });
    expect(events).toEqual([`PUT ${upstream.origin} success`]);
  });
});

describe('circuit', () => {
  test('failures open the circuit: later calls are short-circuited without a request', async () => {
    h.configureCommand(command, { requestVolumeThreshold: 2, errorPercentThreshold: 50 });
    const triggers: unknown[] = [];
    const f = protectedFetch({
      fallback: (error) => {
        triggers.push(error);
        return new Response('default', { status: 200 });
      },
    });
    await f(`${upstream.origin}/status/500`);
    await f(`${upstream.origin}/status/500`);
    clock.advance(1);
    const res = await f(`${upstream.origin}/status/500`);
    expect(await res.text()).toBe('default');
    expect(upstream.seen).toHaveLength(2);
    expect(triggers[2]).toBeCircuitError(ErrCircuitOpen, command);
    expect(isCircuitOpen(triggers[2])).toBe(true);
    expect(events.at(-1)).toBe(`${command} short-circuit/fallback-success`);
  });
});

describe('Retry-After', () => {
  test('a 429 with Retry-After in seconds: the command fails at once until then', async () => {
    const f = protectedFetch();
    const first = await f(`${upstream.origin}/status/429?retry-after=2`);
    expect(first.status).toBe(429);
    // Inside the window: no request goes out.
    const error = await rejectionOf(f(`${upstream.origin}/ok`));
    expect(isRetryAfterError(error)).toBe(true);
    expect(error).toMatchObject({ command, until: clock.now() + 2000 });
    expect(upstream.seen).toHaveLength(1);
    clock.advance(1999);
    expect(isRetryAfterError(await rejectionOf(f(`${upstream.origin}/ok`)))).toBe(true);
    clock.advance(1);
    expect((await f(`${upstream.origin}/ok`)).status).toBe(200);
    expect(upstream.seen).toHaveLength(2);
    expect(events).toEqual([
      `${command} failure`,
      `${command} failure`,
      `${command} failure`,
      `${command} success`,
    ]);
  });

  test('a 503 with an HTTP date: the wait is on the HttpStatusError the fallback gets', async () => {
    const waits: (number | undefined)[] = [];
    const f = protectedFetch({
      fallback: (error) => {
        if (isHttpStatusError(error)) waits.push(error.retryAfter);
        else if (isRetryAfterError(error)) waits.push(error.until - clock.now());
        return new Response('later');
      },
    });
    const date = new Date(clock.now() + 5000).toUTCString();
    await f(`${upstream.origin}/status/503?retry-after=${encodeURIComponent(date)}`);
    clock.advance(1000);
    await f(`${upstream.origin}/ok`);
    expect(waits).toEqual([5000, 4000]);
    expect(upstream.seen).toHaveLength(1);
  });

  test('Retry-After is capped by maxRetryAfter, and only exposed with retryAfter: false', async () => {
    const capped = protectedFetch({ maxRetryAfter: 500 });
    await capped(`${upstream.origin}/status/429?retry-after=3600`);
    clock.advance(500);
    expect((await capped(`${upstream.origin}/ok`)).status).toBe(200);

    const exposed: (number | undefined)[] = [];
    const open = protectedFetch({
      retryAfter: false,
      fallback: (error) => {
        if (isHttpStatusError(error)) exposed.push(error.retryAfter);
        return new Response('x');
      },
    });
    await open(`${upstream.origin}/status/429?retry-after=10`);
    expect((await open(`${upstream.origin}/ok`)).status).toBe(200);
    expect(exposed).toEqual([10_000]);
  });

  test('a Retry-After on another failure status, or a bad one, starts no window', async () => {
    const f = protectedFetch();
    await f(`${upstream.origin}/status/500?retry-after=10`);
    await f(`${upstream.origin}/status/429?retry-after=soon`);
    expect((await f(`${upstream.origin}/ok`)).status).toBe(200);
    expect(upstream.seen).toHaveLength(3);
  });
});

describe('naming', () => {
  test('route templates: every path of an endpoint is one command', async () => {
    const f = protectedFetch({ routes: ['/users/:id', '/files/*'] });
    await f(`${upstream.origin}/users/1`);
    await f(`${upstream.origin}/users/2`);
    await f(`${upstream.origin}/files/a/b/c`);
    await f(`${upstream.origin}/users/1/posts`);
    await f(`${upstream.origin}/ok`, { method: 'delete' });
    expect(events).toEqual([
      `GET ${upstream.origin}/users/:id bad-request`,
      `GET ${upstream.origin}/users/:id bad-request`,
      `GET ${upstream.origin}/files/* bad-request`,
      `GET ${upstream.origin} bad-request`,
      `DELETE ${upstream.origin} success`,
    ]);
  });

  test('a naming function gets the method, URL and matched route', async () => {
    const f = protectedFetch({
      routes: ['/users/:id'],
      name: ({ method, url, route }) => `${url.host}:${method}:${route ?? url.pathname}`,
    });
    await f(`${upstream.origin}/users/7`);
    await f(`${upstream.origin}/ok`);
    const host = new URL(upstream.origin).host;
    expect(events).toEqual([`${host}:GET:/users/:id bad-request`, `${host}:GET:/ok success`]);
  });

  test('a naming function that returns no string rejects the call with a TypeError', async () => {
    const f = protectedFetch({ name: () => 42 as unknown as string });
    const error = await rejectionOf(f(`${upstream.origin}/ok`));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('options.name must return a string, got 42');
    expect(upstream.seen).toHaveLength(0);
  });
});

describe('options', () => {
  test('the result is typed as fetch', () => {
    expectTypeOf(createFetch()).toEqualTypeOf<typeof fetch>();
  });

  test('bad options are TypeErrors or RangeErrors that name the option', () => {
    const cases: [unknown, RegExp][] = [
      [null, /^createFetch: options must be an object/],
      [{ fetsh: fetch }, /^createFetch: unknown option 'fetsh'/],
      [{ hystrix: {} }, /^createFetch: options.hystrix must be a Hystrix, got object/],
      [{ fetch: 'x' }, /^createFetch: options.fetch must be a function, got the string "x"/],
      [{ name: 1 }, /^createFetch: options.name must be a function or undefined, got 1/],
      [{ routes: '/a' }, /^createFetch: options.routes must be an array of path templates/],
      [{ routes: ['a'] }, /options.routes\[0\] must be a path template starting with '\/'/],
      [{ routes: ['/*/a'] }, /'\*' may only end a template/],
      [{ isFailureStatus: true }, /options.isFailureStatus must be a function/],
      [{ retryAfter: 'yes' }, /options.retryAfter must be a boolean, got the string "yes"/],
      [{ maxRetryAfter: -1 }, /options.maxRetryAfter must be an integer from 0 to 2147483647/],
      [{ fallback: {} }, /options.fallback must be a function or undefined, got object/],
      [{ bufferBody: 1 }, /options.bufferBody must be a boolean, got 1/],
    ];
    for (const [options, message] of cases) {
      expect(() => createFetch(options as CreateFetchOptions), String(message)).toThrow(message);
    }
    expect(() => createFetch({ maxRetryAfter: -1 })).toThrow(RangeError);
    expect(() => createFetch({ fetch: 'x' as never })).toThrow(TypeError);
  });

  test('the default registry and the global fetch serve when none is given', async () => {
    const { defaultHystrix } = await import('../../src/index.js');
    const f = createFetch({ routes: ['/ok'] });
    const name = `GET ${upstream.origin}/ok`;
    const res = await f(`${upstream.origin}/ok`);
    expect(await res.text()).toBe('ok');
    expect(defaultHystrix.getCircuit(name).circuit.stats().successes).toBe(1);
    defaultHystrix.flush();
  });
});
