import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Hystrix, isCircuitOpen, isMaxConcurrency, type ManualClock } from 'hystrix-ts';
import { type Fleet, joinFleet, keyPart } from 'hystrix-ts/redis';
import { failOnUnhandled, manualHystrix, never } from '../helpers.js';
import { RedisServer } from '../../scripts/redis-server.js';

failOnUnhandled();

const run = promisify(execFile);

/** A real three-master Redis Cluster on loopback, made with redis-cli --cluster create. */
let nodes: RedisServer[] = [];
const clients: Cluster[] = [];

beforeAll(async () => {
  nodes = await Promise.all(
    [0, 1, 2].map(() =>
      RedisServer.start(['--cluster-enabled', 'yes', '--cluster-node-timeout', '2000']),
    ),
  );
  await run('redis-cli', [
    '--cluster',
    'create',
    ...nodes.map((n) => `127.0.0.1:${n.port}`),
    '--cluster-replicas',
    '0',
    '--cluster-yes',
  ]);
  for (let i = 0; i < 200; i++) {
    const infos = await Promise.all(
      nodes.map((n) => run('redis-cli', ['-p', String(n.port), 'cluster', 'info'])),
    );
    if (infos.every(({ stdout }) => stdout.includes('cluster_state:ok'))) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the cluster did not come up');
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await Promise.all(nodes.map((n) => n.stop()));
});

interface Member {
  h: Hystrix;
  clock: ManualClock;
  fleet: Fleet;
}

async function member(fleet: string, instance: string): Promise<Member> {
  const cluster = new Cluster([{ host: '127.0.0.1', port: nodes[0]?.port ?? 0 }]);
  clients.push(cluster);
  const { h, clock } = manualHystrix();
  for (const name of ['alpha', 'beta', 'gamma', 'δέλτα {tag}']) {
    h.configureCommand(name, {
      requestVolumeThreshold: 4,
      sleepWindow: 1000,
      fleetMaxConcurrentRequests: 4,
    });
  }
  const joined = await joinFleet(h, {
    redis: cluster,
    fleet,
    instance,
    syncInterval: 60_000,
    streamInterval: 60_000,
  });
  return { h, clock, fleet: joined };
}

describe('Redis Cluster', () => {
  it('shares health, state, the probe and limits across commands spread over three masters', async () => {
    const a = await member('cluster-fleet', 'a');
    const b = await member('cluster-fleet', 'b');
    const both = [a, b];
    const names = ['alpha', 'beta', 'gamma', 'δέλτα {tag}'];
    // The commands' keys fall in different slots, so the test spans the masters.
    const probe = clients[0];
    if (probe === undefined) throw new Error('no cluster client');
    const slots = new Set(
      await Promise.all(
        names.map((name) =>
          probe.call('CLUSTER', 'KEYSLOT', `hystrix:{cluster-fleet:${keyPart(name)}}:state`),
        ),
      ),
    );
    expect(slots.size).toBeGreaterThan(1);
    const sync = async (): Promise<void> => {
      for (const m of both) await m.fleet.sync();
      for (const m of both) await m.fleet.sync();
    };
    for (const name of names) {
      await b.h.do(name, () => Promise.resolve(1));
      for (let i = 0; i < 3; i++)
        await a.h.do(name, () => Promise.reject(new Error('x'))).catch(() => 0);
    }
    await sync();
    for (const name of names) {
      const error = await a.h.do(name, () => Promise.resolve(1)).catch((e: unknown) => e);
      expect(isCircuitOpen(error)).toBe(true);
    }
    await sync();
    for (const name of names) {
      expect(b.h.getCircuit(name).circuit.state).toBe('open');
      expect(b.h.getCircuit(name).circuit.stats().fleet).toMatchObject({
        localMode: false,
        instances: 2,
      });
    }
    // One probe for the fleet, per command.
    for (const m of both) m.clock.advance(1500);
    for (const name of names) for (const m of both) await m.h.do(name, never).catch(() => 0);
    await sync();
    for (const name of names) {
      const probing = both.filter((m) => m.h.getCircuit(name).circuit.stats().fleet?.probing);
      expect(probing).toHaveLength(1);
    }
    // Limits: four in flight across the fleet at most, whatever each process asks.
    for (const m of both) m.h.getCircuit('gamma').circuit.forceClosed(true);
    for (let round = 0; round < 4; round++) {
      for (const m of both) for (let i = 0; i < 4; i++) void m.h.do('gamma', never).catch(() => 0);
      await sync();
    }
    const inFlight = both.reduce(
      (sum, m) => sum + m.h.getCircuit('gamma').circuit.pool.activeCount,
      0,
    );
    expect(inFlight).toBeLessThanOrEqual(4);
    expect(isMaxConcurrency(await a.h.do('gamma', never).catch((e: unknown) => e))).toBe(true);
    // The stream snapshots live under the fleet's own slot.
    const snapshots = await a.fleet.snapshots.snapshots();
    expect(snapshots.map((s) => s.host).sort()).toEqual(['a', 'b']);
    for (const m of both) await m.h.close();
  });
});
