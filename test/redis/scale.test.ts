import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hystrix, ManualClock } from 'hystrix-ts';
import { type Fleet, joinFleet } from 'hystrix-ts/redis';
import { failOnUnhandled, manualHystrix } from '../helpers.js';
import { RedisServer } from '../../scripts/redis-server.js';

failOnUnhandled();

/**
 * A hundred processes on one Redis, simulated in one Node process: each a `Hystrix` with its own connection and
 * clock. Syncs are driven round by round (a round is one sync interval of every process), so the figures are
 * exact counts: Redis commands per round, and rounds until every process agrees.
 */

const PROCESSES = 100;
const COMMANDS = 5;
const INTERVAL_MS = 250;

let server: RedisServer;
let admin: Redis;
const members: { h: Hystrix; clock: ManualClock; fleet: Fleet; redis: Redis }[] = [];

beforeAll(async () => {
  server = await RedisServer.start();
  admin = new Redis({ port: server.port, host: '127.0.0.1' });
  for (let i = 0; i < PROCESSES; i++) {
    const redis = new Redis({ port: server.port, host: '127.0.0.1' });
    const { h, clock } = manualHystrix();
    for (let c = 0; c < COMMANDS; c++) {
      h.configureCommand(`dep-${c}`, { requestVolumeThreshold: 50, sleepWindow: 60_000 });
    }
    // The rounds below drive the syncs, each standing for one interval of INTERVAL_MS; the timer's own interval
    // is out of the clocks' reach.
    const fleet = await joinFleet(h, {
      redis,
      fleet: 'scale',
      syncInterval: 60_000,
      instance: `p${i}`,
      streamInterval: false,
    });
    members.push({ h, clock, fleet, redis });
  }
}, 120_000);

afterAll(async () => {
  for (const m of members) {
    await m.h.close();
    m.redis.disconnect();
  }
  admin.disconnect();
  await server.stop();
});

/** Commands Redis has run so far (the fleet runs scripts only). */
async function scriptsRun(): Promise<number> {
  const info = await admin.info('commandstats');
  let total = 0;
  for (const match of info.matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+)/g))
    total += Number(match[1]);
  return total;
}

/** One sync interval of every process: each syncs once, on a clock moved by the interval. */
async function round(): Promise<void> {
  for (const m of members) m.clock.advance(INTERVAL_MS);
  await Promise.all(members.map((m) => m.fleet.sync()));
}

async function callAll(times: number, fail: boolean): Promise<void> {
  await Promise.all(
    members.map(async (m) => {
      for (let t = 0; t < times; t++) {
        for (let c = 0; c < COMMANDS; c++) {
          await m.h
            .do(`dep-${c}`, () => (fail ? Promise.reject(new Error('x')) : Promise.resolve(1)))
            .catch(() => undefined);
        }
      }
    }),
  );
}

describe('a hundred processes on one Redis', () => {
  it('costs Redis one heartbeat and one script per active command per process per interval, whatever the call rate', async () => {
    await callAll(1, false);
    await round();
    const perRound = async (calls: number): Promise<number> => {
      await callAll(calls, false);
      const before = await scriptsRun();
      await round();
      return (await scriptsRun()) - before;
    };
    const light = await perRound(1);
    const heavy = await perRound(40);
    // 100 × (1 + 5) scripts a round, at 4 rounds a second: 2,400 a second for the fleet, 24 per process.
    expect(light).toBe(PROCESSES * (1 + COMMANDS));
    expect(heavy).toBe(light);
    const opsPerSecond = (light * 1000) / INTERVAL_MS;
    console.log(
      `scale: ${PROCESSES} processes × ${COMMANDS} commands, ${INTERVAL_MS} ms interval: ` +
        `${opsPerSecond} Redis scripts a second (${opsPerSecond / PROCESSES} per process)`,
    );
    expect(opsPerSecond).toBe(2400);
  }, 120_000);

  it('spreads an opening to every process within three rounds', async () => {
    // Every process calls the dependency once; then a third of the fleet sees it fail, four times each: no
    // process has the volume alone (20), the fleet has 236 requests, 58 % errors.
    await Promise.all(members.map((m) => m.h.do('fresh', () => Promise.resolve(1))));
    const failing = members.slice(0, 34);
    await Promise.all(
      failing.map(async (m) => {
        for (let i = 0; i < 4; i++) {
          await m.h.do('fresh', () => Promise.reject(new Error('x'))).catch(() => 0);
        }
      }),
    );
    for (const m of members) expect(m.h.getCircuit('fresh').circuit.state).toBe('closed');
    // Each round every process syncs, then makes one call: the counts reach Redis, come back to the processes,
    // a call trips the circuit, and the opening spreads.
    let rounds = 0;
    while (members.some((m) => m.h.getCircuit('fresh').circuit.state !== 'open') && rounds < 6) {
      await round();
      rounds++;
      await Promise.all(
        members.map((m) => m.h.do('fresh', () => Promise.resolve(1)).catch(() => 0)),
      );
    }
    console.log(`scale: an opening reached all ${PROCESSES} processes in ${rounds} round(s)`);
    // Two rounds to push the counts and read the fleet's totals back, one to spread the opening.
    expect(rounds).toBeLessThanOrEqual(3);
  }, 120_000);
});
