/**
 * The fleet case: what joining a fleet (hystrix-ts/redis) costs a call, and how many Redis commands a process
 * sends a second at a low and a high call rate (they should not differ: a process syncs once an interval,
 * whatever its traffic). Against a real redis-server on loopback, started here.
 */
import { Redis } from 'ioredis';
import type * as Library from '../src/index.js';
import type * as RedisLibrary from '../src/redis/index.js';
import { RedisServer } from '../scripts/redis-server.js';
import { freshLoop, median, nowNs, sleep, yieldLoop } from './harness.js';

// The build, as users run it (see variants.ts).
const built = '../dist/index.js';
const builtRedis = '../dist/redis.js';
const { Hystrix } = (await import(built)) as typeof Library;
const { joinFleet } = (await import(builtRedis)) as typeof RedisLibrary;

const work = (): Promise<number> => Promise.resolve(1);

/** The fleet's figures. */
export interface FleetFigures {
  /** ns a sequential call, not joined and joined. */
  readonly local: number;
  readonly joined: number;
  /** Redis commands a second the process sent, at each call rate, with the rate reached. */
  readonly rates: readonly { target: number; reached: number; commands: number }[];
  readonly syncInterval: number;
}

/**
 * The commands the fleet has sent so far: its scripts (EVALSHA, and EVAL once for a script the server did not
 * know). Redis's command statistics also count the commands run inside scripts, which cost no round trip.
 */
async function commandsRun(admin: Redis): Promise<number> {
  const info = await admin.info('commandstats');
  let total = 0;
  for (const match of info.matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+)/g))
    total += Number(match[1]);
  return total;
}

/** Calls at about `perSecond` for `seconds`, in slices of 10 ms; returns the rate reached. */
async function callAt(h: Library.Hystrix, perSecond: number, seconds: number): Promise<number> {
  const start = nowNs();
  const end = start + seconds * 1e9;
  let made = 0;
  while (nowNs() < end) {
    const due = Math.floor(((nowNs() - start) / 1e9) * perSecond);
    const batch: Promise<unknown>[] = [];
    while (made < due && batch.length < 5000) {
      batch.push(h.do('bench', work));
      made++;
    }
    await Promise.all(batch);
    if (made >= due) await sleep(10);
    else await yieldLoop();
  }
  return made / seconds;
}

/** Runs the fleet case. */
export async function fleet(options: {
  rounds: number;
  calls: number;
  seconds: number;
}): Promise<FleetFigures> {
  const server = await RedisServer.start();
  const admin = new Redis({ port: server.port, host: '127.0.0.1' });
  const syncInterval = 250;
  try {
    const local = new Hystrix();
    const joinedRegistry = new Hystrix();
    // Room for the high rate's batches in flight; the same for both.
    for (const h of [local, joinedRegistry])
      h.configureCommand('bench', { maxConcurrentRequests: 10_000 });
    const redis = new Redis({ port: server.port, host: '127.0.0.1' });
    const member = await joinFleet(joinedRegistry, {
      redis,
      fleet: 'bench',
      syncInterval,
      streamInterval: false,
    });
    const localTimes: number[] = [];
    const joinedTimes: number[] = [];
    const localLoop = freshLoop('sequential');
    const joinedLoop = freshLoop('sequential');
    const callLocal = (): Promise<number> => local.do('bench', work);
    const callJoined = (): Promise<number> => joinedRegistry.do('bench', work);
    await localLoop(callLocal, options.calls);
    await joinedLoop(callJoined, options.calls);
    for (let r = 0; r < options.rounds; r++) {
      localTimes.push(await localLoop(callLocal, options.calls));
      joinedTimes.push(await joinedLoop(callJoined, options.calls));
    }
    const rates: { target: number; reached: number; commands: number }[] = [];
    for (const target of [1_000, 100_000]) {
      const before = await commandsRun(admin);
      const reached = await callAt(joinedRegistry, target, options.seconds);
      const commands = ((await commandsRun(admin)) - before) / options.seconds;
      rates.push({ target, reached, commands });
    }
    await member.leave();
    await joinedRegistry.close();
    await local.close();
    redis.disconnect();
    return {
      local: median(localTimes),
      joined: median(joinedTimes),
      rates,
      syncInterval,
    };
  } finally {
    admin.disconnect();
    await server.stop();
  }
}
