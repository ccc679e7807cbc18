import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hystrix, ManualClock } from 'hystrix-ts';
import { registerPrometheus } from '../../src/plugins/prometheus.js';
import { type Fleet, joinFleet } from 'hystrix-ts/redis';
import { startStreamServer } from 'hystrix-ts/stream';
import { failOnUnhandled, flushPromises, manualHystrix } from '../helpers.js';
import { openStream } from '../stream/sse-client.js';
import { RedisServer } from '../../scripts/redis-server.js';

failOnUnhandled();

/** What a fleet shows: the fleet's aggregated stream, and the exports' fleet gauges. */

let server: RedisServer;
const clients: Redis[] = [];
const registries: Hystrix[] = [];

beforeAll(async () => {
  server = await RedisServer.start();
});

/** Servers a test starts for itself, stopped with the shared one. */
const stopLater: RedisServer[] = [];

afterAll(async () => {
  for (const h of registries) await h.close();
  for (const c of clients) c.disconnect();
  for (const s of [server, ...stopLater]) await s.stop();
});

interface Member {
  h: Hystrix;
  clock: ManualClock;
  fleet: Fleet;
}

async function member(
  fleet: string,
  instance: string,
  streamInterval: number | false,
): Promise<Member> {
  const redis = new Redis({ port: server.port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
  redis.on('error', () => {
    // The server is stopped on purpose in one test; the fleet reports it itself.
  });
  clients.push(redis);
  const { h, clock } = manualHystrix();
  registries.push(h);
  const joined = await joinFleet(h, { redis, fleet, instance, syncInterval: 1000, streamInterval });
  return { h, clock, fleet: joined };
}

describe("a fleet's views", () => {
  it("serves the fleet's aggregated stream from the snapshots the processes publish", async () => {
    const members = [
      await member('views', 'host-a', 1000),
      await member('views', 'host-b', 1000),
      await member('views', 'host-c', 1000),
    ];
    for (const [i, m] of members.entries()) {
      for (let k = 0; k <= i; k++) await m.h.do('inventory', () => Promise.resolve(k));
      await m.h.do('inventory', () => Promise.reject(new Error('x'))).catch(() => 0);
    }
    // Each process hears from the fleet, then a stream interval later publishes its snapshot with its heartbeat.
    for (const m of members) await m.fleet.sync();
    for (const m of members) m.clock.advance(1000);
    await flushPromises();
    for (const m of members) await m.fleet.sync();
    const viewer = manualHystrix();
    registries.push(viewer.h);
    const first = members[0];
    if (first === undefined) throw new Error('no member');
    const stream = await startStreamServer({
      hystrix: viewer.h,
      source: first.fleet.snapshots,
      interval: 1000,
    });
    try {
      const connection = await openStream(`${stream.url}/hystrix.stream`);
      viewer.clock.advance(1000);
      await connection.waitForData(2);
      const command = connection.data
        .map((d) => JSON.parse(d) as Record<string, unknown>)
        .find((m) => m['type'] === 'HystrixCommand');
      // Six successes and three failures across three processes, summed as Turbine sums them.
      expect(command).toMatchObject({
        name: 'inventory',
        reportingHosts: 3,
        requestCount: 9,
        errorCount: 3,
        rollingCountSuccess: 6,
        rollingCountFailure: 3,
      });
      connection.close();
      // The page's extended stream: the hosts' fleet parts, merged.
      const extended = await openStream(`${stream.url}/hystrix.stream?extended=true`);
      await extended.waitForData(4);
      const circuit = extended.data
        .map((d) => JSON.parse(d) as Record<string, unknown>)
        .find((m) => m['type'] === 'HystrixTsCircuit');
      expect(circuit).toMatchObject({ name: 'inventory', reportingHosts: 3, requests: 9 });
      expect(circuit?.['fleet']).toMatchObject({ fleet: 'views', localMode: false, instances: 3 });
      extended.close();
    } finally {
      await stream.close();
    }
  });

  it('shows the fleet in stats(), the extended stream and Prometheus, local mode included', async () => {
    const redis = await RedisServer.start();
    stopLater.push(redis);
    const client = new Redis({
      port: redis.port,
      host: '127.0.0.1',
      maxRetriesPerRequest: 1,
      retryStrategy: () => 50,
    });
    client.on('error', () => {
      // Stopped on purpose below.
    });
    clients.push(client);
    const { h, clock } = manualHystrix();
    registries.push(h);
    const fleet = await joinFleet(h, {
      redis: client,
      fleet: 'shown',
      syncInterval: 1000,
      streamInterval: false,
    });
    const registry = new Registry();
    registerPrometheus({ registry, hystrix: h });
    await h.do('dep', () => Promise.resolve(1));
    await fleet.sync();
    const gauge = async (name: string): Promise<number | undefined> =>
      (await registry.getSingleMetric(name)?.get())?.values.find(
        (v) => v.labels['command'] === 'dep',
      )?.value;
    expect(await gauge('hystrix_fleet_local_mode')).toBe(0);
    expect(await gauge('hystrix_fleet_instances')).toBe(1);
    const stream = await startStreamServer({ hystrix: h, interval: 1000 });
    try {
      const connection = await openStream(`${stream.url}/hystrix.stream?extended=true`);
      await connection.waitForData(3);
      const extended = connection.data
        .map((d) => JSON.parse(d) as Record<string, unknown>)
        .find((m) => m['type'] === 'HystrixTsCircuit');
      expect(extended?.['fleet']).toMatchObject({ fleet: 'shown', localMode: false, instances: 1 });
      connection.close();
    } finally {
      await stream.close();
    }
    await redis.kill();
    for (let i = 0; i < 2; i++) {
      const done = fleet.sync();
      await flushPromises();
      clock.advance(1000);
      await done;
    }
    expect(h.getCircuit('dep').circuit.stats().fleet?.localMode).toBe(true);
    expect(await gauge('hystrix_fleet_local_mode')).toBe(1);
  });
});
