import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type Hystrix,
  isCircuitOpen,
  isMaxConcurrency,
  isRateLimited,
  type ManualClock,
} from 'hystrix-ts';
import { type Fleet, joinFleet } from 'hystrix-ts/redis';
import { failOnUnhandled, flushPromises, manualHystrix, never } from '../helpers.js';
import { RedisServer } from '../../scripts/redis-server.js';

failOnUnhandled();

let server: RedisServer;
const clients: Redis[] = [];
const opened: { h: Hystrix; fleet: Fleet }[] = [];

beforeAll(async () => {
  server = await RedisServer.start();
});

afterAll(async () => {
  await server.stop();
});

afterEach(async () => {
  for (const { h } of opened.splice(0)) await h.close();
  for (const client of clients.splice(0)) client.disconnect();
});

function client(): Redis {
  const redis = new Redis({ port: server.port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
  redis.on('error', () => {
    // Reconnection errors are expected while a test stops the server; the fleet reports them itself.
  });
  clients.push(redis);
  return redis;
}

interface Member {
  h: Hystrix;
  clock: ManualClock;
  logs: string[];
  fleet: Fleet;
}

let fleetNumber = 0;

/** `count` registries, each on its own ManualClock and connection, joined to one new fleet. */
async function members(
  count: number,
  config: Parameters<Hystrix['configureCommand']>[1],
  syncInterval = 60_000,
): Promise<Member[]> {
  const name = `fleet-${++fleetNumber}`;
  const out: Member[] = [];
  for (let i = 0; i < count; i++) {
    const { h, clock, logs } = manualHystrix();
    h.configureCommand('dep', config);
    const fleet = await joinFleet(h, {
      redis: client(),
      fleet: name,
      syncInterval,
      instance: `p${i}`,
      streamInterval: false,
    });
    opened.push({ h, fleet });
    out.push({ h, clock, logs, fleet });
  }
  return out;
}

async function syncAll(ms: readonly Member[]): Promise<void> {
  await flushPromises();
  for (const m of ms) await m.fleet.sync();
  for (const m of ms) await m.fleet.sync();
}

/**
 * One successful call in each: a process learns a command's fleet state at the syncs after its first call of it
 * (an idle command costs Redis nothing).
 */
async function touch(ms: readonly Member[]): Promise<void> {
  for (const m of ms) expect(await outcome(m, () => Promise.resolve(1))).toBe('ok');
}

function fail(): Promise<never> {
  return Promise.reject(new Error('down'));
}

async function outcome(m: Member, run: () => Promise<unknown>): Promise<unknown> {
  return m.h.do('dep', run).then(
    () => 'ok',
    (error: unknown) => error,
  );
}

describe('shared health', () => {
  it('opens every process once the fleet reaches the volume and error thresholds, not each process', async () => {
    const ms = await members(3, { requestVolumeThreshold: 20, errorPercentThreshold: 50 });
    for (const m of ms) for (let i = 0; i < 7; i++) await outcome(m, fail);
    // 7 each: no process alone has the volume, so none opened by itself.
    for (const m of ms) expect(m.h.getCircuit('dep').circuit.state).toBe('closed');
    await syncAll(ms);
    // The fleet has 21 requests, all errors: the next call anywhere trips it and tells the others.
    const first = ms[0] as Member;
    expect(first.h.getCircuit('dep').circuit.stats().fleet).toMatchObject({
      requests: 21,
      errors: 21,
      errorPercent: 100,
      instances: 3,
      localMode: false,
    });
    expect(isCircuitOpen(await outcome(first, fail))).toBe(true);
    await syncAll(ms);
    for (const m of ms.slice(1)) {
      expect(m.h.getCircuit('dep').circuit.state).toBe('open');
      expect(isCircuitOpen(await outcome(m, () => Promise.resolve(1)))).toBe(true);
    }
  });

  it('keeps a healthy fleet closed when one process alone sees errors below the fleet percentage', async () => {
    const ms = await members(2, { requestVolumeThreshold: 10, errorPercentThreshold: 50 });
    const [a, b] = ms as [Member, Member];
    for (let i = 0; i < 8; i++) await outcome(a, fail);
    for (let i = 0; i < 20; i++) await outcome(b, () => Promise.resolve(1));
    await syncAll(ms);
    expect(a.h.getCircuit('dep').circuit.stats().fleet?.errorPercent).toBe(29);
    expect(await outcome(a, fail)).toBeInstanceOf(Error);
    expect(a.h.getCircuit('dep').circuit.state).toBe('closed');
  });
});

describe('one fleet probe', () => {
  it('lets exactly one process probe after the sleep window; its success closes the circuit everywhere', async () => {
    const ms = await members(3, { requestVolumeThreshold: 3, sleepWindow: 1000 });
    const [a, b, c] = ms as [Member, Member, Member];
    await touch([b, c]);
    for (let i = 0; i < 3; i++) await outcome(a, fail);
    await syncAll(ms);
    await outcome(a, fail);
    await syncAll(ms);
    for (const m of ms) expect(m.h.getCircuit('dep').circuit.state).toBe('open');
    for (const m of ms) m.clock.advance(1500);
    // Every process has calls waiting to probe; the first to sync claims the probe.
    for (const m of ms) expect(isCircuitOpen(await outcome(m, fail))).toBe(true);
    await syncAll(ms);
    const probers = ms.filter((m) => m.h.getCircuit('dep').circuit.stats().fleet?.probing === true);
    expect(probers).toHaveLength(1);
    expect(probers[0]).toBe(a);
    // The others still short-circuit past the sleep window; the holder's call is the probe.
    expect(isCircuitOpen(await outcome(b, () => Promise.resolve(1)))).toBe(true);
    expect(isCircuitOpen(await outcome(c, () => Promise.resolve(1)))).toBe(true);
    expect(await outcome(a, () => Promise.resolve(1))).toBe('ok');
    expect(a.h.getCircuit('dep').circuit.state).toBe('closed');
    await syncAll(ms);
    for (const m of ms) expect(m.h.getCircuit('dep').circuit.state).toBe('closed');
    // The window that opened it is gone fleet-wide: a success does not reopen it.
    expect(await outcome(b, () => Promise.resolve(1))).toBe('ok');
    expect(b.h.getCircuit('dep').circuit.stats().fleet?.errors).toBe(0);
  });

  it("reopens the circuit everywhere when the fleet's probe fails", async () => {
    const ms = await members(2, { requestVolumeThreshold: 2, sleepWindow: 1000 });
    const [a, b] = ms as [Member, Member];
    await touch([b]);
    for (let i = 0; i < 3; i++) await outcome(a, fail);
    await syncAll(ms);
    await outcome(a, fail);
    await syncAll(ms);
    for (const m of ms) m.clock.advance(1500);
    await outcome(b, fail);
    await syncAll(ms);
    expect(b.h.getCircuit('dep').circuit.stats().fleet?.probing).toBe(true);
    await outcome(b, fail);
    await syncAll(ms);
    expect(a.h.getCircuit('dep').circuit.state).toBe('open');
    expect(b.h.getCircuit('dep').circuit.state).toBe('open');
    expect(b.h.getCircuit('dep').circuit.stats().fleet?.probing).toBe(false);
    // A opened from B's failed probe, 1,500 ms after its own opening: a sleep window starts again from then, so
    // half of it later no call is let through.
    a.clock.advance(500);
    expect(a.h.getCircuit('dep').circuit.allowRequest()).toBe(false);
  });
});

describe('fleet limits', () => {
  it('never lets the fleet run more than fleetMaxConcurrentRequests at once, and an idle process does not starve the others', async () => {
    // Calls shed by a limit count as errors (hystrix-go's rejections): a threshold out of reach keeps the circuit
    // closed, so that only the limit is at work.
    const ms = await members(3, {
      maxConcurrentRequests: 100,
      fleetMaxConcurrentRequests: 10,
      requestVolumeThreshold: 1_000_000,
    });
    const inFlight = (): number =>
      ms.reduce((sum, m) => sum + m.h.getCircuit('dep').circuit.pool.activeCount, 0);
    const [a, b] = ms as [Member, Member];
    // Only A and B call; C stays idle.
    for (let round = 0; round < 6; round++) {
      for (const m of [a, b]) {
        for (let i = 0; i < 10; i++) void m.h.do('dep', never).catch(() => undefined);
      }
      expect(inFlight()).toBeLessThanOrEqual(10);
      await syncAll(ms);
      expect(inFlight()).toBeLessThanOrEqual(10);
    }
    const share = (m: Member): number => m.h.getCircuit('dep').circuit.pool.activeCount;
    // C, idle, holds the one ticket its next call needs; A and B share the rest.
    expect(ms[2]?.h.getCircuit('dep').circuit.stats().fleet?.leasedConcurrentRequests).toBe(1);
    expect(share(a) + share(b)).toBe(9);
    expect(share(a)).toBeGreaterThanOrEqual(3);
    expect(share(b)).toBeGreaterThanOrEqual(3);
    const shed = await outcome(a, never);
    expect(isMaxConcurrency(shed)).toBe(true);
  });

  it('keeps the fleet within fleetMaxRequestsPerSecond over ten seconds', async () => {
    const ms = await members(
      4,
      { fleetMaxRequestsPerSecond: 100, requestVolumeThreshold: 1_000_000 },
      250,
    );
    let admitted = 0;
    let limited = 0;
    for (let step = 0; step < 40; step++) {
      for (const m of ms) {
        for (let i = 0; i < 20; i++) {
          const result = await outcome(m, () => Promise.resolve(1));
          if (result === 'ok') admitted++;
          else if (isRateLimited(result)) limited++;
        }
      }
      for (const m of ms) m.clock.advance(250);
      await syncAll(ms);
    }
    // 10 s at 100 a second, plus one interval's burst: 1,025 at most.
    expect(admitted).toBeLessThanOrEqual(1025);
    expect(admitted).toBeGreaterThanOrEqual(900);
    expect(limited).toBe(40 * 4 * 20 - admitted);
  });
});

describe('forcing fleet-wide', () => {
  it('forces a command open and closed for every process, and lifts it for all', async () => {
    const ms = await members(2, { requestVolumeThreshold: 2 });
    const [a, b] = ms as [Member, Member];
    await touch(ms);
    await a.fleet.forceOpen('dep', true);
    // Applied here at once, and by the others at their next sync.
    expect(a.h.getCircuit('dep').circuit.state).toBe('open');
    await syncAll(ms);
    expect(isCircuitOpen(await outcome(b, () => Promise.resolve(1)))).toBe(true);
    await a.fleet.forceOpen('dep', false);
    await syncAll(ms);
    expect(await outcome(b, () => Promise.resolve(1))).toBe('ok');
    // Forced closed: failures beyond every threshold still go through, in every process.
    await b.fleet.forceClosed('dep', true);
    await syncAll(ms);
    for (let i = 0; i < 4; i++) await outcome(a, fail);
    await syncAll(ms);
    expect(await outcome(a, () => Promise.resolve(1))).toBe('ok');
    expect(a.h.getCircuit('dep').circuit.stats().forcedClosed).toBe(true);
    await b.fleet.forceClosed('dep', false);
    await syncAll(ms);
    expect(a.h.getCircuit('dep').circuit.stats().forcedClosed).toBe(false);
    await expect(a.fleet.forceOpen('dep', 'yes' as unknown as boolean)).rejects.toThrow(TypeError);
  });
});

describe('joinFleet', () => {
  it('refuses bad options with a clear TypeError, and a registry already in a fleet', async () => {
    const { h } = manualHystrix();
    const redis = client();
    const bad: [unknown, RegExp][] = [
      [{ fleet: 'x' }, /options\.redis must be an ioredis client/],
      [{ redis, fleet: '' }, /options\.fleet must be a name of 1 to 200 characters/],
      [{ redis, fleet: 'x', syncInterval: 5 }, /syncInterval/],
      [{ redis, fleet: 'x', prefix: 'a{b}' }, /without '\{' or '\}'/],
      [{ redis, fleet: 'x', instance: 42 }, /options\.instance/],
      [{ redis, fleet: 'x', syncInterval: 100, streamInterval: 50 }, /streamInterval/],
    ];
    for (const [options, message] of bad) {
      await expect(joinFleet(h, options as Parameters<typeof joinFleet>[1])).rejects.toThrow(
        message,
      );
    }
    const notARegistry: unknown = {};
    await expect(joinFleet(notARegistry as Hystrix, { redis, fleet: 'x' })).rejects.toThrow(
      TypeError,
    );
    const fleet = await joinFleet(h, { redis, fleet: 'twice', streamInterval: false });
    opened.push({ h, fleet });
    await expect(joinFleet(h, { redis, fleet: 'twice' })).rejects.toThrow(/joined a fleet already/);
  });
});
