import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { type Hystrix, isCircuitOpen, type ManualClock } from 'hystrix-ts';
import { type Fleet, joinFleet } from 'hystrix-ts/redis';
import { failOnUnhandled, flushPromises, manualHystrix } from '../helpers.js';
import { RedisServer } from '../../scripts/redis-server.js';

failOnUnhandled();

const cleanup: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

interface Setup {
  server: RedisServer;
  redis: Redis;
  h: Hystrix;
  clock: ManualClock;
  logs: string[];
  fleet: Fleet;
}

async function setup(config: Parameters<Hystrix['configureCommand']>[1] = {}): Promise<Setup> {
  const server = await RedisServer.start();
  cleanup.push(() => server.stop());
  const redis = new Redis({
    port: server.port,
    host: '127.0.0.1',
    maxRetriesPerRequest: 1,
    retryStrategy: () => 20,
  });
  redis.on('error', () => {
    // The server is stopped on purpose; the fleet reports what it sees.
  });
  cleanup.push(() => {
    redis.disconnect();
  });
  const { h, clock, logs } = manualHystrix();
  h.configureCommand('dep', config);
  const fleet = await joinFleet(h, {
    redis,
    fleet: 'local-mode',
    syncInterval: 200,
    instance: 'solo',
    streamInterval: false,
  });
  cleanup.push(() => h.close());
  return { server, redis, h, clock, logs, fleet };
}

/** Advances the registry's clock to the end of a sync under way, so that a Redis that does not answer is late. */
async function syncLate(s: Setup): Promise<void> {
  const done = s.fleet.sync();
  await flushPromises();
  s.clock.advance(200);
  await done;
}

async function ok(h: Hystrix): Promise<unknown> {
  return h.do('dep', () => Promise.resolve('ok')).catch((error: unknown) => error);
}

describe('local mode', () => {
  it('goes on alone when Redis is killed, says so once, and rejoins by itself when it is back', async () => {
    const s = await setup({ requestVolumeThreshold: 5 });
    expect(await ok(s.h)).toBe('ok');
    await s.fleet.sync();
    expect(s.fleet.localMode).toBe(false);
    await s.server.kill();
    await syncLate(s);
    await syncLate(s);
    expect(s.fleet.localMode).toBe(true);
    expect(s.h.getCircuit('dep').circuit.stats().fleet?.localMode).toBe(true);
    expect(s.logs.filter((line) => line.includes('Redis is unavailable'))).toHaveLength(1);
    // Calls go on, and the circuit judges its own window: five failures open it here.
    for (let i = 0; i < 5; i++) {
      await s.h.do('dep', () => Promise.reject(new Error('x'))).catch(() => undefined);
    }
    expect(isCircuitOpen(await ok(s.h))).toBe(true);
    await s.server.restart();
    for (let i = 0; i < 50 && s.fleet.localMode; i++) {
      await syncLate(s);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(s.fleet.localMode).toBe(false);
    expect(s.logs.filter((line) => line.includes('rejoined'))).toHaveLength(1);
    // The circuit opened while alone: the fleet hears of it on rejoining.
    await s.fleet.sync();
    const state = await s.redis.hgetall('hystrix:{local-mode:dep}:state');
    expect(Number(state['open'])).toBeGreaterThan(0);
  });

  it('goes alone after two sync intervals of a paused Redis, never holding a call, and rejoins when it resumes', async () => {
    const s = await setup();
    expect(await ok(s.h)).toBe('ok');
    s.server.pause();
    await syncLate(s);
    // One late answer may be a busy server: the fleet's last figures serve one more interval.
    expect(s.fleet.localMode).toBe(false);
    await syncLate(s);
    expect(s.fleet.localMode).toBe(true);
    // Calls are not held up by the paused server.
    expect(await ok(s.h)).toBe('ok');
    s.server.resume();
    for (let i = 0; i < 50 && s.fleet.localMode; i++) {
      await syncLate(s);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(s.fleet.localMode).toBe(false);
  });

  it('shares a fleet limit out by the last known number of processes while alone', async () => {
    const s = await setup({
      fleetMaxConcurrentRequests: 9,
      maxConcurrentRequests: 50,
      requestVolumeThreshold: 1_000_000,
    });
    // Two more instances are alive in the fleet.
    const now = s.h.now();
    await s.redis.zadd('hystrix:{local-mode}:live', now, 'other-1', now, 'other-2');
    await s.fleet.sync();
    expect(s.fleet.instances).toBe(3);
    await s.server.kill();
    await syncLate(s);
    await syncLate(s);
    expect(s.fleet.localMode).toBe(true);
    expect(s.h.getCircuit('dep').circuit.stats().maxConcurrentRequests).toBe(3);
  });

  it('leaves with Redis down within one sync interval, and close() leaves too', async () => {
    const s = await setup();
    expect(await ok(s.h)).toBe('ok');
    await s.server.kill();
    const leaving = s.fleet.leave();
    await flushPromises();
    s.clock.advance(200);
    await leaving;
    expect(s.h.getCircuit('dep').circuit.stats().fleet).toBeNull();
    expect(s.logs.some((line) => line.includes('could not say goodbye'))).toBe(true);
  });
});

describe('what comes from Redis', () => {
  it('refuses a hostile state and decides alone for that command, without a crash', async () => {
    const s = await setup();
    expect(await ok(s.h)).toBe('ok');
    await s.fleet.sync();
    // Opened a year from now: honouring it would hold the circuit open for a year.
    await s.redis.hset(
      'hystrix:{local-mode:dep}:state',
      'open',
      String(s.h.now() + 365 * 86_400_000),
    );
    await s.fleet.sync();
    expect(s.h.getCircuit('dep').circuit.state).toBe('closed');
    expect(s.h.getCircuit('dep').circuit.stats().fleet?.localMode).toBe(true);
    expect(s.logs.filter((line) => line.includes('refused a reply'))).toHaveLength(1);
    expect(await ok(s.h)).toBe('ok');
  });

  it('reads garbage in the window and lease keys as nothing', async () => {
    const s = await setup({ fleetMaxConcurrentRequests: 4, requestVolumeThreshold: 1_000_000 });
    await s.redis.hset('hystrix:{local-mode:dep}:tickets', 'ghost', 'not-a-lease');
    await s.redis.hset('hystrix:{local-mode:dep}:state', 'gen', 'x', 'forced', '{}');
    expect(await ok(s.h)).toBe('ok');
    await s.fleet.sync();
    await s.fleet.sync();
    const stats = s.h.getCircuit('dep').circuit.stats();
    expect(stats.fleet?.localMode).toBe(false);
    expect(stats.fleet?.leasedConcurrentRequests).toBeGreaterThan(0);
  });

  it('keeps names with any characters apart in keys', async () => {
    const s = await setup();
    const names = ['__proto__', 'a{b}c', 'x:y', 'line\nbreak', '\ud800', '\ufffd', '%0025'];
    for (const name of names) {
      await s.h.do(name, () => Promise.resolve(1));
    }
    await s.fleet.sync();
    const keys = await s.redis.keys('hystrix:*:state');
    expect(new Set(keys).size).toBe(names.length);
    for (const key of keys) expect(key).toMatch(/^hystrix:\{local-mode:[A-Za-z0-9._%-]+\}:state$/);
  });
});
