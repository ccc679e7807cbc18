/**
 * hystrix-ts/undici: the interceptor on a composed Agent, against real upstreams on 127.0.0.1, through undici's
 * `request`, its `fetch`, and the global `fetch` once the composed agent is the global dispatcher. The rules are
 * those of hystrix-ts/fetch; timeouts and Retry-After windows run on the ManualClock.
 */
import {
  Agent,
  type Dispatcher,
  getGlobalDispatcher,
  request,
  setGlobalDispatcher,
  fetch as undiciFetch,
} from 'undici';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ErrTimeout, type Hystrix, isTimeout, type ManualClock } from '../../src/index.js';
import {
  createInterceptor,
  type InterceptorOptions,
  isHttpStatusError,
  isRetryAfterError,
} from '../../src/http/undici.js';
import { failOnUnhandled, manualHystrix, rejectionOf, until } from '../helpers.js';
import { recordEvents } from './events.js';
import { startUpstream, type Upstream } from './upstream.js';

failOnUnhandled();

let upstream: Upstream;
let h: Hystrix;
let clock: ManualClock;
let events: string[];
let command: string;
const agents: Dispatcher[] = [];

beforeEach(async () => {
  upstream = await startUpstream();
  ({ h, clock } = manualHystrix());
  events = recordEvents(h);
  command = `GET ${upstream.origin}`;
});

afterEach(async () => {
  await h.close();
  for (const agent of agents.splice(0)) await agent.close();
  // Every socket the calls opened is gone once the agents are closed: nothing leaked.
  await until(() => upstream.openSockets() === 0);
  await upstream.close();
});

function protectedAgent(options: InterceptorOptions = {}): Dispatcher {
  const agent = new Agent().compose(createInterceptor({ hystrix: h, ...options }));
  agents.push(agent);
  return agent;
}

async function get(
  dispatcher: Dispatcher,
  path: string,
  options: { signal?: AbortSignal; method?: Dispatcher.HttpMethod } = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const res = await request(`${upstream.origin}${path}`, { dispatcher, ...options });
  return { status: res.statusCode, body: await res.body.text(), headers: res.headers };
}

describe('status classes through request()', () => {
  test('2xx and 3xx pass through as successes', async () => {
    const agent = protectedAgent();
    expect(await get(agent, '/ok')).toMatchObject({ status: 200, body: 'ok' });
    expect(await get(agent, '/redirect')).toMatchObject({ status: 302 });
    expect(events).toEqual([`${command} success`, `${command} success`]);
  });

  test('404 is a bad request: it passes through and the fallback is not called', async () => {
    let fallbacks = 0;
    const agent = protectedAgent({
      fallback: () => {
        fallbacks++;
        return new Response('x');
      },
    });
    expect(await get(agent, '/status/404')).toMatchObject({ status: 404, body: '404' });
    expect(fallbacks).toBe(0);
    expect(events).toEqual([`${command} bad-request`]);
    expect(h.getCircuit(command).circuit.stats().errors).toBe(0);
  });

  test('500 without a fallback: the upstream answer passes through, counted as a failure', async () => {
    expect(await get(protectedAgent(), '/status/500')).toMatchObject({
      status: 500,
      body: '500',
    });
    expect(events).toEqual([`${command} failure`]);
  });

  test("500 with a fallback: the fallback's Response is replayed to the caller", async () => {
    const errors: unknown[] = [];
    const agent = protectedAgent({
      fallback: (error) => {
        errors.push(error);
        return new Response('cached', { status: 200, headers: { 'x-from': 'fallback' } });
      },
    });
    const res = await get(agent, '/status/500');
    expect(res).toMatchObject({ status: 200, body: 'cached' });
    expect(res.headers['x-from']).toBe('fallback');
    expect(isHttpStatusError(errors[0])).toBe(true);
    expect(errors[0]).toMatchObject({ status: 500, command, response: undefined });
    expect(events).toEqual([`${command} failure/fallback-success`]);
  });
});

describe('network failures, timeouts and aborts', () => {
  test('a reset connection is a failure; the caller gets the network error', async () => {
    const error = await rejectionOf(get(protectedAgent(), '/reset'));
    expect(error).toBeInstanceOf(Error);
    expect(isTimeout(error)).toBe(false);
    expect(events).toEqual([`${command} failure`]);
  });

  test('a hanging upstream: the timeout ends the call and aborts the request', async () => {
    h.configureCommand(command, { timeout: 1000 });
    const call = get(protectedAgent(), '/hang');
    await until(() => upstream.seen.length === 1);
    clock.advance(1000);
    expect(await rejectionOf(call)).toBeCircuitError(ErrTimeout, command);
    await until(() => upstream.seen[0]!.socketClosed);
    expect(events).toEqual([`${command} timeout`]);
  });

  test("the caller's abort ends the call as context_canceled and closes the request", async () => {
    const controller = new AbortController();
    const call = get(protectedAgent(), '/hang', { signal: controller.signal });
    await until(() => upstream.seen.length === 1);
    controller.abort();
    await rejectionOf(call);
    await until(() => upstream.seen[0]!.socketClosed);
    expect(events).toEqual([`${command} context_canceled`]);
  });

  test('coverBody: the timeout covers the body; without it the call ends at the headers', async () => {
    h.configureCommand(command, { timeout: 1000 });
    const plain = await request(`${upstream.origin}/hang-body`, { dispatcher: protectedAgent() });
    expect(plain.statusCode).toBe(200);
    // The caller has the headers; the command's report follows in a later tick.
    await until(() => events.length === 1);
    expect(events).toEqual([`${command} success`]);
    plain.body.destroy();

    const covered = await request(`${upstream.origin}/hang-body`, {
      dispatcher: protectedAgent({ coverBody: true }),
    });
    expect(covered.statusCode).toBe(200);
    const body = covered.body.text();
    await until(() => upstream.seen.length === 2);
    clock.advance(1000);
    expect(await rejectionOf(body)).toBeCircuitError(ErrTimeout, command);
    await until(() => upstream.seen[1]!.socketClosed);
    expect(events).toEqual([`${command} success`, `${command} timeout`]);
  });
});

describe('Retry-After', () => {
  test('a 429 with Retry-After: calls fail at once, without a request, until then', async () => {
    const agent = protectedAgent();
    expect((await get(agent, '/status/429?retry-after=3')).status).toBe(429);
    const error = await rejectionOf(get(agent, '/ok'));
    expect(isRetryAfterError(error)).toBe(true);
    expect(upstream.seen).toHaveLength(1);
    clock.advance(3000);
    expect((await get(agent, '/ok')).status).toBe(200);
    expect(events).toEqual([`${command} failure`, `${command} failure`, `${command} success`]);
  });
});

describe('fetch over the composed agent', () => {
  test("undici's fetch: routes name the commands, the fallback answers failures", async () => {
    const agent = protectedAgent({
      routes: ['/status/:code'],
      fallback: () => new Response('default', { status: 200 }),
    });
    const ok = await undiciFetch(`${upstream.origin}/ok`, { dispatcher: agent });
    expect(await ok.text()).toBe('ok');
    const failed = await undiciFetch(`${upstream.origin}/status/503`, { dispatcher: agent });
    expect(await failed.text()).toBe('default');
    expect(events).toEqual([
      `${command} success`,
      `GET ${upstream.origin}/status/:code failure/fallback-success`,
    ]);
  });

  test("undici's fetch: a timeout rejects the fetch and closes the request", async () => {
    h.configureCommand(command, { timeout: 500 });
    const call = undiciFetch(`${upstream.origin}/hang`, { dispatcher: protectedAgent() });
    await until(() => upstream.seen.length === 1);
    clock.advance(500);
    const error = await rejectionOf(call);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).cause).toBeCircuitError(ErrTimeout, command);
    await until(() => upstream.seen[0]!.socketClosed);
  });

  test('the global fetch, with the composed agent as the global dispatcher', async () => {
    const previous = getGlobalDispatcher();
    setGlobalDispatcher(
      protectedAgent({ fallback: () => new Response('from fallback', { status: 200 }) }),
    );
    try {
      const ok = await fetch(`${upstream.origin}/ok`);
      expect(await ok.text()).toBe('ok');
      const failed = await fetch(`${upstream.origin}/status/500`);
      expect(await failed.text()).toBe('from fallback');
      const aborted = new AbortController();
      const hanging = fetch(`${upstream.origin}/hang`, { signal: aborted.signal });
      await until(() => upstream.seen.length === 3);
      aborted.abort();
      await rejectionOf(hanging);
      await until(() => upstream.seen[2]!.socketClosed);
      expect(events).toEqual([
        `${command} success`,
        `${command} failure/fallback-success`,
        `${command} context_canceled/fallback-success`,
      ]);
    } finally {
      setGlobalDispatcher(previous);
    }
  });
});

describe('options', () => {
  test('bad options are TypeErrors that name the option', () => {
    expect(() => createInterceptor({ coverBody: 'yes' as never })).toThrow(
      /^createInterceptor: options.coverBody must be a boolean, got the string "yes"$/,
    );
    expect(() => createInterceptor({ routes: [1] as never })).toThrow(
      /^createInterceptor: options.routes\[0\] must be a path template/,
    );
    expect(() => createInterceptor({ fetch: fetch } as never)).toThrow(
      /^createInterceptor: unknown option 'fetch'/,
    );
  });
});
